-- Indexes the demo builds after loading (and recommends to the DBA on the operational tables).
CREATE INDEX IF NOT EXISTS grid_case_reported_at_idx      ON cockpit.grid_case (reported_at);
CREATE INDEX IF NOT EXISTS grid_case_open_idx             ON cockpit.grid_case (close_deadline_at) WHERE closed_at IS NULL;
CREATE INDEX IF NOT EXISTS grid_case_grid_idx             ON cockpit.grid_case (grid_code);
CREATE INDEX IF NOT EXISTS grid_case_closed_at_idx        ON cockpit.grid_case (closed_at);
CREATE INDEX IF NOT EXISTS waste_weighing_weighed_at_idx  ON cockpit.waste_weighing (weighed_at, site_id);
CREATE INDEX IF NOT EXISTS parking_violation_observed_idx ON cockpit.parking_violation (observed_at);
CREATE INDEX IF NOT EXISTS parking_violation_plate_idx    ON cockpit.parking_violation (plate, observed_at);
CREATE INDEX IF NOT EXISTS drone_flight_started_at_idx    ON cockpit.drone_flight (started_at);
CREATE INDEX IF NOT EXISTS drone_detection_flight_idx     ON cockpit.drone_detection (flight_id);
CREATE INDEX IF NOT EXISTS market_request_submitted_idx   ON cockpit.market_request (submitted_at);
CREATE INDEX IF NOT EXISTS shop_violation_shop_idx        ON cockpit.shop_violation (shop_id, observed_at);
CREATE INDEX IF NOT EXISTS drone_track_point_recorded_idx ON cockpit.drone_track_point (recorded_at);

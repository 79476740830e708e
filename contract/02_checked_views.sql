-- Pinghu command-centre cockpit: checked views, contract version 1.0.0.
--
-- Installed as-is on top of the relations of 01_relations.sql, on the operational database
-- and in the demo alike. Each `<relation>_checked` view adds `issue_code`: null for a row the
-- cockpit counts, otherwise the reason it is left out. `<relation>_valid` holds the counted
-- rows only. Every figure reads a `_valid` view; `data_quality` counts what was left out, so
-- valid rows + rows in data_quality = all rows, relation by relation.
--
-- The service area is a bounding box around Pinghu in WGS-84 (the county outline spans
-- lat 30.479-30.859, lon 120.947-121.336); points outside it are 'out_of_area'.

CREATE OR REPLACE VIEW cockpit.grid_case_checked AS
SELECT c.*,
       g.town_code,
       g.community_code,
       CASE
           WHEN c.reported_at IS NULL                     THEN 'missing_time'
           WHEN c.reported_at > now() OR c.closed_at > now() THEN 'future_time'
           WHEN c.closed_at < c.reported_at               THEN 'impossible_time'
           WHEN c.lat IS NULL OR c.lon IS NULL            THEN 'missing_location'
           WHEN NOT (c.lat BETWEEN 30.45 AND 30.90 AND c.lon BETWEEN 120.90 AND 121.40)
                                                          THEN 'out_of_area'
           WHEN s.source_code IS NULL                     THEN 'unknown_source'
           WHEN k.category_code IS NULL                   THEN 'unknown_category'
           WHEN g.grid_code IS NULL                       THEN 'unknown_grid'
       END AS issue_code
FROM cockpit.grid_case c
LEFT JOIN cockpit.case_source s   ON s.source_code = c.source_code
LEFT JOIN cockpit.case_category k ON k.category_code = c.category_code
LEFT JOIN cockpit.unit_grid g     ON g.grid_code = c.grid_code;

CREATE OR REPLACE VIEW cockpit.grid_case_valid AS
SELECT * FROM cockpit.grid_case_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.waste_weighing_checked AS
SELECT w.*,
       st.town_code,
       CASE
           WHEN w.weighed_at IS NULL                      THEN 'missing_time'
           WHEN w.weighed_at > now()                      THEN 'future_time'
           WHEN w.stage IS NULL OR w.stage NOT IN ('collect', 'transfer', 'dispose')
                                                          THEN 'unknown_stage'
           WHEN w.net_tonnes IS NULL OR w.net_tonnes <= 0 THEN 'non_positive_weight'
           WHEN w.net_tonnes > 50                         THEN 'absurd_weight'
           WHEN st.site_id IS NULL                        THEN 'unknown_site'
           WHEN wc.category_code IS NULL                  THEN 'unknown_category'
           WHEN EXISTS (SELECT 1 FROM cockpit.waste_weighing d
                         WHERE d.weighed_at = w.weighed_at
                           AND d.site_id = w.site_id
                           AND d.vehicle_id IS NOT DISTINCT FROM w.vehicle_id
                           AND d.category_code = w.category_code
                           AND d.net_tonnes = w.net_tonnes
                           AND d.weighing_id < w.weighing_id)
                                                          THEN 'duplicate'
       END AS issue_code
FROM cockpit.waste_weighing w
LEFT JOIN cockpit.waste_site st     ON st.site_id = w.site_id
LEFT JOIN cockpit.waste_category wc ON wc.category_code = w.category_code;

CREATE OR REPLACE VIEW cockpit.waste_weighing_valid AS
SELECT * FROM cockpit.waste_weighing_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.parking_violation_checked AS
SELECT v.*,
       COALESCE(r.town_code, g.town_code) AS town_code,
       CASE
           WHEN v.observed_at IS NULL                     THEN 'missing_time'
           WHEN v.observed_at > now()
             OR v.reminder_at > now()
             OR v.ticketed_at > now()                     THEN 'future_time'
           WHEN v.ticketed_at < v.reminder_at             THEN 'impossible_time'
           WHEN v.lat IS NULL OR v.lon IS NULL            THEN 'missing_location'
           WHEN NOT (v.lat BETWEEN 30.45 AND 30.90 AND v.lon BETWEEN 120.90 AND 121.40)
                                                          THEN 'out_of_area'
           WHEN v.road_id IS NOT NULL AND r.road_id IS NULL THEN 'unknown_road'
           WHEN v.method IS NULL OR v.method NOT IN ('manual', 'ecapture')
                                                          THEN 'unknown_method'
       END AS issue_code
FROM cockpit.parking_violation v
LEFT JOIN cockpit.parking_road r ON r.road_id = v.road_id
LEFT JOIN cockpit.unit_grid g    ON g.grid_code = v.grid_code;

CREATE OR REPLACE VIEW cockpit.parking_violation_valid AS
SELECT * FROM cockpit.parking_violation_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.drone_track_point_checked AS
SELECT p.*,
       CASE
           WHEN p.recorded_at IS NULL                     THEN 'missing_time'
           WHEN p.lat IS NULL OR p.lon IS NULL            THEN 'missing_location'
           WHEN NOT (p.lat BETWEEN 30.45 AND 30.90 AND p.lon BETWEEN 120.90 AND 121.40)
                                                          THEN 'out_of_area'
           WHEN p.recorded_at > now()                     THEN 'future_time'
       END AS issue_code
FROM cockpit.drone_track_point p;

CREATE OR REPLACE VIEW cockpit.drone_track_point_valid AS
SELECT * FROM cockpit.drone_track_point_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.drone_flight_checked AS
SELECT f.*,
       n.town_code,
       CASE
           WHEN f.started_at IS NULL                      THEN 'missing_time'
           WHEN f.started_at > now()                      THEN 'future_time'
           WHEN f.ended_at < f.started_at                 THEN 'impossible_time'
           WHEN n.nest_id IS NULL                         THEN 'unknown_nest'
       END AS issue_code
FROM cockpit.drone_flight f
LEFT JOIN cockpit.drone_nest n ON n.nest_id = f.nest_id;

CREATE OR REPLACE VIEW cockpit.drone_flight_valid AS
SELECT * FROM cockpit.drone_flight_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.market_request_checked AS
SELECT q.*,
       CASE
           WHEN q.submitted_at IS NULL                    THEN 'missing_time'
           WHEN q.submitted_at > now()                    THEN 'future_time'
           WHEN q.resolved_at < q.submitted_at            THEN 'impossible_time'
           WHEN i.item_code IS NULL                       THEN 'unknown_item'
           WHEN d.dept_code IS NULL                       THEN 'unknown_department'
       END AS issue_code
FROM cockpit.market_request q
LEFT JOIN cockpit.market_service_item i ON i.item_code = q.item_code
LEFT JOIN cockpit.market_department d   ON d.dept_code = q.dept_code;

CREATE OR REPLACE VIEW cockpit.market_request_valid AS
SELECT * FROM cockpit.market_request_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.data_quality AS
SELECT 'grid_case' AS relation_name, issue_code, count(*) AS row_count
  FROM cockpit.grid_case_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'waste_weighing', issue_code, count(*)
  FROM cockpit.waste_weighing_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'parking_violation', issue_code, count(*)
  FROM cockpit.parking_violation_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'drone_flight', issue_code, count(*)
  FROM cockpit.drone_flight_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'drone_track_point', issue_code, count(*)
  FROM cockpit.drone_track_point_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'market_request', issue_code, count(*)
  FROM cockpit.market_request_checked WHERE issue_code IS NOT NULL GROUP BY issue_code;

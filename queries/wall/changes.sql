-- name: wall.changes
-- grain: one row per area (cases, drones, waste, parking, market): a token that changes when the area's rows change — its newest ids and event times not after :as_of (each an index's end, so the check costs a few index probes); the big screen runs it every few seconds and refreshes an area's figures only when its token moved
-- params: as_of
-- ttl: 4
-- timeout: 2000
SELECT 'cases' AS area,
       concat_ws('|', (SELECT max(case_id) FROM cockpit.grid_case),
                      (SELECT max(reported_at) FROM cockpit.grid_case WHERE reported_at <= CAST(:as_of AS timestamptz)),
                      (SELECT max(closed_at) FROM cockpit.grid_case WHERE closed_at <= CAST(:as_of AS timestamptz))) AS token
UNION ALL
SELECT 'drones',
       concat_ws('|', (SELECT max(flight_id) FROM cockpit.drone_flight),
                      (SELECT max(started_at) FROM cockpit.drone_flight WHERE started_at <= CAST(:as_of AS timestamptz)),
                      (SELECT max(status_at) FROM cockpit.drone_nest WHERE status_at <= CAST(:as_of AS timestamptz)))
UNION ALL
SELECT 'waste',
       concat_ws('|', (SELECT max(weighed_at) FROM cockpit.waste_weighing WHERE weighed_at <= CAST(:as_of AS timestamptz)))
UNION ALL
SELECT 'parking',
       concat_ws('|', (SELECT max(violation_id) FROM cockpit.parking_violation),
                      (SELECT max(observed_at) FROM cockpit.parking_violation WHERE observed_at <= CAST(:as_of AS timestamptz)))
UNION ALL
SELECT 'market',
       concat_ws('|', (SELECT max(request_id) FROM cockpit.market_request),
                      (SELECT max(submitted_at) FROM cockpit.market_request WHERE submitted_at <= CAST(:as_of AS timestamptz)),
                      (SELECT max(resolved_at) FROM cockpit.market_request WHERE resolved_at <= CAST(:as_of AS timestamptz)))

-- name: common.freshness
-- grain: one row per fact relation: its newest event time not after :as_of
-- params: as_of
-- ttl: 30
-- timeout: 3000
SELECT 'grid_case' AS relation_name, max(reported_at) AS newest_at
  FROM cockpit.grid_case WHERE reported_at <= CAST(:as_of AS timestamptz)
UNION ALL
SELECT 'waste_weighing', max(weighed_at)
  FROM cockpit.waste_weighing WHERE weighed_at <= CAST(:as_of AS timestamptz)
UNION ALL
SELECT 'parking_violation', max(observed_at)
  FROM cockpit.parking_violation WHERE observed_at <= CAST(:as_of AS timestamptz)
UNION ALL
SELECT 'drone_flight', max(started_at)
  FROM cockpit.drone_flight WHERE started_at <= CAST(:as_of AS timestamptz)
UNION ALL
SELECT 'market_request', max(submitted_at)
  FROM cockpit.market_request WHERE submitted_at <= CAST(:as_of AS timestamptz)

-- name: common.data_quality_recent
-- grain: one row per relation and issue: rows of the last :days days before :as_of (by the row's own time; rows without a time or with a future one included) left out of every figure, and why
-- params: as_of, days
-- ttl: 600
-- The same checks as the view cockpit.data_quality (which counts all history, for `python -m cockpit check`),
-- limited to recent rows so that every page header can afford it on years of data (the time columns are indexed).
WITH p AS (
    SELECT CAST(:as_of AS timestamptz) - make_interval(days => CAST(:days AS integer)) AS since
)
SELECT 'grid_case' AS relation_name, c.issue_code, count(*) AS row_count
  FROM cockpit.grid_case_checked c, p
 WHERE c.issue_code IS NOT NULL AND (c.reported_at >= p.since OR c.reported_at IS NULL)
 GROUP BY c.issue_code
UNION ALL
SELECT 'waste_weighing', w.issue_code, count(*)
  FROM cockpit.waste_weighing_checked w, p
 WHERE w.issue_code IS NOT NULL AND (w.weighed_at >= p.since OR w.weighed_at IS NULL)
 GROUP BY w.issue_code
UNION ALL
SELECT 'parking_violation', v.issue_code, count(*)
  FROM cockpit.parking_violation_checked v, p
 WHERE v.issue_code IS NOT NULL AND (v.observed_at >= p.since OR v.observed_at IS NULL)
 GROUP BY v.issue_code
UNION ALL
SELECT 'drone_flight', f.issue_code, count(*)
  FROM cockpit.drone_flight_checked f, p
 WHERE f.issue_code IS NOT NULL AND (f.started_at >= p.since OR f.started_at IS NULL)
 GROUP BY f.issue_code
UNION ALL
SELECT 'drone_track_point', t.issue_code, count(*)
  FROM cockpit.drone_track_point_checked t, p
 WHERE t.issue_code IS NOT NULL AND (t.recorded_at >= p.since OR t.recorded_at IS NULL)
 GROUP BY t.issue_code
UNION ALL
SELECT 'market_request', m.issue_code, count(*)
  FROM cockpit.market_request_checked m, p
 WHERE m.issue_code IS NOT NULL AND (m.submitted_at >= p.since OR m.submitted_at IS NULL)
 GROUP BY m.issue_code
ORDER BY 1, 2

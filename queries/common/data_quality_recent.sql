-- name: common.data_quality_recent
-- grain: one row per relation and issue: rows of the last :days local days up to :as_of's day (by the row's own time; rows without a time, with a future one or with one before cockpit.earliest_valid_time() included, and the reference relations' bad geometries) left out of every figure, and why
-- params: as_of, days
-- ttl: 600
-- timeout: 3000
-- The same checks as the view cockpit.data_quality (which counts all history, for `python -m cockpit check`),
-- limited to recent rows so that every page header can afford it on years of data: days before the
-- rollups' cut-off come from cockpit.data_quality_day (contract/04_rollups.sql), later rows and rows
-- without a time from the checked views (their time columns are indexed). Rows dated before the floor
-- (an epoch-zero time is never recent, but it is bad and must show) are counted live, never from the
-- rollup; the reference relations (town, unit_grid, parking_road: no time, a few thousand rows) too.
WITH p AS (
    SELECT CAST((CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AS date) - CAST(:days AS integer) + 1 AS first_day,
           least(coalesce((SELECT max(complete_before) FROM cockpit.rollup_state), DATE '1900-01-01'),
                 CAST((CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AS date) + 1)            AS cut
),

live AS (
    SELECT CAST(greatest(p.first_day, p.cut) AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS since
    FROM p
),

counts AS (
    SELECT d.relation_name, d.issue_code, d.row_count
      FROM cockpit.data_quality_day d, p
     WHERE d.day >= p.first_day AND d.day < p.cut
       AND d.day >= CAST(cockpit.earliest_valid_time() AT TIME ZONE 'Asia/Shanghai' AS date)
    UNION ALL
    SELECT 'grid_case', c.issue_code, count(*)
      FROM cockpit.grid_case_checked c, live
     WHERE c.issue_code IS NOT NULL AND (c.reported_at >= live.since OR c.reported_at IS NULL
                                          OR c.reported_at < cockpit.earliest_valid_time())
     GROUP BY c.issue_code
    UNION ALL
    SELECT 'waste_weighing', w.issue_code, count(*)
      FROM cockpit.waste_weighing_checked w, live
     WHERE w.issue_code IS NOT NULL AND (w.weighed_at >= live.since OR w.weighed_at IS NULL
                                          OR w.weighed_at < cockpit.earliest_valid_time())
     GROUP BY w.issue_code
    UNION ALL
    SELECT 'parking_violation', v.issue_code, count(*)
      FROM cockpit.parking_violation_checked v, live
     WHERE v.issue_code IS NOT NULL AND (v.observed_at >= live.since OR v.observed_at IS NULL
                                          OR v.observed_at < cockpit.earliest_valid_time())
     GROUP BY v.issue_code
    UNION ALL
    SELECT 'drone_flight', f.issue_code, count(*)
      FROM cockpit.drone_flight_checked f, live
     WHERE f.issue_code IS NOT NULL AND (f.started_at >= live.since OR f.started_at IS NULL
                                          OR f.started_at < cockpit.earliest_valid_time())
     GROUP BY f.issue_code
    UNION ALL
    SELECT 'drone_track_point', t.issue_code, count(*)
      FROM cockpit.drone_track_point_checked t, live
     WHERE t.issue_code IS NOT NULL AND (t.recorded_at >= live.since OR t.recorded_at IS NULL
                                          OR t.recorded_at < cockpit.earliest_valid_time())
     GROUP BY t.issue_code
    UNION ALL
    SELECT 'market_request', m.issue_code, count(*)
      FROM cockpit.market_request_checked m, live
     WHERE m.issue_code IS NOT NULL AND (m.submitted_at >= live.since OR m.submitted_at IS NULL
                                          OR m.submitted_at < cockpit.earliest_valid_time())
     GROUP BY m.issue_code
    UNION ALL
    SELECT 'town', t.issue_code, count(*)
      FROM cockpit.town_checked t WHERE t.issue_code IS NOT NULL GROUP BY t.issue_code
    UNION ALL
    SELECT 'unit_grid', g.issue_code, count(*)
      FROM cockpit.unit_grid_checked g WHERE g.issue_code IS NOT NULL GROUP BY g.issue_code
    UNION ALL
    SELECT 'parking_road', r.issue_code, count(*)
      FROM cockpit.parking_road_checked r WHERE r.issue_code IS NOT NULL GROUP BY r.issue_code
)

SELECT relation_name, issue_code, CAST(sum(row_count) AS bigint) AS row_count
FROM counts
GROUP BY 1, 2
ORDER BY 1, 2

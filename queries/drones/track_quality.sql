-- name: drones.track_quality
-- grain: one row per level (flight | point | segment) and issue (null = counted) for sorties that took off between :date_from and :date_to (local days, Asia/Shanghai) up to :as_of: how many sorties, track points and segments the figures count, and how many they leave out and why
-- params: as_of, date_from, date_to
-- ttl: 300
-- Flights: drone_flight_checked.issue_code. Points of valid flights: drone_track_point_checked.issue_code.
-- Segments between consecutive valid points: drone_track_segment.break_code (gap, speed_jump,
-- impossible_time), neither drawn nor counted for coverage.
WITH flights AS (
    SELECT f.flight_id, f.issue_code
    FROM cockpit.drone_flight_checked f
    WHERE f.started_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND f.started_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND f.started_at <= CAST(:as_of AS timestamptz)
)

SELECT 'flight' AS level, f.issue_code AS issue_code, count(*) AS row_count
FROM flights f
GROUP BY f.issue_code
UNION ALL
SELECT 'point', p.issue_code, count(*)
FROM flights f
JOIN cockpit.drone_track_point_checked p ON p.flight_id = f.flight_id
WHERE f.issue_code IS NULL
GROUP BY p.issue_code
UNION ALL
SELECT 'segment', s.break_code, count(*)
FROM flights f
JOIN cockpit.drone_track_segment s ON s.flight_id = f.flight_id
WHERE f.issue_code IS NULL
GROUP BY s.break_code
ORDER BY 1, 2 NULLS FIRST

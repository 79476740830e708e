-- name: weekly.parking_by_road
-- grain: one row per parking road (严管路段 and others of cockpit.parking_road) with valid violations in the ISO week that starts on Monday :week_start (local days, Asia/Shanghai; up to :as_of): violations, e-captures, reminders, cars gone within 10 minutes of the reminder (劝离), tickets; most violations first (ties by road_id); violations off the named roads are left out
-- params: as_of, week_start
-- ttl: 600
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                  AS as_of,
           CAST(CAST(:week_start AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'     AS week_start_at,
           CAST(CAST(:week_start AS date) + 7 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS week_end_at
),

final AS (
    SELECT v.road_id,
           count(*)                                                                  AS violations,
           count(*) FILTER (WHERE v.method = 'ecapture')                             AS ecapture,
           count(*) FILTER (WHERE v.reminder_at IS NOT NULL)                         AS reminded,
           count(*) FILTER (WHERE v.reminder_at IS NOT NULL AND v.left_within_10min) AS left_within_10min,
           count(*) FILTER (WHERE v.ticketed_at IS NOT NULL)                         AS ticketed
    FROM params p
    JOIN cockpit.parking_violation_valid v
      ON v.observed_at >= p.week_start_at
     AND v.observed_at <  p.week_end_at
     AND v.observed_at <= p.as_of
    WHERE v.road_id IS NOT NULL
    GROUP BY v.road_id
)

SELECT f.road_id,
       r.name_zh,
       r.town_code,
       r.is_strict,
       r.has_ecapture,
       f.violations,
       f.ecapture,
       f.reminded,
       f.left_within_10min,
       f.ticketed
FROM final f
JOIN cockpit.parking_road r ON r.road_id = f.road_id
ORDER BY f.violations DESC, f.road_id

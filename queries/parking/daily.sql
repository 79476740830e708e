-- name: parking.daily
-- grain: one row per local day between :date_from and :date_to (all of them, up to today): valid parking violations by method, reminders and cars gone within 10 minutes (劝离)
-- params: as_of, date_from, date_to, town_code, road_id
-- ttl: 300
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                     AS as_of,
           least(CAST(:date_to AS date),
                 CAST((CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AS date)) AS day_to
),

counts AS (
    SELECT CAST(v.observed_at AT TIME ZONE 'Asia/Shanghai' AS date)                  AS day,
           count(*) FILTER (WHERE v.method = 'manual')                               AS manual,
           count(*) FILTER (WHERE v.method = 'ecapture')                             AS ecapture,
           count(*) FILTER (WHERE v.reminder_at IS NOT NULL)                         AS reminded,
           count(*) FILTER (WHERE v.reminder_at IS NOT NULL AND v.left_within_10min) AS left_within_10min
    FROM p
    JOIN cockpit.parking_violation_valid v
      ON v.observed_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
     AND v.observed_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
     AND v.observed_at <= p.as_of
    WHERE (CAST(:town_code AS text) IS NULL OR v.town_code = :town_code)
      AND (CAST(:road_id AS text) IS NULL OR v.road_id = :road_id)
    GROUP BY 1
)

SELECT CAST(d AS date)               AS day,
       coalesce(c.manual, 0)            AS manual,
       coalesce(c.ecapture, 0)          AS ecapture,
       coalesce(c.reminded, 0)          AS reminded,
       coalesce(c.left_within_10min, 0) AS left_within_10min
FROM p
CROSS JOIN generate_series(CAST(:date_from AS date), p.day_to, interval '1 day') AS d
LEFT JOIN counts c ON c.day = CAST(d AS date)
ORDER BY 1

-- name: overview.parking_summary
-- grain: one row: valid parking violations today and in the period :date_from..:date_to (local days), reminders and cars that left within 10 minutes
-- params: as_of, date_from, date_to, town_code
-- ttl: 60
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                                       AS as_of,
           date_trunc('day', CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS day_start,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'                                             AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'                                         AS period_end
)

SELECT count(*) FILTER (WHERE v.observed_at >= p.day_start)                                    AS violations_today,
       count(*) FILTER (WHERE v.observed_at >= p.period_start AND v.observed_at < p.period_end) AS violations_period,
       count(*) FILTER (WHERE v.observed_at >= p.period_start AND v.observed_at < p.period_end
                          AND v.method = 'ecapture')                                           AS ecapture_period,
       count(*) FILTER (WHERE v.observed_at >= p.period_start AND v.observed_at < p.period_end
                          AND v.reminder_at IS NOT NULL)                                       AS reminded_period,
       count(*) FILTER (WHERE v.observed_at >= p.period_start AND v.observed_at < p.period_end
                          AND v.reminder_at IS NOT NULL AND v.left_within_10min)               AS left_period,
       count(*) FILTER (WHERE v.observed_at >= p.period_start AND v.observed_at < p.period_end
                          AND v.ticketed_at IS NOT NULL)                                       AS ticketed_period
FROM p
JOIN cockpit.parking_violation_valid v
  ON v.observed_at >= least(p.day_start, p.period_start)
 AND v.observed_at <= p.as_of
WHERE CAST(:town_code AS text) IS NULL OR v.town_code = :town_code

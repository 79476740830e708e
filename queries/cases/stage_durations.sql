-- name: cases.stage_durations
-- grain: one row per workflow stage: median and 90th percentile working hours (cockpit.work_calendar) of valid cases reported between :date_from and :date_to whose stage ended by :as_of
-- params: as_of, date_from, date_to, town_code, squadron_code, area, source_code, category_code
-- ttl: 300
-- Working time from an instant t is cum(t) = working seconds of all days before t's local day
-- + working seconds of that day up to t; a stage from a to b takes cum(b) - cum(a). Days missing
-- from the calendar follow the standard week: the clock is cockpit.work_clock.
WITH cases AS (
    SELECT c.*
    FROM cockpit.grid_case_valid c
    WHERE c.reported_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
),

spans AS (
    SELECT s.stage_code, s.stage_order, s.start_at, s.end_at
    FROM cases c
    CROSS JOIN LATERAL (VALUES
        ('accept',   1, c.reported_at,   c.accepted_at),
        ('register', 2, c.accepted_at,   c.registered_at),
        ('dispatch', 3, c.registered_at, c.dispatched_at),
        ('dispose',  4, c.dispatched_at, c.disposed_at),
        ('feedback', 5, c.disposed_at,   c.feedback_at),
        ('verify',   6, c.feedback_at,   c.verified_at),
        ('close',    7, c.verified_at,   c.closed_at),
        ('total',    8, c.reported_at,   c.closed_at)
    ) AS s (stage_code, stage_order, start_at, end_at)
    WHERE s.start_at IS NOT NULL
      AND s.end_at IS NOT NULL
      AND s.end_at <= CAST(:as_of AS timestamptz)
      AND s.end_at >= s.start_at
),

instants AS (
    SELECT sp.stage_code, sp.stage_order,
           CAST(sp.start_at AT TIME ZONE 'Asia/Shanghai' AS date) AS start_day,
           CAST(sp.start_at AT TIME ZONE 'Asia/Shanghai' AS time) AS start_tod,
           CAST(sp.end_at   AT TIME ZONE 'Asia/Shanghai' AS date) AS end_day,
           CAST(sp.end_at   AT TIME ZONE 'Asia/Shanghai' AS time) AS end_tod
    FROM spans sp
),

worked AS (
    SELECT i.stage_code, i.stage_order,
           (e.seconds_before_day
              + CASE WHEN e.is_workday THEN
                    coalesce(greatest(0, extract(epoch FROM least(i.end_tod, e.am_end) - e.am_start)), 0)
                  + coalesce(greatest(0, extract(epoch FROM least(i.end_tod, e.pm_end) - e.pm_start)), 0)
                ELSE 0 END)
         - (s.seconds_before_day
              + CASE WHEN s.is_workday THEN
                    coalesce(greatest(0, extract(epoch FROM least(i.start_tod, s.am_end) - s.am_start)), 0)
                  + coalesce(greatest(0, extract(epoch FROM least(i.start_tod, s.pm_end) - s.pm_start)), 0)
                ELSE 0 END)                                                AS working_seconds
    FROM instants i
    JOIN cockpit.work_clock s ON s.day = i.start_day
    JOIN cockpit.work_clock e ON e.day = i.end_day
)

SELECT stage_code,
       stage_order,
       count(*)                                                                         AS cases,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY working_seconds) / 3600.0            AS median_working_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY working_seconds) / 3600.0            AS p90_working_hours
FROM worked
GROUP BY stage_code, stage_order
ORDER BY stage_order

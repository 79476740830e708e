-- name: weekly.worst_grids
-- grain: one row per town and unit grid among the town's :top_n worst grids of the ISO week that starts on Monday :week_start (local days, Asia/Shanghai), judged at :as_of (the week's end): valid cases still open past their closing deadline at :as_of (any report date), of them escalated (more than :escalate_hours hours late or reworked :escalate_reworks times or more), and valid cases received in the week; worst = most overdue, then most received, ties by grid code; grids with neither left out
-- params: as_of, week_start, top_n, escalate_hours, escalate_reworks
-- ttl: 600
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                  AS as_of,
           CAST(CAST(:week_start AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'     AS week_start_at,
           CAST(CAST(:week_start AS date) + 7 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS week_end_at,
           make_interval(hours => CAST(:escalate_hours AS integer))                      AS escalate_after,
           CAST(:escalate_reworks AS integer)                                            AS escalate_reworks
),

per_grid AS (
    SELECT c.town_code,
           c.grid_code,
           count(*) FILTER (WHERE c.overdue)                                                  AS overdue_open,
           count(*) FILTER (WHERE c.overdue AND (c.close_deadline_at < p.as_of - p.escalate_after
                                                 OR c.rework_count >= p.escalate_reworks))    AS escalated,
           count(*) FILTER (WHERE c.reported_at >= p.week_start_at AND c.reported_at < p.week_end_at
                              AND c.reported_at <= p.as_of)                                   AS received
    FROM params p
    JOIN cockpit.grid_case_at(p.as_of) c
      ON (c.reported_at >= p.week_start_at AND c.reported_at < p.week_end_at)
      OR c.overdue
    WHERE c.town_code IS NOT NULL AND c.grid_code IS NOT NULL
    GROUP BY c.town_code, c.grid_code
),

ranked AS (
    SELECT g.*,
           row_number() OVER (PARTITION BY g.town_code
                              ORDER BY g.overdue_open DESC, g.received DESC, g.grid_code) AS grid_rank
    FROM per_grid g
    WHERE g.overdue_open > 0 OR g.received > 0
)

SELECT r.town_code,
       r.grid_code,
       r.grid_rank,
       r.overdue_open,
       r.escalated,
       r.received
FROM ranked r
WHERE r.grid_rank <= CAST(:top_n AS integer)
ORDER BY r.town_code, r.grid_rank

-- name: weekly.case_kpis
-- grain: one row for the city (level 'all', group_code null), one per town (level 'town') and one per squadron (level 'squadron') for the ISO week that starts on Monday :week_start (local days Monday–Sunday, Asia/Shanghai), judged at :as_of (the end of that week): valid cases received in the week with the standard KPI counts (as cases.kpis_by_group: stages count when done by :as_of), cases closed during the week whatever their report date, and cases open at :as_of past their closing deadline (any report date), escalated when more than :escalate_hours hours late or reworked :escalate_reworks times or more
-- params: as_of, week_start, escalate_hours, escalate_reworks
-- ttl: 600
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                  AS as_of,
           CAST(CAST(:week_start AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'     AS week_start_at,
           CAST(CAST(:week_start AS date) + 7 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS week_end_at,
           make_interval(hours => CAST(:escalate_hours AS integer))                      AS escalate_after,
           CAST(:escalate_reworks AS integer)                                            AS escalate_reworks
),

cases AS (
    SELECT c.town_code,
           c.squadron_code,
           -- received in the week
           c.reported_at >= p.week_start_at AND c.reported_at < p.week_end_at
               AND c.reported_at <= p.as_of                                             AS is_received,
           c.due_close, c.closed, c.closed_on_time, c.auto_closed,
           c.due_dispose, c.disposed, c.disposed_on_time, c.reworked,
           -- closed during the week (any report date)
           c.closed_at >= p.week_start_at AND c.closed_at < p.week_end_at
               AND c.closed_at <= p.as_of                                               AS closed_in_week,
           -- still open at the end of the week and past the closing deadline (any report date)
           c.overdue,
           c.close_deadline_at < p.as_of - p.escalate_after
               OR c.rework_count >= p.escalate_reworks                                  AS is_escalation_grade
    FROM params p
    JOIN cockpit.grid_case_at(p.as_of) c
      ON (c.reported_at >= p.week_start_at AND c.reported_at < p.week_end_at)
      OR (c.closed_at >= p.week_start_at AND c.closed_at < p.week_end_at)
      -- overdue and open at the week's end, as two arms so that each has an index (as weekly.trend)
      OR (c.closed_at IS NULL AND c.close_deadline_at < p.as_of)
      OR (c.closed_at > p.as_of AND c.close_deadline_at < p.as_of)
),

-- the KPI flags are cockpit.grid_case_at's (the contract's one definition)
final AS (
    SELECT CASE WHEN GROUPING(town_code) = 0     THEN 'town'
                WHEN GROUPING(squadron_code) = 0 THEN 'squadron'
                ELSE 'all'
           END                                                                          AS level,
           CASE WHEN GROUPING(town_code) = 0     THEN town_code
                WHEN GROUPING(squadron_code) = 0 THEN squadron_code
           END                                                                          AS group_code,
           count(*) FILTER (WHERE is_received)                                          AS received,
           count(*) FILTER (WHERE is_received AND due_close)                            AS due_close,
           count(*) FILTER (WHERE is_received AND closed)                               AS closed,
           count(*) FILTER (WHERE is_received AND closed_on_time)                       AS closed_on_time,
           count(*) FILTER (WHERE is_received AND auto_closed)                          AS auto_closed,
           count(*) FILTER (WHERE is_received AND due_dispose)                          AS due_dispose,
           count(*) FILTER (WHERE is_received AND disposed)                             AS disposed,
           count(*) FILTER (WHERE is_received AND disposed_on_time)                     AS disposed_on_time,
           count(*) FILTER (WHERE is_received AND reworked)                             AS reworked,
           count(*) FILTER (WHERE closed_in_week)                                       AS closed_in_week,
           count(*) FILTER (WHERE overdue)                                              AS overdue_open,
           count(*) FILTER (WHERE overdue AND is_escalation_grade)                      AS escalated
    FROM cases
    GROUP BY GROUPING SETS ((), (town_code), (squadron_code))
)

SELECT * FROM final
ORDER BY CASE level WHEN 'all' THEN 0 WHEN 'town' THEN 1 ELSE 2 END, group_code

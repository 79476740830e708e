-- name: cases.kpis_by_group
-- grain: one row per group (town, squadron or handling department, chosen by :dimension): KPI counts of valid cases reported between :date_from and :date_to (local days), as of :as_of
-- params: as_of, date_from, date_to, dimension, town_code, squadron_code, source_code, category_code, area
-- ttl: 120
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                 AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'    AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'  AS period_end
),

cases AS (
    SELECT CASE CAST(:dimension AS text)
               WHEN 'squadron'   THEN c.squadron_code
               WHEN 'department' THEN c.handler_dept_code
               ELSE c.town_code
           END                                                                         AS group_code,
           c.registered_at IS NOT NULL AND c.registered_at <= p.as_of                  AS is_registered,
           c.dispatched_at IS NOT NULL AND c.dispatched_at <= p.as_of                  AS is_dispatched,
           c.disposed_at IS NOT NULL AND c.disposed_at <= p.as_of                      AS is_disposed,
           c.closed_at IS NOT NULL AND c.closed_at <= p.as_of                          AS is_closed,
           c.disposed_at <= c.dispose_deadline_at                                       AS disposed_in_time,
           c.closed_at <= c.close_deadline_at                                           AS closed_in_time,
           c.dispose_deadline_at <= p.as_of                                             AS dispose_due_passed,
           c.close_deadline_at <= p.as_of                                               AS close_due_passed,
           c.rework_count > 0                                                           AS is_reworked,
           c.is_auto_closed,
           c.is_extended,
           c.is_deferred,
           c.is_rejected,
           c.is_rejected OR c.is_deferred                                               AS is_excluded
    FROM params p
    JOIN cockpit.grid_case_valid c
      ON c.reported_at >= p.period_start
     AND c.reported_at <  p.period_end
     AND c.reported_at <= p.as_of
    WHERE (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
),

final AS (
    SELECT group_code,
           count(*)                                                                     AS received,
           count(*) FILTER (WHERE is_registered AND NOT is_excluded
                              AND (is_closed OR close_due_passed))                      AS due_close,
           count(*) FILTER (WHERE is_registered AND NOT is_excluded AND is_closed)      AS closed,
           count(*) FILTER (WHERE is_registered AND NOT is_excluded AND is_closed
                              AND closed_in_time)                                       AS closed_on_time,
           count(*) FILTER (WHERE is_registered AND NOT is_excluded AND is_closed
                              AND is_auto_closed)                                       AS auto_closed,
           count(*) FILTER (WHERE is_dispatched AND NOT is_excluded
                              AND (is_disposed OR dispose_due_passed))                  AS due_dispose,
           count(*) FILTER (WHERE is_dispatched AND NOT is_excluded AND is_disposed)    AS disposed,
           count(*) FILTER (WHERE is_dispatched AND NOT is_excluded AND is_disposed
                              AND disposed_in_time)                                     AS disposed_on_time,
           count(*) FILTER (WHERE is_dispatched AND NOT is_excluded AND is_disposed
                              AND is_reworked)                                          AS reworked,
           count(*) FILTER (WHERE is_extended)                                          AS extended,
           count(*) FILTER (WHERE is_deferred)                                          AS deferred,
           count(*) FILTER (WHERE is_rejected)                                          AS rejected
    FROM cases
    GROUP BY group_code
)

SELECT * FROM final ORDER BY group_code

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
           c.*
    FROM params p
    JOIN cockpit.grid_case_at(p.as_of) c
      ON c.reported_at >= p.period_start
     AND c.reported_at <  p.period_end
     AND c.reported_at <= p.as_of
    WHERE (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
),

-- the KPI flags are cockpit.grid_case_at's (the contract's one definition)
final AS (
    SELECT group_code,
           count(*)                                      AS received,
           count(*) FILTER (WHERE due_close)             AS due_close,
           count(*) FILTER (WHERE closed)                AS closed,
           count(*) FILTER (WHERE closed_on_time)        AS closed_on_time,
           count(*) FILTER (WHERE auto_closed)           AS auto_closed,
           count(*) FILTER (WHERE due_dispose)           AS due_dispose,
           count(*) FILTER (WHERE disposed)              AS disposed,
           count(*) FILTER (WHERE disposed_on_time)      AS disposed_on_time,
           count(*) FILTER (WHERE reworked)              AS reworked,
           count(*) FILTER (WHERE is_extended)           AS extended,
           count(*) FILTER (WHERE is_deferred)           AS deferred,
           count(*) FILTER (WHERE is_rejected)           AS rejected
    FROM cases
    GROUP BY group_code
)

SELECT * FROM final ORDER BY group_code

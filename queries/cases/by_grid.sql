-- name: cases.by_grid
-- grain: one row per unit grid (all grids, also those without cases): valid cases reported between :date_from and :date_to, KPI counts, and open overdue cases at :as_of
-- params: as_of, date_from, date_to, town_code, squadron_code, source_code, category_code
-- ttl: 120
-- the KPI flags are cockpit.grid_case_at's (the contract's one definition)
WITH period AS (
    SELECT c.grid_code,
           count(*)                                     AS received,
           count(*) FILTER (WHERE c.due_close)          AS due_close,
           count(*) FILTER (WHERE c.closed_on_time)     AS closed_on_time
    FROM cockpit.grid_case_at(CAST(:as_of AS timestamptz)) c
    WHERE c.reported_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
    GROUP BY c.grid_code
),

overdue AS (
    SELECT c.grid_code,
           count(*) AS overdue_open
    FROM cockpit.grid_case_at(CAST(:as_of AS timestamptz)) c
    WHERE c.overdue
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
    GROUP BY c.grid_code
)

SELECT g.grid_code,
       g.community_code,
       g.town_code,
       g.squadron_code,
       g.area_km2,
       coalesce(p.received, 0)       AS received,
       coalesce(p.due_close, 0)      AS due_close,
       coalesce(p.closed_on_time, 0) AS closed_on_time,
       coalesce(o.overdue_open, 0)   AS overdue_open
FROM cockpit.unit_grid g
LEFT JOIN period p  ON p.grid_code = g.grid_code
LEFT JOIN overdue o ON o.grid_code = g.grid_code
WHERE CAST(:town_code AS text) IS NULL OR g.town_code = :town_code
ORDER BY g.grid_code

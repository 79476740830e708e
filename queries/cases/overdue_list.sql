-- name: cases.overdue_list
-- grain: one row per valid open case whose closing deadline has passed or falls within :horizon_hours at :as_of; most overdue first, at most :limit_rows rows
-- params: as_of, horizon_hours, limit_rows, town_code, squadron_code, area, source_code, category_code
-- ttl: 60
SELECT c.case_id,
       c.category_code,
       k.minor_name_zh                                                        AS category_name_zh,
       k.minor_name_en                                                        AS category_name_en,
       c.source_code,
       c.grid_code,
       c.town_code,
       c.handler_dept_code,
       d.name_zh                                                              AS handler_name_zh,
       d.name_en                                                              AS handler_name_en,
       c.reported_at,
       c.close_deadline_at,
       extract(epoch FROM CAST(:as_of AS timestamptz) - c.close_deadline_at) / 3600.0 AS hours_late,
       extract(epoch FROM CAST(:as_of AS timestamptz) - c.reported_at) / 3600.0       AS age_hours
FROM cockpit.grid_case_at(CAST(:as_of AS timestamptz)) c
JOIN cockpit.case_category k   ON k.category_code = c.category_code
LEFT JOIN cockpit.department d ON d.dept_code = c.handler_dept_code
WHERE c.is_open
  AND c.close_deadline_at < CAST(:as_of AS timestamptz) + make_interval(hours => CAST(:horizon_hours AS integer))
  AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
  AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
  AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
  AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
  AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
ORDER BY c.close_deadline_at
LIMIT CAST(:limit_rows AS integer)

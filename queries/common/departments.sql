-- name: common.departments
-- grain: one row per handling department (squadrons and partner departments)
-- params: none
-- ttl: 3600
SELECT dept_code,
       name_zh,
       name_en,
       kind
FROM cockpit.department
ORDER BY dept_code

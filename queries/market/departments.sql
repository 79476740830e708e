-- name: market.departments
-- grain: one row per department stationed at the joint-service centre, with its standing mode (resident | rotating | appointment)
-- params: none
-- ttl: 600
SELECT d.dept_code,
       d.name_zh,
       d.name_en,
       d.mode
FROM cockpit.market_department d
ORDER BY CASE d.mode WHEN 'resident' THEN 1 WHEN 'rotating' THEN 2 WHEN 'appointment' THEN 3 ELSE 4 END, d.dept_code

-- name: market.items
-- grain: one row per service item of the 28-item list (监管服务清单), with its group, lead department and promised working hours
-- params: none
-- ttl: 600
SELECT i.item_code,
       i.group_zh,
       i.name_zh,
       i.name_en,
       i.dept_code,
       i.promised_hours
FROM cockpit.market_service_item i
ORDER BY i.item_code

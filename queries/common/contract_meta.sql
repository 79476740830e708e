-- name: common.contract_meta
-- grain: one row: the newest contract version applied
-- params: none
-- ttl: 600
-- timeout: 3000
SELECT version,
       applied_at,
       is_demo
FROM cockpit.contract_version
ORDER BY applied_at DESC
LIMIT 1

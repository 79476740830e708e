-- name: common.contract_meta
-- grain: at most one row: the newest contract version applied (none before a version is recorded)
-- params: none
-- ttl: 600
-- timeout: 3000
SELECT version,
       applied_at,
       is_demo
FROM cockpit.contract_version
ORDER BY applied_at DESC
LIMIT 1

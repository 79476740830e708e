-- name: common.squadrons
-- grain: one row per squadron
-- params: none
-- ttl: 3600
-- timeout: 3000
SELECT squadron_code,
       name_zh,
       name_en,
       town_code
FROM cockpit.squadron
ORDER BY squadron_code

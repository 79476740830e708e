-- name: common.towns
-- grain: one row per town/street
-- params: none
-- ttl: 3600
-- timeout: 3000
SELECT town_code,
       name_zh,
       name_en,
       area_km2
FROM cockpit.town
ORDER BY town_code

-- name: common.town_shapes
-- grain: one row per town/street with a valid boundary (cockpit.town_valid): its polygon (GeoJSON text, WGS-84) and area, for map layers
-- params: none
-- ttl: 3600
SELECT t.town_code,
       t.name_zh,
       t.name_en,
       t.area_km2,
       t.boundary::text AS boundary
FROM cockpit.town_valid t
ORDER BY t.town_code

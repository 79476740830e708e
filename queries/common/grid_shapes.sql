-- name: common.grid_shapes
-- grain: one row per unit grid of :town_code (all towns when null) whose geometry is valid (cockpit.unit_grid_valid): its polygon (GeoJSON text, WGS-84), community and area, for map layers
-- params: town_code
-- ttl: 3600
SELECT g.grid_code,
       g.community_code,
       coalesce(cm.name_zh, g.community_code) AS community_name_zh,
       g.town_code,
       g.area_km2,
       g.centroid_lat,
       g.centroid_lon,
       g.boundary::text                       AS boundary
FROM cockpit.unit_grid_valid g
LEFT JOIN cockpit.community cm ON cm.community_code = g.community_code
WHERE CAST(:town_code AS text) IS NULL OR g.town_code = :town_code
ORDER BY g.grid_code

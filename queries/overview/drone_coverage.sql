-- name: overview.drone_coverage
-- grain: one row: unit grids overflown in the :days days before :as_of, and all grids
-- params: as_of, days, town_code
-- ttl: 300
-- A grid counts as covered when a valid track point of a valid flight lies within the nest's
-- camera footprint radius of the grid's bounding box (exact for rectangular grids).
WITH points AS (
    SELECT t.lat,
           t.lon,
           n.camera_radius_m
    FROM cockpit.drone_flight_valid f
    JOIN cockpit.drone_nest n               ON n.nest_id = f.nest_id
    JOIN cockpit.drone_track_point_valid t  ON t.flight_id = f.flight_id
    WHERE f.started_at >  CAST(:as_of AS timestamptz) - make_interval(days => CAST(:days AS integer))
      AND f.started_at <= CAST(:as_of AS timestamptz)
      AND t.recorded_at <= CAST(:as_of AS timestamptz)
),

grids AS (
    SELECT grid_code, min_lat, min_lon, max_lat, max_lon,
           111320.0 * cos(radians((min_lat + max_lat) / 2)) AS m_per_deg_lon
    FROM cockpit.unit_grid
    WHERE CAST(:town_code AS text) IS NULL OR town_code = :town_code
),

covered AS (
    SELECT DISTINCT g.grid_code
    FROM grids g
    JOIN points p
      ON p.lat BETWEEN g.min_lat - p.camera_radius_m / 110540.0 AND g.max_lat + p.camera_radius_m / 110540.0
     AND p.lon BETWEEN g.min_lon - p.camera_radius_m / g.m_per_deg_lon AND g.max_lon + p.camera_radius_m / g.m_per_deg_lon
    WHERE sqrt(  power(greatest(g.min_lat - p.lat, 0, p.lat - g.max_lat) * 110540.0, 2)
               + power(greatest(g.min_lon - p.lon, 0, p.lon - g.max_lon) * g.m_per_deg_lon, 2))
          <= p.camera_radius_m
)

SELECT (SELECT count(*) FROM covered) AS grids_covered,
       (SELECT count(*) FROM grids)   AS grids_total

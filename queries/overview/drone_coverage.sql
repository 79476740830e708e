-- name: overview.drone_coverage
-- grain: one row: unit grids (of :town_code, or all) overflown in the :days days before :as_of, and all grids with a valid geometry (cockpit.unit_grid_valid, as the coverage view reads)
-- params: as_of, days, town_code
-- ttl: 600
-- "Overflown" is the one coverage definition, the view cockpit.drone_grid_overflight (see
-- cockpit/drones/rules.py); drones.coverage_by_town reads the same view for 1, 7 and 30 days.
WITH covered AS (  -- flights are searched from 24 h before the window (a sortie lasts under an hour)
    SELECT count(DISTINCT o.grid_code) AS grids_covered
    FROM cockpit.drone_grid_overflight o
    WHERE o.passed_at > CAST(:as_of AS timestamptz) - make_interval(days => CAST(:days AS integer))
      AND o.passed_at <= CAST(:as_of AS timestamptz)
      AND o.flight_started_at > CAST(:as_of AS timestamptz) - make_interval(days => CAST(:days AS integer) + 1)
      AND o.flight_started_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR o.town_code = :town_code)
),

grids AS (
    SELECT count(*) AS grids_total
    FROM cockpit.unit_grid_valid
    WHERE CAST(:town_code AS text) IS NULL OR town_code = :town_code
)

SELECT c.grids_covered, g.grids_total
FROM covered c
CROSS JOIN grids g

-- name: drones.coverage_by_town
-- grain: one row per town (of :town_code, or all towns) and one city row (town_code null): unit grids with a valid geometry (cockpit.unit_grid_valid, as the coverage view reads), grids overflown in the 1 / 7 / 30 days before :as_of, and blind spots (grids not overflown in the :blind_days days before :as_of) now and a week earlier
-- params: as_of, town_code, blind_days
-- ttl: 600
-- "Overflown" is the one coverage definition, the view cockpit.drone_grid_overflight (see
-- cockpit/drones/rules.py). Flights are searched from 24 h before the look-back (a sortie lasts < 1 h).
WITH bounds AS (
    SELECT CAST(:as_of AS timestamptz) AS as_of
),

passes AS (  -- bounds written out (not joined from `bounds`) so that they reach the index on started_at
    SELECT o.grid_code,
           max(o.passed_at)                                                                         AS last_pass_at,
           max(o.passed_at) FILTER (WHERE o.passed_at <= CAST(:as_of AS timestamptz) - interval '7 days')
                                                                                                    AS last_pass_week_ago_at
    FROM cockpit.drone_grid_overflight o
    WHERE o.passed_at > CAST(:as_of AS timestamptz) - make_interval(days => greatest(30, CAST(:blind_days AS integer) + 7))
      AND o.passed_at <= CAST(:as_of AS timestamptz)
      AND o.flight_started_at > CAST(:as_of AS timestamptz)
                                - make_interval(days => greatest(30, CAST(:blind_days AS integer) + 7) + 1)
      AND o.flight_started_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR o.town_code = :town_code)
    GROUP BY o.grid_code
),

grids AS (
    SELECT g.grid_code,
           g.town_code,
           p.last_pass_at > b.as_of - interval '1 day'   AS is_covered_1d,
           p.last_pass_at > b.as_of - interval '7 days'  AS is_covered_7d,
           p.last_pass_at > b.as_of - interval '30 days' AS is_covered_30d,
           coalesce(p.last_pass_at <= b.as_of - make_interval(days => CAST(:blind_days AS integer)), true)
                                                          AS is_blind,
           coalesce(p.last_pass_week_ago_at
                        <= b.as_of - make_interval(days => CAST(:blind_days AS integer) + 7), true)
                                                          AS was_blind
    FROM bounds b
    CROSS JOIN cockpit.unit_grid_valid g
    LEFT JOIN passes p ON p.grid_code = g.grid_code
    WHERE CAST(:town_code AS text) IS NULL OR g.town_code = :town_code
),

rolled AS (
    SELECT town_code,
           GROUPING(town_code) = 1                        AS is_city,
           count(*)                                       AS grids_total,
           count(*) FILTER (WHERE is_covered_1d)          AS covered_1d,
           count(*) FILTER (WHERE is_covered_7d)          AS covered_7d,
           count(*) FILTER (WHERE is_covered_30d)         AS covered_30d,
           count(*) FILTER (WHERE is_blind)               AS blind_now,
           count(*) FILTER (WHERE was_blind)              AS blind_week_ago,
           count(*) FILTER (WHERE is_blind AND NOT was_blind) AS blind_new,
           count(*) FILTER (WHERE was_blind AND NOT is_blind) AS blind_resolved
    FROM grids
    GROUP BY GROUPING SETS ((town_code), ())
)

SELECT CASE WHEN r.is_city THEN NULL ELSE r.town_code END AS town_code,
       t.name_zh,
       t.name_en,
       r.grids_total,
       r.covered_1d,
       r.covered_7d,
       r.covered_30d,
       r.blind_now,
       r.blind_week_ago,
       r.blind_new,
       r.blind_resolved
FROM rolled r
LEFT JOIN cockpit.town t ON t.town_code = r.town_code AND NOT r.is_city
ORDER BY r.is_city DESC, r.town_code

-- name: drones.grid_status
-- grain: one row per unit grid with a valid geometry (cockpit.unit_grid_valid, as the coverage view reads; of :town_code, or all): its last overflight before :as_of (within max(30, :blind_days + 7) days) and a week earlier, days since, whether it is a blind spot (not overflown in the :blind_days days before :as_of) now and a week earlier, valid cases reported in it in the last 30 days, and its rank among the blind spots
-- params: as_of, town_code, blind_days
-- ttl: 600
-- "Overflown" is the one coverage definition, the view cockpit.drone_grid_overflight (see
-- cockpit/drones/rules.py). Rank: never overflown in the look-back first, then the oldest last pass,
-- then more cases in the last 30 days, then the grid code.
WITH bounds AS (
    SELECT CAST(:as_of AS timestamptz)                                                     AS as_of,
           greatest(30, CAST(:blind_days AS integer) + 7)                                   AS lookback_days
),

passes AS (  -- bounds written out (not joined from `bounds`) so that they reach the index on started_at
    SELECT o.grid_code,
           max(o.passed_at)                                                                         AS last_pass_at,
           max(o.passed_at) FILTER (WHERE o.passed_at <= CAST(:as_of AS timestamptz) - interval '7 days')
                                                                                                    AS last_pass_week_ago_at,
           count(DISTINCT o.flight_id)                                                              AS sorties_lookback
    FROM cockpit.drone_grid_overflight o
    WHERE o.passed_at > CAST(:as_of AS timestamptz) - make_interval(days => greatest(30, CAST(:blind_days AS integer) + 7))
      AND o.passed_at <= CAST(:as_of AS timestamptz)
      AND o.flight_started_at > CAST(:as_of AS timestamptz)
                                - make_interval(days => greatest(30, CAST(:blind_days AS integer) + 7) + 1)
      AND o.flight_started_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR o.town_code = :town_code)
    GROUP BY o.grid_code
),

cases AS (
    SELECT c.grid_code, count(*) AS cases_30d
    FROM cockpit.grid_case_valid c
    WHERE c.reported_at > CAST(:as_of AS timestamptz) - interval '30 days'
      AND c.reported_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
    GROUP BY c.grid_code
),

grids AS (
    SELECT g.grid_code,
           g.town_code,
           g.community_code,
           g.centroid_lat,
           g.centroid_lon,
           b.lookback_days,
           p.last_pass_at,
           p.last_pass_week_ago_at,
           coalesce(p.sorties_lookback, 0)                                   AS sorties_lookback,
           floor(extract(epoch FROM b.as_of - p.last_pass_at) / 86400.0)    AS days_since_pass,
           coalesce(p.last_pass_at <= b.as_of - make_interval(days => CAST(:blind_days AS integer)), true)
                                                                             AS is_blind,
           coalesce(p.last_pass_week_ago_at
                        <= b.as_of - make_interval(days => CAST(:blind_days AS integer) + 7), true)
                                                                             AS was_blind,
           coalesce(c.cases_30d, 0)                                          AS cases_30d
    FROM bounds b
    CROSS JOIN cockpit.unit_grid_valid g
    LEFT JOIN passes p ON p.grid_code = g.grid_code
    LEFT JOIN cases c  ON c.grid_code = g.grid_code
    WHERE CAST(:town_code AS text) IS NULL OR g.town_code = :town_code
)

SELECT g.*,
       CASE WHEN g.is_blind THEN
           rank() OVER (PARTITION BY g.is_blind
                        ORDER BY g.last_pass_at ASC NULLS FIRST, g.cases_30d DESC, g.grid_code)
       END AS blind_rank
FROM grids g
ORDER BY g.is_blind DESC, g.last_pass_at ASC NULLS FIRST, g.cases_30d DESC, g.grid_code

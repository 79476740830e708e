-- name: cases.shop_violation_days
-- grain: one row per street shop: its location and the local days of its violations in the 365 days up to :as_of (one entry per violation)
-- params: as_of, town_code
-- ttl: 300
-- The three-colour code is computed from these days by cockpit.cases.rules.shop_code.
SELECT s.shop_id,
       s.road_name,
       s.lat,
       s.lon,
       s.grid_code,
       g.town_code,
       coalesce(array_agg(CAST(v.observed_at AT TIME ZONE 'Asia/Shanghai' AS date) ORDER BY v.observed_at)
                    FILTER (WHERE v.violation_id IS NOT NULL), '{}')  AS violation_days
FROM cockpit.shop s
LEFT JOIN cockpit.unit_grid g ON g.grid_code = s.grid_code
LEFT JOIN cockpit.shop_violation v
       ON v.shop_id = s.shop_id
      AND v.observed_at <= CAST(:as_of AS timestamptz)
      AND v.observed_at >  CAST(:as_of AS timestamptz) - interval '365 days'
WHERE CAST(:town_code AS text) IS NULL OR g.town_code = :town_code
GROUP BY s.shop_id, s.road_name, s.lat, s.lon, s.grid_code, g.town_code
ORDER BY s.shop_id

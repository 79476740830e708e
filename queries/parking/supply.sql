-- name: parking.supply
-- grain: one row per parking-supply site (shared spaces, temporary lots, non-motor areas) with a valid position: its spaces and the valid parking violations observed within :radius_m metres of it between :date_from and :date_to (local days); most violations nearby first (ties by supply_id)
-- params: as_of, date_from, date_to, radius_m, town_code
-- ttl: 600
-- Distances by the contract's one function (cockpit.distance_m); a box of its metres per degree at the
-- site's latitude, one metre wider than the radius so that no record within it is left out, finds the
-- candidates first.
WITH s AS MATERIALIZED (  -- each site's box once, not for every pair of site and record
    SELECT s.supply_id, s.kind, s.name_zh, s.lat, s.lon, s.spaces,
           s.lat - b.dlat AS lat_lo, s.lat + b.dlat AS lat_hi, s.lon - b.dlon AS lon_lo, s.lon + b.dlon AS lon_hi
    FROM cockpit.parking_supply s
    CROSS JOIN LATERAL (
        SELECT (CAST(:radius_m AS double precision) + 1) / cockpit.metres_per_degree_lat(s.lat) AS dlat,
               (CAST(:radius_m AS double precision) + 1) / cockpit.metres_per_degree_lon(s.lat) AS dlon
    ) b
    WHERE s.lat BETWEEN 30.45 AND 30.90 AND s.lon BETWEEN 120.90 AND 121.40
)

SELECT s.supply_id,
       s.kind,
       s.name_zh,
       s.lat,
       s.lon,
       s.spaces,
       count(v.violation_id) AS violations_nearby
FROM s
LEFT JOIN cockpit.parking_violation_valid v
  ON v.lat BETWEEN s.lat_lo AND s.lat_hi
 AND v.lon BETWEEN s.lon_lo AND s.lon_hi
 AND cockpit.distance_m(s.lat, s.lon, v.lat, v.lon) <= CAST(:radius_m AS double precision)
 AND v.observed_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
 AND v.observed_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
 AND v.observed_at <= CAST(:as_of AS timestamptz)
 AND (CAST(:town_code AS text) IS NULL OR v.town_code = :town_code)
GROUP BY s.supply_id, s.kind, s.name_zh, s.lat, s.lon, s.spaces
ORDER BY count(v.violation_id) DESC, s.supply_id

-- name: parking.supply
-- grain: one row per parking-supply site (shared spaces, temporary lots, non-motor areas) with a valid position: its spaces and the valid parking violations observed within :radius_m metres of it between :date_from and :date_to (local days); most violations nearby first (ties by supply_id)
-- params: as_of, date_from, date_to, radius_m, town_code
-- ttl: 600
-- Distances on a local metric plane (110864 m per degree of latitude, 95802 m per degree of longitude at 30.7 N).
WITH s AS (
    SELECT s.*,
           CAST(:radius_m AS double precision) / 110864.0 AS dlat,
           CAST(:radius_m AS double precision) / 95802.0  AS dlon
    FROM cockpit.parking_supply s
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
  ON v.lat BETWEEN s.lat - s.dlat AND s.lat + s.dlat
 AND v.lon BETWEEN s.lon - s.dlon AND s.lon + s.dlon
 AND ((v.lat - s.lat) * 110864.0) ^ 2 + ((v.lon - s.lon) * 95802.0) ^ 2 <= CAST(:radius_m AS double precision) ^ 2
 AND v.observed_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
 AND v.observed_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
 AND v.observed_at <= CAST(:as_of AS timestamptz)
 AND (CAST(:town_code AS text) IS NULL OR v.town_code = :town_code)
GROUP BY s.supply_id, s.kind, s.name_zh, s.lat, s.lon, s.spaces
ORDER BY count(v.violation_id) DESC, s.supply_id

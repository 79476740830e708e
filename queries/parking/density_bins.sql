-- name: parking.density_bins
-- grain: one row per occupied bin of :bin_deg degrees (lat and lon): valid parking violations observed between :date_from and :date_to (local days), with the bin's mean position
-- params: as_of, date_from, date_to, bin_deg, town_code, road_id, method
-- ttl: 120
-- The browser gets bins (a few thousand at most), never one row per record; the page folds them into hexagons.
SELECT floor(v.lat / CAST(:bin_deg AS double precision))  AS lat_bin,
       floor(v.lon / CAST(:bin_deg AS double precision))  AS lon_bin,
       avg(v.lat)                                          AS lat,
       avg(v.lon)                                          AS lon,
       count(*)                                            AS violations
FROM cockpit.parking_violation_valid v
WHERE v.observed_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND v.observed_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND v.observed_at <= CAST(:as_of AS timestamptz)
  AND (CAST(:town_code AS text) IS NULL OR v.town_code = :town_code)
  AND (CAST(:road_id AS text) IS NULL OR v.road_id = :road_id)
  AND (CAST(:method AS text) IS NULL OR v.method = :method)
GROUP BY 1, 2

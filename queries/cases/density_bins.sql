-- name: cases.density_bins
-- grain: one row per occupied bin of :bin_deg degrees (lat and lon): valid cases reported between :date_from and :date_to, with the bin's mean position
-- params: as_of, date_from, date_to, bin_deg, town_code, squadron_code, source_code, category_code
-- ttl: 120
-- The browser gets bins (at most a few thousand), never one row per case; the page folds them into hexagons.
SELECT floor(c.lat / CAST(:bin_deg AS double precision))  AS lat_bin,
       floor(c.lon / CAST(:bin_deg AS double precision))  AS lon_bin,
       avg(c.lat)                                          AS lat,
       avg(c.lon)                                          AS lon,
       count(*)                                            AS cases
FROM cockpit.grid_case_valid c
WHERE c.reported_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND c.reported_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND c.reported_at <= CAST(:as_of AS timestamptz)
  AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
  AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
  AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
  AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
GROUP BY 1, 2

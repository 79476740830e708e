-- name: cases.hour_weekday
-- grain: one row per ISO weekday (1 = Monday) and local hour with valid cases reported between :date_from and :date_to
-- params: as_of, date_from, date_to, town_code, squadron_code, area, source_code, category_code
-- ttl: 300
SELECT CAST(extract(isodow FROM c.reported_at AT TIME ZONE 'Asia/Shanghai') AS integer) AS iso_weekday,
       CAST(extract(hour FROM c.reported_at AT TIME ZONE 'Asia/Shanghai') AS integer)   AS local_hour,
       count(*)                                                                        AS received
FROM cockpit.grid_case_valid c
WHERE c.reported_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND c.reported_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND c.reported_at <= CAST(:as_of AS timestamptz)
  AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
  AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
  AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
  AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
  AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
GROUP BY 1, 2
ORDER BY 1, 2

-- name: parking.hour_weekday
-- grain: one row per local ISO weekday (1 = Monday) and hour with valid parking violations observed between :date_from and :date_to (local days)
-- params: as_of, date_from, date_to, town_code, road_id, method
-- ttl: 300
SELECT CAST(extract(isodow FROM v.observed_at AT TIME ZONE 'Asia/Shanghai') AS integer) AS iso_weekday,
       CAST(extract(hour FROM v.observed_at AT TIME ZONE 'Asia/Shanghai') AS integer)   AS local_hour,
       count(*)                                                                         AS violations
FROM cockpit.parking_violation_valid v
WHERE v.observed_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND v.observed_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND v.observed_at <= CAST(:as_of AS timestamptz)
  AND (CAST(:town_code AS text) IS NULL OR v.town_code = :town_code)
  AND (CAST(:road_id AS text) IS NULL OR v.road_id = :road_id)
  AND (CAST(:method AS text) IS NULL OR v.method = :method)
GROUP BY 1, 2
ORDER BY 1, 2

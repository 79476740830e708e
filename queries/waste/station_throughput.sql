-- name: waste.station_throughput
-- grain: one row per waste site of every kind (dropoff 投放站, transfer 转运站, disposal 末端处置), in :town_code when given: location and tonnes of valid weighings at the site on local days (Asia/Shanghai) :date_from to :date_to up to :as_of, one column per category — collected at a drop-off station, received at a transfer station or disposal site; sites with no weighing have 0
-- params: as_of, date_from, date_to, town_code
-- ttl: 120
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'   AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS period_end
),

weighed AS (
    SELECT w.site_id,
           sum(w.net_tonnes) FILTER (WHERE w.category_code = 'perishable') AS perishable_tonnes,
           sum(w.net_tonnes) FILTER (WHERE w.category_code = 'other')      AS other_tonnes,
           sum(w.net_tonnes) FILTER (WHERE w.category_code = 'recyclable') AS recyclable_tonnes,
           sum(w.net_tonnes) FILTER (WHERE w.category_code = 'hazardous')  AS hazardous_tonnes,
           sum(w.net_tonnes)                                                AS total_tonnes,
           count(*)                                                         AS weighings
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.weighed_at >= p.period_start
     AND w.weighed_at <  p.period_end
     AND w.weighed_at <= p.as_of
    WHERE CAST(:town_code AS text) IS NULL OR w.town_code = :town_code
    GROUP BY w.site_id
)

SELECT s.site_id,
       s.kind,
       s.name_zh,
       s.town_code,
       s.lat,
       s.lon,
       s.is_timed_fixed,
       s.capacity_tonnes_per_day,
       s.treats_category_code,
       coalesce(w.perishable_tonnes, 0) AS perishable_tonnes,
       coalesce(w.other_tonnes, 0)      AS other_tonnes,
       coalesce(w.recyclable_tonnes, 0) AS recyclable_tonnes,
       coalesce(w.hazardous_tonnes, 0)  AS hazardous_tonnes,
       coalesce(w.total_tonnes, 0)      AS total_tonnes,
       coalesce(w.weighings, 0)         AS weighings
FROM cockpit.waste_site s
LEFT JOIN weighed w ON w.site_id = s.site_id
WHERE CAST(:town_code AS text) IS NULL OR s.town_code = :town_code
ORDER BY CASE s.kind WHEN 'disposal' THEN 1 WHEN 'transfer' THEN 2 ELSE 3 END, s.site_id

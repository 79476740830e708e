-- name: overview.waste_today
-- grain: one row per waste category: valid tonnes collected at stations and received at disposal sites today (Asia/Shanghai) up to :as_of, and the disposal sites' design capacity
-- params: as_of, town_code
-- ttl: 60
WITH day AS (
    SELECT CAST(:as_of AS timestamptz)                                                                       AS as_of,
           date_trunc('day', CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS day_start
),

weighed AS (
    SELECT w.category_code,
           sum(w.net_tonnes) FILTER (WHERE w.stage = 'collect') AS collected_tonnes,
           sum(w.net_tonnes) FILTER (WHERE w.stage = 'dispose') AS disposed_tonnes
    FROM day d
    JOIN cockpit.waste_weighing_valid w
      ON w.weighed_at >= d.day_start
     AND w.weighed_at <= d.as_of
    WHERE CAST(:town_code AS text) IS NULL OR w.town_code = :town_code OR w.stage = 'dispose'
    GROUP BY w.category_code
),

capacity AS (
    SELECT treats_category_code AS category_code,
           sum(capacity_tonnes_per_day) AS capacity_tonnes_per_day
    FROM cockpit.waste_site
    WHERE kind = 'disposal'
    GROUP BY treats_category_code
)

SELECT k.category_code,
       k.name_zh,
       k.name_en,
       coalesce(w.collected_tonnes, 0) AS collected_tonnes,
       coalesce(w.disposed_tonnes, 0)  AS disposed_tonnes,
       c.capacity_tonnes_per_day
FROM cockpit.waste_category k
LEFT JOIN weighed w  ON w.category_code = k.category_code
LEFT JOIN capacity c ON c.category_code = k.category_code
ORDER BY k.category_code

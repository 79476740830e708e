-- name: waste.disposal_load
-- grain: one row per disposal site (末端处置): tonnes and loads of valid weighings received there (stage dispose) on the local day (Asia/Shanghai) of :as_of up to :as_of, per category the site treats and in total, against its design capacity; load_ratio = tonnes_today / capacity_tonnes_per_day (null without a capacity); day_elapsed = share of the local day passed at :as_of, for the pace
-- params: as_of
-- ttl: 60
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                                       AS as_of,
           date_trunc('day', CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS day_start
),

received AS (
    SELECT w.site_id,
           sum(w.net_tonnes)                                                           AS tonnes_today,
           sum(w.net_tonnes) FILTER (WHERE w.category_code = s.treats_category_code)   AS treated_category_tonnes,
           count(*)                                                                    AS loads_today,
           max(w.weighed_at)                                                           AS last_received_at
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'dispose'
     AND w.weighed_at >= p.day_start
     AND w.weighed_at <= p.as_of
    JOIN cockpit.waste_site s ON s.site_id = w.site_id
    GROUP BY w.site_id
)

SELECT s.site_id,
       s.name_zh,
       s.town_code,
       s.lat,
       s.lon,
       s.treats_category_code,
       s.capacity_tonnes_per_day,
       coalesce(r.tonnes_today, 0)                                                    AS tonnes_today,
       coalesce(r.treated_category_tonnes, 0)                                         AS treated_category_tonnes,
       coalesce(r.loads_today, 0)                                                     AS loads_today,
       r.last_received_at,
       coalesce(r.tonnes_today, 0) / nullif(s.capacity_tonnes_per_day, 0)             AS load_ratio,
       extract(epoch FROM p.as_of - p.day_start) / 86400.0                            AS day_elapsed
FROM params p
CROSS JOIN cockpit.waste_site s
LEFT JOIN received r ON r.site_id = s.site_id
WHERE s.kind = 'disposal'
ORDER BY s.site_id

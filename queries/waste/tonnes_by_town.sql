-- name: waste.tonnes_by_town
-- grain: one row per town and waste category (every town, all four categories, zero-filled): tonnes and weighings of valid collect weighings (collected at the town's drop-off stations) on local days (Asia/Shanghai) :date_from to :date_to, up to :as_of
-- params: as_of, date_from, date_to
-- ttl: 120
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'   AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS period_end
),

weighed AS (
    SELECT w.town_code,
           w.category_code,
           sum(w.net_tonnes) AS tonnes,
           count(*)          AS weighings
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'collect'
     AND w.weighed_at >= p.period_start
     AND w.weighed_at <  p.period_end
     AND w.weighed_at <= p.as_of
    GROUP BY w.town_code, w.category_code
)

SELECT t.town_code,
       t.name_zh                   AS town_name_zh,
       t.name_en                   AS town_name_en,
       k.category_code,
       k.name_zh                   AS category_name_zh,
       k.name_en                   AS category_name_en,
       coalesce(w.tonnes, 0)       AS tonnes,
       coalesce(w.weighings, 0)    AS weighings
FROM cockpit.town t
CROSS JOIN cockpit.waste_category k
LEFT JOIN weighed w ON w.town_code = t.town_code AND w.category_code = k.category_code
ORDER BY t.town_code, k.category_code

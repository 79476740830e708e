-- name: waste.tonnes_daily
-- grain: one row per local day (Asia/Shanghai) from :date_from to :date_to (days after :as_of left out) and waste category (all four, zero-filled): tonnes and weighings of valid collect weighings (collected at drop-off stations) up to :as_of, in :town_code when given (town of the station)
-- params: as_of, date_from, date_to, town_code
-- ttl: 120
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'   AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS period_end
),

days AS (
    SELECT CAST(g.day AS date) AS day
    FROM params p,
         generate_series(CAST(CAST(:date_from AS date) AS timestamp),
                         CAST(least(CAST(:date_to AS date), CAST(p.as_of AT TIME ZONE 'Asia/Shanghai' AS date)) AS timestamp),
                         interval '1 day') AS g(day)
),

weighed AS (
    SELECT CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day,
           w.category_code,
           sum(w.net_tonnes)                                      AS tonnes,
           count(*)                                               AS weighings
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'collect'
     AND w.weighed_at >= p.period_start
     AND w.weighed_at <  p.period_end
     AND w.weighed_at <= p.as_of
    WHERE CAST(:town_code AS text) IS NULL OR w.town_code = :town_code
    GROUP BY 1, 2
)

SELECT d.day,
       k.category_code,
       k.name_zh                   AS category_name_zh,
       k.name_en                   AS category_name_en,
       coalesce(w.tonnes, 0)       AS tonnes,
       coalesce(w.weighings, 0)    AS weighings
FROM days d
CROSS JOIN cockpit.waste_category k
LEFT JOIN weighed w ON w.day = d.day AND w.category_code = k.category_code
ORDER BY d.day, k.category_code

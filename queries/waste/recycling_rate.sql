-- name: waste.recycling_rate
-- grain: one row: the inputs of 回收利用率 (recycling rate, GB/T 19095) over valid collect weighings on local days (Asia/Shanghai) :date_from to :date_to up to :as_of, in :town_code when given. Tonnes collected at drop-off stations stand in for tonnes generated (the contract has no generation figure); recycled = recyclable + perishable (perishable goes to biological treatment, not burnt or buried). Rate = recycled_tonnes / collected_tonnes, computed by cockpit.waste.rules.recycling_rate (target >= 35 %).
-- params: as_of, date_from, date_to, town_code
-- ttl: 120
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'   AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS period_end
),

collected AS (
    SELECT w.category_code, w.net_tonnes
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'collect'
     AND w.weighed_at >= p.period_start
     AND w.weighed_at <  p.period_end
     AND w.weighed_at <= p.as_of
    WHERE CAST(:town_code AS text) IS NULL OR w.town_code = :town_code
)

SELECT coalesce(sum(net_tonnes), 0)                                                       AS collected_tonnes,
       coalesce(sum(net_tonnes) FILTER (WHERE category_code = 'perishable'), 0)           AS perishable_tonnes,
       coalesce(sum(net_tonnes) FILTER (WHERE category_code = 'other'), 0)                AS other_tonnes,
       coalesce(sum(net_tonnes) FILTER (WHERE category_code = 'recyclable'), 0)           AS recyclable_tonnes,
       coalesce(sum(net_tonnes) FILTER (WHERE category_code = 'hazardous'), 0)            AS hazardous_tonnes,
       coalesce(sum(net_tonnes) FILTER (WHERE category_code IN ('recyclable', 'perishable')), 0) AS recycled_tonnes,
       count(*)                                                                           AS weighings
FROM collected

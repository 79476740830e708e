-- name: waste.breaches_today
-- grain: one row per timed-and-fixed-point station and round (morning | evening) in breach of "不过午、不过夜" (cockpit/waste/rules.py) on the local day (Asia/Shanghai) of :as_of, judged at :as_of: the round's cut-off has passed and it was not collected on time — state missed (no collection in the round's window yet; first) or late (collected after the cut-off). A round whose cut-off has not passed is never listed. expected_vehicle_id: the vehicle that collected at the station on the most of the 14 local days before today in that round's window (ties: more days in any round, more tonnes, smaller id); plates are never returned.
-- params: as_of, town_code, morning_start, noon_cutoff, evening_start, night_cutoff
-- ttl: 60
WITH rule AS (
    SELECT CAST(:as_of AS timestamptz)   AS as_of,
           CAST(:morning_start AS time)  AS morning_start,
           CAST(:noon_cutoff AS time)    AS noon_cutoff,
           CAST(:evening_start AS time)  AS evening_start,
           CAST(:night_cutoff AS time)   AS night_cutoff
),

days AS (
    SELECT CAST(r.as_of AT TIME ZONE 'Asia/Shanghai' AS date) AS day
    FROM rule r
),

-- the rule itself is cockpit.collection_rounds (contract/02_checked_views.sql)
judged AS (
    SELECT c.*
    FROM days d
    CROSS JOIN cockpit.collection_rounds(CAST(:as_of AS timestamptz), d.day, d.day, CAST(:town_code AS text),
                                         CAST(:morning_start AS time), CAST(:noon_cutoff AS time),
                                         CAST(:evening_start AS time), CAST(:night_cutoff AS time)) AS c
),

breaches AS (
    SELECT j.site_id, j.name_zh, j.town_code, j.community_code, j.lat, j.lon, j.day,
           'morning'            AS round,
           j.morning_state      AS state,
           j.noon_cutoff_at     AS cutoff_at,
           j.first_morning_at   AS collected_at
    FROM judged j
    WHERE j.morning_state IN ('late', 'missed')
    UNION ALL
    SELECT j.site_id, j.name_zh, j.town_code, j.community_code, j.lat, j.lon, j.day,
           'evening',
           j.evening_state,
           j.night_cutoff_at,
           j.first_evening_at
    FROM judged j
    WHERE j.evening_state IN ('late', 'missed')
),

history AS (
    SELECT w.site_id,
           w.vehicle_id,
           count(DISTINCT CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS date))
               FILTER (WHERE CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS time) >= r.morning_start
                         AND CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS time) <  r.evening_start) AS morning_days,
           count(DISTINCT CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS date))
               FILTER (WHERE CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS time) >= r.evening_start) AS evening_days,
           count(DISTINCT CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS date))        AS days,
           sum(w.net_tonnes)                                                                AS tonnes
    FROM rule r
    CROSS JOIN days d
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'collect'
     AND w.weighed_at >= CAST(d.day - 14 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
     AND w.weighed_at <  CAST(d.day AS timestamp) AT TIME ZONE 'Asia/Shanghai'
     AND w.vehicle_id IS NOT NULL
    WHERE w.site_id IN (SELECT b.site_id FROM breaches b)
    GROUP BY w.site_id, w.vehicle_id
)

SELECT b.site_id,
       b.name_zh,
       b.town_code,
       t.name_zh                                                            AS town_name_zh,
       t.name_en                                                            AS town_name_en,
       b.community_code,
       b.lat,
       b.lon,
       b.day,
       b.round,
       b.state,
       b.cutoff_at,
       b.collected_at,
       extract(epoch FROM coalesce(b.collected_at, r.as_of) - b.cutoff_at) / 60.0 AS minutes_late,
       v.vehicle_id                                                         AS expected_vehicle_id,
       v.round_days                                                         AS expected_vehicle_days,
       wv.category_code                                                     AS expected_vehicle_category_code
FROM rule r
CROSS JOIN breaches b
LEFT JOIN cockpit.town t ON t.town_code = b.town_code
LEFT JOIN LATERAL (
    SELECT h.vehicle_id,
           CASE b.round WHEN 'morning' THEN h.morning_days ELSE h.evening_days END AS round_days
    FROM history h
    WHERE h.site_id = b.site_id
    ORDER BY 2 DESC, h.days DESC, h.tonnes DESC, h.vehicle_id
    LIMIT 1
) v ON true
LEFT JOIN cockpit.waste_vehicle wv ON wv.vehicle_id = v.vehicle_id
ORDER BY b.state = 'late', b.cutoff_at, minutes_late DESC, b.town_code, b.site_id

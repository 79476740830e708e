-- name: waste.compliance_by_town
-- grain: one row per town and local day (Asia/Shanghai) from :date_from to :date_to (days after :as_of left out) with at least one timed-and-fixed-point station: counts of morning and evening rounds under "不过午、不过夜" (cockpit/waste_rules.py) judged at :as_of. A round is decided unless pending (cut-off not passed and not yet collected on time); compliance_rate (按时清运率) = rounds_on_time / rounds_decided, null when nothing is decided; the counts add up across towns and days.
-- params: as_of, date_from, date_to, town_code, morning_start, noon_cutoff, evening_start, night_cutoff
-- ttl: 120
WITH rule AS (
    SELECT CAST(:as_of AS timestamptz)   AS as_of,
           CAST(:morning_start AS time)  AS morning_start,
           CAST(:noon_cutoff AS time)    AS noon_cutoff,
           CAST(:evening_start AS time)  AS evening_start,
           CAST(:night_cutoff AS time)   AS night_cutoff
),

days AS (
    SELECT CAST(g.day AS date) AS day
    FROM rule r,
         generate_series(CAST(CAST(:date_from AS date) AS timestamp),
                         CAST(least(CAST(:date_to AS date), CAST(r.as_of AT TIME ZONE 'Asia/Shanghai' AS date)) AS timestamp),
                         interval '1 day') AS g(day)
),

-- collection rule: begin (this block is identical in waste.collection_compliance, waste.compliance_by_town and waste.breaches_today; tests check it)
stations AS (
    SELECT s.site_id, s.name_zh, s.town_code, s.community_code, s.lat, s.lon
    FROM cockpit.waste_site s
    WHERE s.kind = 'dropoff'
      AND s.is_timed_fixed
      AND (CAST(:town_code AS text) IS NULL OR s.town_code = :town_code)
),

collections AS (
    SELECT w.site_id,
           w.weighed_at,
           CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day,
           CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS time) AS clock
    FROM rule r
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'collect'
     AND w.weighed_at >= (SELECT CAST(min(day) AS timestamp) AT TIME ZONE 'Asia/Shanghai' FROM days)
     AND w.weighed_at <  (SELECT CAST(max(day) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai' FROM days)
     AND w.weighed_at <= r.as_of
    JOIN stations s ON s.site_id = w.site_id
),

station_rounds AS (
    SELECT c.site_id,
           c.day,
           count(*)                                                                           AS collect_weighings,
           min(c.weighed_at) FILTER (WHERE c.clock >= r.morning_start AND c.clock < r.evening_start) AS first_morning_at,
           min(c.weighed_at) FILTER (WHERE c.clock >= r.evening_start)                        AS first_evening_at,
           count(*) FILTER (WHERE c.clock >= r.morning_start AND c.clock <= r.noon_cutoff) > 0 AS morning_on_time,
           count(*) FILTER (WHERE c.clock >= r.evening_start AND c.clock <= r.night_cutoff) > 0 AS evening_on_time
    FROM rule r
    CROSS JOIN collections c
    GROUP BY c.site_id, c.day
),

judged AS (
    SELECT s.site_id,
           s.name_zh,
           s.town_code,
           s.community_code,
           s.lat,
           s.lon,
           d.day,
           (d.day + r.noon_cutoff) AT TIME ZONE 'Asia/Shanghai'                               AS noon_cutoff_at,
           (d.day + r.night_cutoff) AT TIME ZONE 'Asia/Shanghai'                              AS night_cutoff_at,
           coalesce(x.collect_weighings, 0)                                                   AS collect_weighings,
           x.first_morning_at,
           x.first_evening_at,
           x.first_morning_at IS NOT NULL                                                     AS has_morning,
           x.first_evening_at IS NOT NULL                                                     AS has_evening,
           CASE WHEN x.morning_on_time                                          THEN 'on_time'
                WHEN r.as_of <= (d.day + r.noon_cutoff) AT TIME ZONE 'Asia/Shanghai'  THEN 'pending'
                WHEN x.first_morning_at IS NOT NULL                             THEN 'late'
                ELSE 'missed'
           END                                                                                AS morning_state,
           CASE WHEN x.evening_on_time                                          THEN 'on_time'
                WHEN r.as_of <= (d.day + r.night_cutoff) AT TIME ZONE 'Asia/Shanghai' THEN 'pending'
                WHEN x.first_evening_at IS NOT NULL                             THEN 'late'
                ELSE 'missed'
           END                                                                                AS evening_state
    FROM rule r
    CROSS JOIN days d
    CROSS JOIN stations s
    LEFT JOIN station_rounds x ON x.site_id = s.site_id AND x.day = d.day
),
-- collection rule: end

per_town AS (
    SELECT j.town_code,
           j.day,
           count(*)                                                                   AS timed_stations,
           count(*) FILTER (WHERE j.morning_state <> 'pending')                       AS morning_decided,
           count(*) FILTER (WHERE j.morning_state = 'on_time')                        AS morning_on_time,
           count(*) FILTER (WHERE j.morning_state = 'late')                           AS morning_late,
           count(*) FILTER (WHERE j.morning_state = 'missed')                         AS morning_missed,
           count(*) FILTER (WHERE j.evening_state <> 'pending')                       AS evening_decided,
           count(*) FILTER (WHERE j.evening_state = 'on_time')                        AS evening_on_time,
           count(*) FILTER (WHERE j.evening_state = 'late')                           AS evening_late,
           count(*) FILTER (WHERE j.evening_state = 'missed')                         AS evening_missed,
           count(*) FILTER (WHERE j.morning_state IN ('late', 'missed')
                               OR j.evening_state IN ('late', 'missed'))              AS stations_in_breach
    FROM judged j
    GROUP BY j.town_code, j.day
)

SELECT p.town_code,
       t.name_zh                                                                      AS town_name_zh,
       t.name_en                                                                      AS town_name_en,
       p.day,
       p.timed_stations,
       p.morning_decided,
       p.morning_on_time,
       p.morning_late,
       p.morning_missed,
       p.evening_decided,
       p.evening_on_time,
       p.evening_late,
       p.evening_missed,
       p.morning_decided + p.evening_decided                                          AS rounds_decided,
       p.morning_on_time + p.evening_on_time                                          AS rounds_on_time,
       p.stations_in_breach,
       CAST(p.morning_on_time + p.evening_on_time AS double precision)
           / nullif(p.morning_decided + p.evening_decided, 0)                         AS compliance_rate
FROM per_town p
LEFT JOIN cockpit.town t ON t.town_code = p.town_code
ORDER BY p.day, p.town_code

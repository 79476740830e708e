-- name: weekly.by_town
-- grain: one row per town/street (all of cockpit.town, zero-filled) for the ISO week that starts on Monday :week_start (local days, Asia/Shanghai; events up to :as_of): valid cases received, valid parking violations, tonnes collected at its drop-off stations and valid drone sorties from its nests, with its area for densities; the week's map values
-- params: as_of, week_start
-- ttl: 600
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                  AS as_of,
           CAST(CAST(:week_start AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'     AS week_start_at,
           CAST(CAST(:week_start AS date) + 7 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS week_end_at
),

cases AS (
    SELECT c.town_code, count(*) AS cases_received
    FROM params p
    JOIN cockpit.grid_case_valid c
      ON c.reported_at >= p.week_start_at AND c.reported_at < p.week_end_at AND c.reported_at <= p.as_of
    GROUP BY c.town_code
),

parking AS (
    SELECT v.town_code, count(*) AS parking_violations
    FROM params p
    JOIN cockpit.parking_violation_valid v
      ON v.observed_at >= p.week_start_at AND v.observed_at < p.week_end_at AND v.observed_at <= p.as_of
    GROUP BY v.town_code
),

waste AS (
    SELECT w.town_code, sum(w.net_tonnes) AS waste_tonnes
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'collect'
     AND w.weighed_at >= p.week_start_at AND w.weighed_at < p.week_end_at AND w.weighed_at <= p.as_of
    GROUP BY w.town_code
),

drones AS (
    SELECT f.town_code, count(*) AS drone_sorties
    FROM params p
    JOIN cockpit.drone_flight_valid f
      ON f.started_at >= p.week_start_at AND f.started_at < p.week_end_at AND f.started_at <= p.as_of
    GROUP BY f.town_code
)

SELECT t.town_code,
       t.name_zh,
       t.name_en,
       t.area_km2,
       coalesce(c.cases_received, 0)      AS cases_received,
       coalesce(pk.parking_violations, 0) AS parking_violations,
       coalesce(w.waste_tonnes, 0)        AS waste_tonnes,
       coalesce(d.drone_sorties, 0)       AS drone_sorties
FROM cockpit.town t
LEFT JOIN cases c    ON c.town_code = t.town_code
LEFT JOIN parking pk ON pk.town_code = t.town_code
LEFT JOIN waste w    ON w.town_code = t.town_code
LEFT JOIN drones d   ON d.town_code = t.town_code
ORDER BY t.town_code

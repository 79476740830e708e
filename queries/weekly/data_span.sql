-- name: weekly.data_span
-- grain: one row: the local days (Asia/Shanghai) of the first and of the newest valid event up to :as_of and the instant of the newest (last_at, the data's as-of time) over the fact relations a weekly pack reads (grid cases, weighings, parking violations, drone sorties, market requests), and the first day of each area's own relation (cases_first_day … market_first_day, for "no data then" against a real zero); nulls when there is none. Each end is one index-ordered row per relation, never a scan
-- params: as_of
-- ttl: 600
WITH bound AS (
    SELECT CAST(:as_of AS timestamptz) AS as_of
),

firsts AS (
    SELECT 'cases' AS area,
           (SELECT c.reported_at FROM cockpit.grid_case_valid c, bound b WHERE c.reported_at <= b.as_of
             ORDER BY c.reported_at LIMIT 1) AS at
    UNION ALL
    SELECT 'waste',
           (SELECT w.weighed_at FROM cockpit.waste_weighing_valid w, bound b WHERE w.weighed_at <= b.as_of
             ORDER BY w.weighed_at LIMIT 1)
    UNION ALL
    SELECT 'parking',
           (SELECT v.observed_at FROM cockpit.parking_violation_valid v, bound b WHERE v.observed_at <= b.as_of
             ORDER BY v.observed_at LIMIT 1)
    UNION ALL
    SELECT 'drones',
           (SELECT f.started_at FROM cockpit.drone_flight_valid f, bound b WHERE f.started_at <= b.as_of
             ORDER BY f.started_at LIMIT 1)
    UNION ALL
    SELECT 'market',
           (SELECT m.submitted_at FROM cockpit.market_request_valid m, bound b WHERE m.submitted_at <= b.as_of
             ORDER BY m.submitted_at LIMIT 1)
),

lasts AS (
    SELECT (SELECT c.reported_at FROM cockpit.grid_case_valid c, bound b WHERE c.reported_at <= b.as_of
             ORDER BY c.reported_at DESC LIMIT 1) AS at
    UNION ALL
    SELECT (SELECT w.weighed_at FROM cockpit.waste_weighing_valid w, bound b WHERE w.weighed_at <= b.as_of
             ORDER BY w.weighed_at DESC LIMIT 1)
    UNION ALL
    SELECT (SELECT v.observed_at FROM cockpit.parking_violation_valid v, bound b WHERE v.observed_at <= b.as_of
             ORDER BY v.observed_at DESC LIMIT 1)
    UNION ALL
    SELECT (SELECT f.started_at FROM cockpit.drone_flight_valid f, bound b WHERE f.started_at <= b.as_of
             ORDER BY f.started_at DESC LIMIT 1)
    UNION ALL
    SELECT (SELECT m.submitted_at FROM cockpit.market_request_valid m, bound b WHERE m.submitted_at <= b.as_of
             ORDER BY m.submitted_at DESC LIMIT 1)
),

first_days AS (
    SELECT area, CAST(at AT TIME ZONE 'Asia/Shanghai' AS date) AS day FROM firsts
)

SELECT (SELECT min(day) FROM first_days)                                                   AS first_day,
       (SELECT CAST(max(at) AT TIME ZONE 'Asia/Shanghai' AS date) FROM lasts)              AS last_day,
       (SELECT max(at) FROM lasts)                                                         AS last_at,
       (SELECT day FROM first_days WHERE area = 'cases')                                   AS cases_first_day,
       (SELECT day FROM first_days WHERE area = 'waste')                                   AS waste_first_day,
       (SELECT day FROM first_days WHERE area = 'parking')                                 AS parking_first_day,
       (SELECT day FROM first_days WHERE area = 'drones')                                  AS drones_first_day,
       (SELECT day FROM first_days WHERE area = 'market')                                  AS market_first_day

-- name: weekly.drone_summary
-- grain: one row for the ISO week that starts on Monday :week_start (local days, Asia/Shanghai; up to :as_of): valid sorties started in the week, their distance and flying hours (ended flights), nests that flew, and the AI detections made on those sorties (by :as_of), with those dispatched as cases
-- params: as_of, week_start
-- ttl: 600
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                  AS as_of,
           CAST(CAST(:week_start AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'     AS week_start_at,
           CAST(CAST(:week_start AS date) + 7 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS week_end_at
),

sorties AS (
    SELECT count(*)                                                                       AS sorties,
           coalesce(sum(f.distance_km), 0)                                                AS distance_km,
           coalesce(sum(extract(epoch FROM f.ended_at - f.started_at)) FILTER (WHERE f.ended_at <= p.as_of), 0)
               / 3600.0                                                                   AS flight_hours,
           count(DISTINCT f.nest_id)                                                      AS nests_flown
    FROM params p
    JOIN cockpit.drone_flight_valid f
      ON f.started_at >= p.week_start_at
     AND f.started_at <  p.week_end_at
     AND f.started_at <= p.as_of
    GROUP BY p.as_of
),

-- detections belong to the week of their sortie's take-off (as drones.detections counts them)
detections AS (
    SELECT count(*)                                      AS detections,
           count(*) FILTER (WHERE d.case_id IS NOT NULL) AS detections_to_cases
    FROM params p
    JOIN cockpit.drone_flight_valid f
      ON f.started_at >= p.week_start_at
     AND f.started_at <  p.week_end_at
     AND f.started_at <= p.as_of
    JOIN cockpit.drone_detection d
      ON d.flight_id = f.flight_id
     AND d.detected_at <= p.as_of
)

SELECT coalesce(s.sorties, 0)       AS sorties,
       coalesce(s.distance_km, 0)   AS distance_km,
       coalesce(s.flight_hours, 0)  AS flight_hours,
       coalesce(s.nests_flown, 0)   AS nests_flown,
       d.detections,
       d.detections_to_cases
FROM detections d
LEFT JOIN sorties s ON true

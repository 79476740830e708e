-- name: waste.vehicles_today
-- grain: one row per registered waste vehicle (cockpit.waste_vehicle; its town is :town_code when given) on the local day (Asia/Shanghai) of :as_of, up to :as_of: valid weighings today (every stage; each is one stop: a pick-up at a station or an unloading), collections (stage collect) and their tonnes, trips (unloadings: stage transfer or dispose) and their tonnes, last valid weighing within :lookback_days days, and state: active (a weighing in the last :active_hours hours, even if before midnight) | idle (weighed today, not in the last :active_hours) | offline (no weighing today). Never the plate.
-- params: as_of, town_code, active_hours, lookback_days
-- ttl: 60
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                         AS as_of,
           date_trunc('day', CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS day_start,
           CAST(:as_of AS timestamptz) - CAST(:active_hours AS double precision) * interval '1 hour' AS active_since,
           CAST(:as_of AS timestamptz) - CAST(:lookback_days AS integer) * interval '1 day'          AS lookback_start
),

vehicles AS (
    SELECT v.vehicle_id, v.category_code, v.town_code, v.capacity_tonnes
    FROM cockpit.waste_vehicle v
    WHERE CAST(:town_code AS text) IS NULL OR v.town_code = :town_code
),

weighed AS (
    SELECT w.vehicle_id,
           count(*) FILTER (WHERE w.weighed_at >= p.day_start)                                   AS weighings,
           count(*) FILTER (WHERE w.weighed_at >= p.day_start AND w.stage = 'collect')           AS collections,
           coalesce(sum(w.net_tonnes) FILTER (WHERE w.weighed_at >= p.day_start
                                                AND w.stage = 'collect'), 0)                     AS collected_tonnes,
           count(*) FILTER (WHERE w.weighed_at >= p.day_start AND w.stage <> 'collect')          AS trips,
           coalesce(sum(w.net_tonnes) FILTER (WHERE w.weighed_at >= p.day_start
                                                AND w.stage <> 'collect'), 0)                    AS unloaded_tonnes,
           count(DISTINCT w.site_id) FILTER (WHERE w.weighed_at >= p.day_start
                                               AND w.stage = 'collect')                          AS stations_collected,
           min(w.weighed_at) FILTER (WHERE w.weighed_at >= p.day_start)                          AS first_weighed_at,
           max(w.weighed_at)                                                                     AS last_weighed_at
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.weighed_at >= least(p.lookback_start, p.day_start)
     AND w.weighed_at <= p.as_of
    WHERE w.vehicle_id IN (SELECT vehicle_id FROM vehicles)
    GROUP BY w.vehicle_id
)

SELECT v.vehicle_id,
       v.category_code,
       v.town_code,
       v.capacity_tonnes,
       coalesce(w.weighings, 0)           AS weighings,
       coalesce(w.collections, 0)         AS collections,
       coalesce(w.collected_tonnes, 0)    AS collected_tonnes,
       coalesce(w.trips, 0)               AS trips,
       coalesce(w.unloaded_tonnes, 0)     AS unloaded_tonnes,
       coalesce(w.stations_collected, 0)  AS stations_collected,
       w.first_weighed_at,
       w.last_weighed_at,
       CASE WHEN w.last_weighed_at >= p.active_since THEN 'active'
            WHEN w.last_weighed_at >= p.day_start    THEN 'idle'
            ELSE 'offline'
       END                                AS state
FROM params p
CROSS JOIN vehicles v
LEFT JOIN weighed w ON w.vehicle_id = v.vehicle_id
ORDER BY CASE WHEN w.last_weighed_at >= p.active_since THEN 1 WHEN w.last_weighed_at >= p.day_start THEN 2 ELSE 3 END,
         v.vehicle_id

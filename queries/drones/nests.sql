-- name: drones.nests
-- grain: one row per drone nest (of :town_code, or all): its reported state, whether it is flying now, valid sorties started today / this ISO week / in the 7 days before :as_of (Asia/Shanghai), hours flown in those 7 days and utilisation
-- params: as_of, town_code, operating_hours_per_day, open_flight_hours
-- ttl: 60
-- Utilisation = hours flown in the 7 days before :as_of / (7 x :operating_hours_per_day) x 100. A flight
-- not landed by :as_of counts (and makes the nest "flying now") only when it started within
-- :open_flight_hours; an older one without a landing time is a lost record, not a flight in progress.
WITH periods AS (
    SELECT CAST(:as_of AS timestamptz)                                                                          AS as_of,
           date_trunc('day',  CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS day_start,
           date_trunc('week', CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS week_start,
           CAST(:as_of AS timestamptz) - interval '7 days'                                                      AS last7_start,
           CAST(:as_of AS timestamptz) - make_interval(secs => CAST(:open_flight_hours AS double precision) * 3600) AS open_since
),

flights AS (
    SELECT f.nest_id,
           f.started_at,
           p.day_start,
           p.week_start,
           p.last7_start,
           CASE
               WHEN f.ended_at <= p.as_of THEN f.ended_at
               WHEN f.started_at > p.open_since THEN p.as_of      -- in the air at :as_of
               ELSE f.started_at                                  -- no landing recorded: no time counted
           END                                                     AS counted_until,
           (f.ended_at IS NULL OR f.ended_at > p.as_of) AND f.started_at > p.open_since AS is_in_air
    FROM periods p
    JOIN cockpit.drone_flight_valid f
      ON f.started_at >  least(p.week_start, p.last7_start)
     AND f.started_at <= p.as_of
),

per_nest AS (
    SELECT nest_id,
           count(*) FILTER (WHERE started_at >= day_start)            AS sorties_today,
           count(*) FILTER (WHERE started_at >= week_start)           AS sorties_week,
           count(*) FILTER (WHERE started_at > last7_start)           AS sorties_7d,
           coalesce(sum(extract(epoch FROM counted_until - greatest(started_at, last7_start)))
                        FILTER (WHERE counted_until > last7_start), 0) / 3600.0 AS hours_7d,
           bool_or(is_in_air)                                         AS is_flying_now,
           max(started_at)                                            AS last_started_at
    FROM flights
    GROUP BY nest_id
)

SELECT n.nest_id,
       n.name_zh,
       n.town_code,
       n.lat,
       n.lon,
       n.status_code,
       n.status_at,
       n.camera_radius_m,
       coalesce(s.is_flying_now, false)                         AS is_flying_now,
       coalesce(s.sorties_today, 0)                             AS sorties_today,
       coalesce(s.sorties_week, 0)                              AS sorties_week,
       coalesce(s.sorties_7d, 0)                                AS sorties_7d,
       coalesce(s.hours_7d, 0)                                  AS hours_7d,
       100.0 * coalesce(s.hours_7d, 0) / (7 * CAST(:operating_hours_per_day AS double precision)) AS utilisation_pct,
       s.last_started_at
FROM cockpit.drone_nest n
LEFT JOIN per_nest s ON s.nest_id = n.nest_id
WHERE CAST(:town_code AS text) IS NULL OR n.town_code = :town_code
ORDER BY n.nest_id

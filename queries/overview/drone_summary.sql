-- name: overview.drone_summary
-- grain: one row: valid sorties started today and this ISO week (Asia/Shanghai) up to :as_of, and nests by reported state
-- params: as_of, town_code
-- ttl: 60
WITH periods AS (
    SELECT CAST(:as_of AS timestamptz)                                                              AS as_of,
           date_trunc('day',  CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'  AS day_start,
           date_trunc('week', CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'  AS week_start
),

sorties AS (
    SELECT count(*) FILTER (WHERE f.started_at >= p.day_start) AS sorties_today,
           count(*)                                            AS sorties_week
    FROM periods p
    JOIN cockpit.drone_flight_valid f
      ON f.started_at >= p.week_start
     AND f.started_at <= p.as_of
    WHERE CAST(:town_code AS text) IS NULL OR f.town_code = :town_code
),

nests AS (
    SELECT count(*)                                                    AS nests,
           count(*) FILTER (WHERE status_code = 'flying')              AS nests_flying,
           count(*) FILTER (WHERE status_code = 'idle')                AS nests_idle,
           count(*) FILTER (WHERE status_code IN ('offline', 'maintenance')) AS nests_down
    FROM cockpit.drone_nest
    WHERE CAST(:town_code AS text) IS NULL OR town_code = :town_code
)

SELECT * FROM sorties CROSS JOIN nests

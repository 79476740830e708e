-- name: market.duty_roster
-- grain: one row per stationed department and local day of the :days days starting on :as_of's local day: the mode it is on site that day (null when not on site)
-- params: as_of, days
-- ttl: 600
WITH days AS (
    SELECT CAST(g.d AS date) AS day
    FROM generate_series(CAST(CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai' AS date),
                         CAST(CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai' AS date)
                           + CAST(:days AS integer) - 1,
                         interval '1 day') AS g (d)
)

SELECT d.day,
       m.dept_code,
       t.mode
FROM days d
CROSS JOIN cockpit.market_department m
LEFT JOIN cockpit.market_duty t ON t.dept_code = m.dept_code AND t.day = d.day
ORDER BY d.day, m.dept_code

-- name: market.duty_today
-- grain: one row per stationed department: its standing mode, whether and how it is on site on :as_of's local day (market_duty), its next day on site, and its valid requests open and waiting for a first response at :as_of
-- params: as_of
-- ttl: 120
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                            AS as_of,
           CAST(CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai' AS date) AS today
),

open_requests AS (
    SELECT q.dept_code,
           count(*)                                                               AS open_now,
           count(*) FILTER (WHERE q.first_response_at IS NULL
                               OR q.first_response_at > p.as_of)                  AS waiting_now
    FROM p
    JOIN cockpit.market_request_valid q
      ON q.submitted_at <= p.as_of
     AND (q.resolved_at IS NULL OR q.resolved_at > p.as_of)
    GROUP BY q.dept_code
)

SELECT d.dept_code,
       d.name_zh,
       d.name_en,
       d.mode                                                                     AS standing_mode,
       t.mode                                                                     AS mode_today,
       t.dept_code IS NOT NULL                                                    AS is_on_site_today,
       (SELECT min(n.day) FROM cockpit.market_duty n
         WHERE n.dept_code = d.dept_code AND n.day > p.today)                     AS next_on_site_day,
       coalesce(o.open_now, 0)                                                    AS open_now,
       coalesce(o.waiting_now, 0)                                                 AS waiting_now
FROM p
CROSS JOIN cockpit.market_department d
LEFT JOIN cockpit.market_duty t ON t.dept_code = d.dept_code AND t.day = p.today
LEFT JOIN open_requests o       ON o.dept_code = d.dept_code
ORDER BY CASE d.mode WHEN 'resident' THEN 1 WHEN 'rotating' THEN 2 WHEN 'appointment' THEN 3 ELSE 4 END, d.dept_code

-- name: market.daily
-- grain: one row per local day between :date_from and :date_to: valid clothing-market requests received and resolved that day, and open at the end of the day (as of :as_of)
-- params: as_of, date_from, date_to, dept_code, item_group
-- ttl: 120
WITH p AS (
    SELECT CAST(:as_of AS timestamptz) AS as_of
),

days AS (
    SELECT CAST(d AS date)                                                            AS day,
           CAST(CAST(d AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'            AS day_start,
           CAST(CAST(d AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'        AS day_end
    FROM generate_series(CAST(:date_from AS date), CAST(:date_to AS date), interval '1 day') AS d
),

requests AS (
    SELECT q.submitted_at,
           CASE WHEN q.resolved_at <= p.as_of THEN q.resolved_at END                 AS resolved_at,
           q.channel
    FROM p
    JOIN cockpit.market_request_valid q ON q.submitted_at <= p.as_of
    JOIN cockpit.market_service_item i  ON i.item_code = q.item_code
    WHERE q.submitted_at < CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND (CAST(:dept_code AS text) IS NULL OR q.dept_code = :dept_code)
      AND (CAST(:item_group AS text) IS NULL OR i.group_zh = :item_group)
)

SELECT d.day,
       count(r.submitted_at) FILTER (WHERE r.submitted_at >= d.day_start)                            AS received,
       count(r.submitted_at) FILTER (WHERE r.submitted_at >= d.day_start AND r.channel = 'onsite')     AS received_onsite,
       count(r.submitted_at) FILTER (WHERE r.submitted_at >= d.day_start AND r.channel = 'online')     AS received_online,
       count(r.submitted_at) FILTER (WHERE r.submitted_at >= d.day_start AND r.channel = 'work_order') AS received_work_order,
       count(r.resolved_at) FILTER (WHERE r.resolved_at >= d.day_start AND r.resolved_at < d.day_end) AS resolved,
       count(r.submitted_at) FILTER (WHERE r.resolved_at IS NULL OR r.resolved_at >= d.day_end)       AS open_at_day_end
FROM days d
LEFT JOIN requests r
  ON r.submitted_at < d.day_end
 AND (r.resolved_at IS NULL OR r.resolved_at >= d.day_start)
GROUP BY d.day
ORDER BY d.day

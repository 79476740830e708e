-- name: market.ip_monthly
-- grain: one row per local month (the :months months ending with :as_of's month) and service item of group :item_group: valid requests submitted that month, resolved that month by :as_of, and the median working hours from submission to resolution of those resolved that month
-- params: as_of, months, item_group
-- ttl: 600
-- The contract has no registration or IP-case relation: these are the IP-protection indicators that
-- the merchant requests themselves carry (per item: copyright registration, trademark infringement,
-- trade secrets ...), counted by month, with the lead time in working hours.
-- Working time is the contract's cockpit.working_seconds, the clock of market.by_group.
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                 AS as_of,
           CAST(CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai' AS date)      AS as_of_day,
           CAST(date_trunc('month', CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai')
                - (CAST(:months AS integer) - 1) * interval '1 month' AS date)          AS first_month
),

requests AS (
    SELECT q.request_id,
           q.item_code,
           q.submitted_at,
           CASE WHEN q.resolved_at <= p.as_of THEN q.resolved_at END                   AS resolved_at
    FROM p
    JOIN cockpit.market_request_valid q ON q.submitted_at <= p.as_of
    JOIN cockpit.market_service_item i  ON i.item_code = q.item_code
    WHERE i.group_zh = :item_group
      AND (q.submitted_at >= CAST(p.first_month AS timestamp) AT TIME ZONE 'Asia/Shanghai'
           OR q.resolved_at >= CAST(p.first_month AS timestamp) AT TIME ZONE 'Asia/Shanghai')
),

-- the lead time of each resolved request, in working seconds (no row while it is open)
timed AS MATERIALIZED (
    SELECT r.request_id, w.seconds / 3600.0                                            AS resolution_working_hours
    FROM requests r
    CROSS JOIN LATERAL cockpit.working_seconds(r.submitted_at, r.resolved_at) AS w
),

months AS (
    SELECT CAST(g.m AS date) AS month
    FROM p
    CROSS JOIN LATERAL generate_series(p.first_month, p.as_of_day, interval '1 month') AS g (m)
),

cells AS (
    SELECT m.month, i.item_code, i.name_zh, i.name_en
    FROM months m
    CROSS JOIN cockpit.market_service_item i
    WHERE i.group_zh = :item_group
),

final AS (
    SELECT r.item_code,
           CAST(date_trunc('month', r.submitted_at AT TIME ZONE 'Asia/Shanghai') AS date) AS submitted_month,
           CAST(date_trunc('month', r.resolved_at AT TIME ZONE 'Asia/Shanghai') AS date)  AS resolved_month,
           t.resolution_working_hours
    FROM requests r
    LEFT JOIN timed t ON t.request_id = r.request_id
)

SELECT c.month,
       c.item_code,
       c.name_zh,
       c.name_en,
       count(f.item_code) FILTER (WHERE f.submitted_month = c.month)                    AS received,
       count(f.item_code) FILTER (WHERE f.resolved_month = c.month)                     AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.resolution_working_hours)
           FILTER (WHERE f.resolved_month = c.month)                                    AS median_resolution_working_hours
FROM cells c
LEFT JOIN final f ON f.item_code = c.item_code AND (f.submitted_month = c.month OR f.resolved_month = c.month)
GROUP BY c.month, c.item_code, c.name_zh, c.name_en
ORDER BY c.month, c.item_code

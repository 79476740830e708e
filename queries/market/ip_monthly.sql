-- name: market.ip_monthly
-- grain: one row per local month (the :months months ending with :as_of's month) and service item of group :item_group: valid requests submitted that month, resolved that month by :as_of, and the median working hours from submission to resolution of those resolved that month
-- params: as_of, months, item_group
-- ttl: 600
-- The contract has no registration or IP-case relation: these are the IP-protection indicators that
-- the merchant requests themselves carry (per item: copyright registration, trademark infringement,
-- trade secrets ...), counted by month, with the lead time in working hours.
-- Working time from an instant t is cum(t) = working seconds of the days before t's local day + working
-- seconds of that day up to t; a span a..b takes cum(b) - cum(a). Days missing from the calendar follow
-- the standard week (Mon-Fri 08:30-12:00, 13:30-17:30), as cockpit.worktime does (same clock as market.by_group).
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
           CAST(NULL AS timestamptz)                                                   AS first_response_at,
           CASE WHEN q.resolved_at <= p.as_of THEN q.resolved_at END                   AS resolved_at
    FROM p
    JOIN cockpit.market_request_valid q ON q.submitted_at <= p.as_of
    JOIN cockpit.market_service_item i  ON i.item_code = q.item_code
    WHERE i.group_zh = :item_group
      AND (q.submitted_at >= CAST(p.first_month AS timestamp) AT TIME ZONE 'Asia/Shanghai'
           OR q.resolved_at >= CAST(p.first_month AS timestamp) AT TIME ZONE 'Asia/Shanghai')
),

instants AS (
    SELECT r.request_id, v.kind, v.at
    FROM requests r
    CROSS JOIN p
    CROSS JOIN LATERAL (VALUES ('submitted', r.submitted_at), ('first', r.first_response_at),
                               ('resolved', r.resolved_at), ('now', p.as_of)) AS v (kind, at)
    WHERE v.at IS NOT NULL
),

worked AS (
    SELECT i.request_id,
           i.kind,
           k.seconds_before_day
             + coalesce(greatest(0, extract(epoch FROM least(CAST(i.at AT TIME ZONE 'Asia/Shanghai' AS time), k.am_end) - k.am_start)), 0)
             + coalesce(greatest(0, extract(epoch FROM least(CAST(i.at AT TIME ZONE 'Asia/Shanghai' AS time), k.pm_end) - k.pm_start)), 0)
                                                                                       AS cum_seconds
    FROM instants i
    JOIN cockpit.work_clock k ON k.day = CAST(i.at AT TIME ZONE 'Asia/Shanghai' AS date)
),

timed AS (
    -- GREATEST ignores nulls: spans without an end stay null, negative spans (bad order) count as 0
    SELECT s.request_id,
           CASE WHEN s.first_s IS NOT NULL THEN greatest(0, s.first_s - s.submitted_s) / 3600.0 END       AS first_response_working_hours,
           CASE WHEN s.resolved_s IS NOT NULL THEN greatest(0, s.resolved_s - s.submitted_s) / 3600.0 END AS resolution_working_hours,
           greatest(0, s.now_s - s.submitted_s) / 3600.0                                                  AS age_working_hours
    FROM (
        SELECT w.request_id,
               max(w.cum_seconds) FILTER (WHERE w.kind = 'submitted') AS submitted_s,
               max(w.cum_seconds) FILTER (WHERE w.kind = 'first')     AS first_s,
               max(w.cum_seconds) FILTER (WHERE w.kind = 'resolved')  AS resolved_s,
               max(w.cum_seconds) FILTER (WHERE w.kind = 'now')       AS now_s
        FROM worked w
        GROUP BY w.request_id
    ) AS s
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
    JOIN timed t ON t.request_id = r.request_id
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

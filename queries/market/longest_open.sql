-- name: market.longest_open
-- grain: one row per valid clothing-market request open at :as_of (not resolved by then), longest open in working hours first, at most :limit_rows; merchant name and phone only when :with_personal is true (null otherwise)
-- params: as_of, dept_code, item_group, with_personal, limit_rows
-- personal: merchant_name, merchant_phone
-- ttl: 120
-- Working time is the contract's cockpit.working_seconds, the clock of market.by_group (days missing from
-- the calendar follow the standard week, Mon-Fri 08:30-12:00, 13:30-17:30, as cockpit.worktime does).
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                 AS as_of,
           CAST(CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai' AS date)      AS as_of_day
),

requests AS (
    SELECT q.request_id,
           q.item_code,
           i.name_zh                                                                   AS item_name_zh,
           i.name_en                                                                   AS item_name_en,
           i.group_zh,
           q.dept_code,
           q.channel,
           q.zone_code,
           q.stall_no,
           CASE WHEN CAST(:with_personal AS boolean) THEN q.merchant_name END          AS merchant_name,
           CASE WHEN CAST(:with_personal AS boolean) THEN q.merchant_phone END         AS merchant_phone,
           q.submitted_at,
           CASE WHEN q.first_response_at <= p.as_of THEN q.first_response_at END       AS first_response_at,
           i.promised_hours
    FROM p
    JOIN cockpit.market_request_valid q ON q.submitted_at <= p.as_of
    JOIN cockpit.market_service_item i  ON i.item_code = q.item_code
    WHERE (q.resolved_at IS NULL OR q.resolved_at > p.as_of)
      AND (CAST(:dept_code AS text) IS NULL OR q.dept_code = :dept_code)
      AND (CAST(:item_group AS text) IS NULL OR i.group_zh = :item_group)
),

-- how long each request has been open at :as_of, in working seconds (the function inlined: one clock read)
timed AS MATERIALIZED (
    SELECT r.request_id, w.seconds / 3600.0                                            AS age_working_hours
    FROM requests r
    CROSS JOIN p
    CROSS JOIN LATERAL cockpit.working_seconds(r.submitted_at, p.as_of) AS w
),

final AS (
    SELECT r.*,
           t.age_working_hours,
           t.age_working_hours - r.promised_hours                                      AS working_hours_over_promise,
           CASE WHEN r.first_response_at IS NULL THEN 'waiting' ELSE 'in_progress' END AS state,
           EXISTS (SELECT 1 FROM cockpit.market_duty d
                    WHERE d.dept_code = r.dept_code AND d.day = p.as_of_day)           AS is_dept_on_site_today
    FROM requests r
    CROSS JOIN p
    LEFT JOIN timed t ON t.request_id = r.request_id
)

SELECT request_id, item_code, item_name_zh, item_name_en, group_zh, dept_code, channel, zone_code, stall_no,
       merchant_name, merchant_phone, submitted_at, first_response_at, state, promised_hours,
       age_working_hours, working_hours_over_promise, is_dept_on_site_today
FROM final
ORDER BY age_working_hours DESC NULLS LAST, submitted_at, request_id
LIMIT CAST(:limit_rows AS integer)

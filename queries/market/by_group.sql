-- name: market.by_group
-- grain: one row per group of valid clothing-market requests (chosen by :dimension: all | item | item_group | department | channel): counts for :date_from..:date_to (local days), state at :as_of, and working-time speed of the requests submitted in the period
-- params: as_of, date_from, date_to, dimension, dept_code, item_group
-- ttl: 120
-- States at :as_of: waiting (no first response yet), in progress (responded, not resolved), resolved
-- (resolved_at <= :as_of, whatever the outcome). Speed covers the requests submitted in the period:
-- working hours (cockpit.work_calendar, Asia/Shanghai) from submission to first response and to
-- resolution. A request is due when it is resolved or has been open longer than its item's promised
-- working hours; it is within promise when resolved within them.
-- Working time is the contract's cockpit.working_seconds (cockpit.work_clock: days missing from the calendar
-- follow the standard week, as cockpit.worktime does).
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                 AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'    AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'  AS period_end,
           CAST(CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai' AS date)      AS as_of_day
),

requests AS (
    SELECT q.request_id,
           CASE CAST(:dimension AS text)
               WHEN 'item'       THEN q.item_code
               WHEN 'item_group' THEN i.group_zh
               WHEN 'department' THEN q.dept_code
               WHEN 'channel'    THEN coalesce(q.channel, 'unknown')
               ELSE 'all'
           END                                                                         AS group_code,
           i.promised_hours,
           q.submitted_at,
           CASE WHEN q.first_response_at <= p.as_of THEN q.first_response_at END       AS first_response_at,
           CASE WHEN q.resolved_at <= p.as_of THEN q.resolved_at END                   AS resolved_at,
           q.satisfaction,
           q.submitted_at >= p.period_start AND q.submitted_at < p.period_end          AS is_received,
           q.submitted_at >= CAST(p.as_of_day AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS is_today,
           q.resolved_at >= p.period_start AND q.resolved_at < p.period_end
             AND q.resolved_at <= p.as_of                                              AS is_resolved_in_period
    FROM p
    JOIN cockpit.market_request_valid q ON q.submitted_at <= p.as_of
    JOIN cockpit.market_service_item i  ON i.item_code = q.item_code
    WHERE (q.resolved_at IS NULL OR q.resolved_at > p.as_of                      -- open now
           OR q.submitted_at >= p.period_start                                   -- received in the period
           OR q.resolved_at >= p.period_start)                                   -- resolved in the period
      AND (CAST(:dept_code AS text) IS NULL OR q.dept_code = :dept_code)
      AND (CAST(:item_group AS text) IS NULL OR i.group_zh = :item_group)
),

-- the three spans of every request, each in working seconds (no row for an end not reached by :as_of)
spans AS (
    SELECT r.request_id, s.kind, w.seconds
    FROM requests r
    CROSS JOIN p
    CROSS JOIN LATERAL (VALUES ('first', r.first_response_at), ('resolved', r.resolved_at),
                               ('now', p.as_of)) AS s (kind, ends_at)
    CROSS JOIN LATERAL cockpit.working_seconds(r.submitted_at, s.ends_at) AS w
),

timed AS MATERIALIZED (
    SELECT s.request_id,
           max(s.seconds) FILTER (WHERE s.kind = 'first') / 3600.0                     AS first_response_working_hours,
           max(s.seconds) FILTER (WHERE s.kind = 'resolved') / 3600.0                  AS resolution_working_hours,
           max(s.seconds) FILTER (WHERE s.kind = 'now') / 3600.0                       AS age_working_hours
    FROM spans s
    GROUP BY s.request_id
),

-- ---------------------------------------------------------------- per request, then per group
final AS (
    SELECT r.*,
           t.first_response_working_hours,
           t.resolution_working_hours,
           t.age_working_hours,
           r.resolved_at IS NULL                                                       AS is_open,
           r.resolved_at IS NOT NULL
             OR t.age_working_hours > r.promised_hours                                 AS is_due,
           t.resolution_working_hours <= r.promised_hours                              AS is_within_promise
    FROM requests r
    LEFT JOIN timed t ON t.request_id = r.request_id
)

SELECT group_code,
       -- volumes
       count(*) FILTER (WHERE is_received)                                             AS received,
       count(*) FILTER (WHERE is_today)                                                AS received_today,
       count(*) FILTER (WHERE is_resolved_in_period)                                   AS resolved,
       -- state at :as_of
       count(*) FILTER (WHERE is_open)                                                 AS open_now,
       count(*) FILTER (WHERE is_open AND first_response_at IS NULL)                   AS waiting_now,
       count(*) FILTER (WHERE is_open AND first_response_at IS NOT NULL)               AS in_progress_now,
       count(*) FILTER (WHERE is_open AND age_working_hours > promised_hours)          AS overdue_now,
       -- speed of the requests received in the period (working hours)
       count(*) FILTER (WHERE is_received AND first_response_at IS NOT NULL)           AS responded,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_working_hours)
           FILTER (WHERE is_received)                                                  AS median_first_response_working_hours,
       count(*) FILTER (WHERE is_received AND resolved_at IS NOT NULL)                 AS resolved_of_received,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_working_hours)
           FILTER (WHERE is_received)                                                  AS median_resolution_working_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY resolution_working_hours)
           FILTER (WHERE is_received)                                                  AS p90_resolution_working_hours,
       count(*) FILTER (WHERE is_received AND is_due)                                  AS due,
       count(*) FILTER (WHERE is_received AND is_due AND is_within_promise)            AS within_promise,
       -- satisfaction of the requests resolved in the period (1..5)
       count(*) FILTER (WHERE is_resolved_in_period AND satisfaction BETWEEN 1 AND 5)  AS rated,
       coalesce(sum(satisfaction) FILTER (WHERE is_resolved_in_period
                                            AND satisfaction BETWEEN 1 AND 5), 0)      AS satisfaction_points,
       count(*) FILTER (WHERE is_resolved_in_period AND satisfaction >= 4)             AS satisfied
FROM final
GROUP BY group_code
ORDER BY group_code

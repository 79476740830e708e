-- name: cases.stage_durations
-- grain: one row per workflow stage: median and 90th percentile working hours (cockpit.work_calendar) of valid cases reported between :date_from and :date_to whose stage ended by :as_of
-- params: as_of, date_from, date_to, town_code, squadron_code, area, source_code, category_code
-- ttl: 300
-- Working time from an instant t is cum(t) = working seconds of all days before t's local day
-- + working seconds of that day up to t; a stage from a to b takes cum(b) - cum(a). Days missing
-- from the calendar follow the standard week: the clock is cockpit.work_clock.
-- For speed the clock is read as epoch seconds: each local day's working periods become absolute
-- instants, so cum(t) is two clamps of t's epoch, with no time-zone conversion per row (Asia/Shanghai
-- has been UTC+8 without daylight saving since 1991, before the clock's first day). Each case's eight
-- instants are read once, and each stage's percentiles are one aggregate over the cases.
WITH p AS (
    SELECT CAST(:as_of AS timestamptz) AS as_of
),

cases AS (
    SELECT c.reported_at, c.accepted_at, c.registered_at, c.dispatched_at, c.disposed_at,
           c.feedback_at, c.verified_at, c.closed_at
    FROM cockpit.grid_case_valid c
    WHERE c.reported_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
),

-- one row per local day: its number (days since 1970-01-01) and, as epoch seconds, the working
-- seconds before it and its two working periods (empty on days off and for missing periods)
clock AS MATERIALIZED (
    SELECT CAST(w.day - DATE '1970-01-01' AS integer)                                         AS day_no,
           w.seconds_before_day                                                               AS before_s,
           date_part('epoch', CAST(w.day AS timestamp) AT TIME ZONE 'Asia/Shanghai')          AS midnight_s,
           coalesce(date_part('epoch', w.am_start), 0)                                        AS am0,
           coalesce(date_part('epoch', w.am_end), 0)                                          AS am1,
           coalesce(date_part('epoch', w.pm_start), 0)                                        AS pm0,
           coalesce(date_part('epoch', w.pm_end), 0)                                          AS pm1
    FROM cockpit.work_clock w
),

-- every case's instants as epoch seconds and the clock's day row of each
readings AS (
    SELECT c.*, x.*
    FROM cases c
    CROSS JOIN LATERAL (SELECT date_part('epoch', c.reported_at)   AS e1, date_part('epoch', c.accepted_at)   AS e2,
                               date_part('epoch', c.registered_at) AS e3, date_part('epoch', c.dispatched_at) AS e4,
                               date_part('epoch', c.disposed_at)   AS e5, date_part('epoch', c.feedback_at)   AS e6,
                               date_part('epoch', c.verified_at)   AS e7, date_part('epoch', c.closed_at)     AS e8) x
),

cum AS (
    SELECT r.*,
           k1.before_s + greatest(0, least(r.e1 - k1.midnight_s, k1.am1) - k1.am0) + greatest(0, least(r.e1 - k1.midnight_s, k1.pm1) - k1.pm0) AS w1,
           k2.before_s + greatest(0, least(r.e2 - k2.midnight_s, k2.am1) - k2.am0) + greatest(0, least(r.e2 - k2.midnight_s, k2.pm1) - k2.pm0) AS w2,
           k3.before_s + greatest(0, least(r.e3 - k3.midnight_s, k3.am1) - k3.am0) + greatest(0, least(r.e3 - k3.midnight_s, k3.pm1) - k3.pm0) AS w3,
           k4.before_s + greatest(0, least(r.e4 - k4.midnight_s, k4.am1) - k4.am0) + greatest(0, least(r.e4 - k4.midnight_s, k4.pm1) - k4.pm0) AS w4,
           k5.before_s + greatest(0, least(r.e5 - k5.midnight_s, k5.am1) - k5.am0) + greatest(0, least(r.e5 - k5.midnight_s, k5.pm1) - k5.pm0) AS w5,
           k6.before_s + greatest(0, least(r.e6 - k6.midnight_s, k6.am1) - k6.am0) + greatest(0, least(r.e6 - k6.midnight_s, k6.pm1) - k6.pm0) AS w6,
           k7.before_s + greatest(0, least(r.e7 - k7.midnight_s, k7.am1) - k7.am0) + greatest(0, least(r.e7 - k7.midnight_s, k7.pm1) - k7.pm0) AS w7,
           k8.before_s + greatest(0, least(r.e8 - k8.midnight_s, k8.am1) - k8.am0) + greatest(0, least(r.e8 - k8.midnight_s, k8.pm1) - k8.pm0) AS w8
    FROM readings r
    LEFT JOIN clock k1 ON k1.day_no = CAST(floor((r.e1 + 28800) / 86400) AS integer)
    LEFT JOIN clock k2 ON k2.day_no = CAST(floor((r.e2 + 28800) / 86400) AS integer)
    LEFT JOIN clock k3 ON k3.day_no = CAST(floor((r.e3 + 28800) / 86400) AS integer)
    LEFT JOIN clock k4 ON k4.day_no = CAST(floor((r.e4 + 28800) / 86400) AS integer)
    LEFT JOIN clock k5 ON k5.day_no = CAST(floor((r.e5 + 28800) / 86400) AS integer)
    LEFT JOIN clock k6 ON k6.day_no = CAST(floor((r.e6 + 28800) / 86400) AS integer)
    LEFT JOIN clock k7 ON k7.day_no = CAST(floor((r.e7 + 28800) / 86400) AS integer)
    LEFT JOIN clock k8 ON k8.day_no = CAST(floor((r.e8 + 28800) / 86400) AS integer)
),

-- a stage counts when both its instants are known, it ended by :as_of and did not end before it began
stages AS (
    SELECT CASE WHEN c.accepted_at   <= p.as_of AND c.accepted_at   >= c.reported_at   THEN c.w2 - c.w1 END AS accept,
           CASE WHEN c.registered_at <= p.as_of AND c.registered_at >= c.accepted_at   THEN c.w3 - c.w2 END AS register,
           CASE WHEN c.dispatched_at <= p.as_of AND c.dispatched_at >= c.registered_at THEN c.w4 - c.w3 END AS dispatch,
           CASE WHEN c.disposed_at   <= p.as_of AND c.disposed_at   >= c.dispatched_at THEN c.w5 - c.w4 END AS dispose,
           CASE WHEN c.feedback_at   <= p.as_of AND c.feedback_at   >= c.disposed_at   THEN c.w6 - c.w5 END AS feedback,
           CASE WHEN c.verified_at   <= p.as_of AND c.verified_at   >= c.feedback_at   THEN c.w7 - c.w6 END AS verify,
           CASE WHEN c.closed_at     <= p.as_of AND c.closed_at     >= c.verified_at   THEN c.w8 - c.w7 END AS close,
           CASE WHEN c.closed_at     <= p.as_of AND c.closed_at     >= c.reported_at   THEN c.w8 - c.w1 END AS total
    FROM cum c
    CROSS JOIN p
),

agg AS (
    SELECT count(accept)   AS n1, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY accept)   AS q1,
           count(register) AS n2, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY register) AS q2,
           count(dispatch) AS n3, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY dispatch) AS q3,
           count(dispose)  AS n4, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY dispose)  AS q4,
           count(feedback) AS n5, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY feedback) AS q5,
           count(verify)   AS n6, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY verify)   AS q6,
           count(close)    AS n7, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY close)    AS q7,
           count(total)    AS n8, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY total)    AS q8
    FROM stages
)

SELECT s.stage_code,
       s.stage_order,
       s.cases,
       s.q[1] / 3600.0 AS median_working_hours,
       s.q[2] / 3600.0 AS p90_working_hours
FROM agg a
CROSS JOIN LATERAL (VALUES
    ('accept',   1, a.n1, a.q1),
    ('register', 2, a.n2, a.q2),
    ('dispatch', 3, a.n3, a.q3),
    ('dispose',  4, a.n4, a.q4),
    ('feedback', 5, a.n5, a.q5),
    ('verify',   6, a.n6, a.q6),
    ('close',    7, a.n7, a.q7),
    ('total',    8, a.n8, a.q8)
) AS s (stage_code, stage_order, cases, q)
WHERE s.cases > 0
ORDER BY s.stage_order

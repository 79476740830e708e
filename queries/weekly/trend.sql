-- name: weekly.trend
-- grain: one row per ISO week, the :weeks weeks ending with the week that starts on Monday :week_start (local days Monday–Sunday, Asia/Shanghai), newest last; every week judged at its own end (the next Monday 00:00 local, never later than :as_of), as the weekly report judges it: the counts behind the meeting's headline figures (cases as weekly.case_kpis for the city, waste tonnes as waste.tonnes_by_town, recycled tonnes as waste.recycling_rate, collection rounds as waste.compliance_by_town, parking as overview.parking_summary, drones as weekly.drone_summary, market as market.by_group). The rates are computed by cockpit.kpi from these counts
-- params: as_of, week_start, weeks, escalate_hours, escalate_reworks, morning_start, noon_cutoff, evening_start, night_cutoff
-- ttl: 600
-- timeout: 30000
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                AS as_of,
           CAST(:week_start AS date)                                  AS last_start,
           CAST(:weeks AS integer)                                    AS weeks,
           make_interval(hours => CAST(:escalate_hours AS integer))   AS escalate_after,
           CAST(:escalate_reworks AS integer)                         AS escalate_reworks
),

weeks AS (
    SELECT s.week_start,
           CAST(s.week_start AS timestamp) AT TIME ZONE 'Asia/Shanghai'                     AS start_at,
           CAST(s.week_start + 7 AS timestamp) AT TIME ZONE 'Asia/Shanghai'                 AS end_at,
           least(CAST(s.week_start + 7 AS timestamp) AT TIME ZONE 'Asia/Shanghai', p.as_of) AS judged_at
    FROM params p
    CROSS JOIN LATERAL generate_series(0, p.weeks - 1) AS g (i)
    CROSS JOIN LATERAL (SELECT p.last_start - 7 * g.i AS week_start) s
),

-- cases: cockpit.grid_case_at at each week's end (the contract's one definition of the KPI flags)
cases AS (
    SELECT w.week_start, k.*
    FROM weeks w
    CROSS JOIN params p
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x.is_received)                         AS received,
               count(*) FILTER (WHERE x.is_received AND x.due_close)         AS due_close,
               count(*) FILTER (WHERE x.is_received AND x.closed)            AS closed,
               count(*) FILTER (WHERE x.is_received AND x.closed_on_time)    AS closed_on_time,
               count(*) FILTER (WHERE x.is_received AND x.auto_closed)       AS auto_closed,
               count(*) FILTER (WHERE x.is_received AND x.due_dispose)       AS due_dispose,
               count(*) FILTER (WHERE x.is_received AND x.disposed)          AS disposed,
               count(*) FILTER (WHERE x.is_received AND x.disposed_on_time)  AS disposed_on_time,
               count(*) FILTER (WHERE x.is_received AND x.reworked)          AS reworked,
               count(*) FILTER (WHERE x.closed_in_week)                      AS closed_in_week,
               count(*) FILTER (WHERE x.overdue)                             AS overdue_open,
               count(*) FILTER (WHERE x.overdue AND x.is_escalation_grade)   AS escalated
        FROM (
            SELECT c.reported_at >= w.start_at AND c.reported_at < w.end_at
                       AND c.reported_at <= w.judged_at                                 AS is_received,
                   c.due_close, c.closed, c.closed_on_time, c.auto_closed,
                   c.due_dispose, c.disposed, c.disposed_on_time, c.reworked,
                   c.closed_at >= w.start_at AND c.closed_at < w.end_at
                       AND c.closed_at <= w.judged_at                                   AS closed_in_week,
                   c.overdue,
                   c.close_deadline_at < w.judged_at - p.escalate_after
                       OR c.rework_count >= p.escalate_reworks                          AS is_escalation_grade
            FROM cockpit.grid_case_at(w.judged_at) c
            WHERE (c.reported_at >= w.start_at AND c.reported_at < w.end_at)
               OR (c.closed_at >= w.start_at AND c.closed_at < w.end_at)
               -- overdue and open at the week's end, as two arms so that each has an index: still open
               -- (the open cases' partial index) or closed after the week's end (closed_at)
               OR (c.closed_at IS NULL AND c.close_deadline_at < w.judged_at)
               OR (c.closed_at > w.judged_at AND c.close_deadline_at < w.judged_at)
        ) x
    ) k
),

-- waste: collect weighings at the towns' drop-off stations, and the recycled share of all of them
waste AS (
    SELECT w.week_start, g.*
    FROM weeks w
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(x.net_tonnes) FILTER (WHERE t.town_code IS NOT NULL), 0)               AS waste_tonnes,
               coalesce(sum(x.net_tonnes), 0)                                                      AS collected_tonnes,
               coalesce(sum(x.net_tonnes) FILTER (WHERE x.category_code IN ('recyclable', 'perishable')), 0)
                                                                                                   AS recycled_tonnes
        FROM cockpit.waste_weighing_valid x
        LEFT JOIN cockpit.town t ON t.town_code = x.town_code
        WHERE x.stage = 'collect'
          AND x.weighed_at >= w.start_at
          AND x.weighed_at <  w.end_at
          AND x.weighed_at <= w.judged_at
    ) g
),

-- the collection rule (不过午、不过夜): cockpit.collection_rounds judged at each week's end
rounds AS (
    SELECT w.week_start, r.*
    FROM weeks w
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE w.judged_at > j.noon_cutoff_at)
                 + count(*) FILTER (WHERE w.judged_at > j.night_cutoff_at)                          AS rounds_decided,
               count(*) FILTER (WHERE w.judged_at > j.noon_cutoff_at AND j.morning_state = 'on_time')
                 + count(*) FILTER (WHERE w.judged_at > j.night_cutoff_at AND j.evening_state = 'on_time') AS rounds_on_time
        FROM cockpit.collection_rounds(w.judged_at, w.week_start, w.week_start + 6, CAST(NULL AS text),
                                       CAST(:morning_start AS time), CAST(:noon_cutoff AS time),
                                       CAST(:evening_start AS time), CAST(:night_cutoff AS time)) j
    ) r
),

parking AS (
    SELECT w.week_start,
           count(v.observed_at)                                                              AS violations,
           count(v.observed_at) FILTER (WHERE v.reminder_at IS NOT NULL)                       AS reminded,
           count(v.observed_at) FILTER (WHERE v.reminder_at IS NOT NULL AND v.left_within_10min) AS left_within_10min
    FROM weeks w
    LEFT JOIN cockpit.parking_violation_valid v
      ON v.observed_at >= w.start_at
     AND v.observed_at <  w.end_at
     AND v.observed_at <= w.judged_at
    GROUP BY w.week_start
),

-- drones: sorties that took off in the week, and the detections made on them by the week's end
drones AS (
    SELECT w.week_start,
           count(DISTINCT f.flight_id)                                                 AS sorties,
           count(d.flight_id)                                                                  AS detections,
           count(d.flight_id) FILTER (WHERE d.case_id IS NOT NULL)                             AS detections_to_cases
    FROM weeks w
    LEFT JOIN cockpit.drone_flight_valid f
      ON f.started_at >= w.start_at
     AND f.started_at <  w.end_at
     AND f.started_at <= w.judged_at
    LEFT JOIN cockpit.drone_detection d
      ON d.flight_id = f.flight_id
     AND d.detected_at <= w.judged_at
    GROUP BY w.week_start
),

market AS (
    SELECT w.week_start,
           count(*) FILTER (WHERE q.submitted_at >= w.start_at AND q.submitted_at < w.end_at)          AS market_received,
           count(*) FILTER (WHERE q.resolved_at >= w.start_at AND q.resolved_at < w.end_at
                              AND q.resolved_at <= w.judged_at)                                        AS market_resolved,
           count(*) FILTER (WHERE q.resolved_at IS NULL OR q.resolved_at > w.judged_at)                AS market_open
    FROM weeks w
    JOIN cockpit.market_request_valid q ON q.submitted_at <= w.judged_at
    JOIN cockpit.market_service_item i  ON i.item_code = q.item_code
    GROUP BY w.week_start
)

SELECT w.week_start,
       w.judged_at,
       c.received, c.due_close, c.closed, c.closed_on_time, c.auto_closed, c.due_dispose, c.disposed,
       c.disposed_on_time, c.reworked, c.closed_in_week, c.overdue_open, c.escalated,
       ws.waste_tonnes, ws.collected_tonnes, ws.recycled_tonnes,
       r.rounds_decided, r.rounds_on_time,
       pk.violations, pk.reminded, pk.left_within_10min,
       d.sorties, d.detections, d.detections_to_cases,
       coalesce(m.market_received, 0) AS market_received,
       coalesce(m.market_resolved, 0) AS market_resolved,
       coalesce(m.market_open, 0)     AS market_open
FROM weeks w
JOIN cases c     ON c.week_start = w.week_start
JOIN waste ws    ON ws.week_start = w.week_start
JOIN rounds r    ON r.week_start = w.week_start
JOIN parking pk  ON pk.week_start = w.week_start
JOIN drones d    ON d.week_start = w.week_start
LEFT JOIN market m ON m.week_start = w.week_start
ORDER BY w.week_start

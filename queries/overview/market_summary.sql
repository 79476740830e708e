-- name: overview.market_summary
-- grain: one row: valid clothing-market requests open at :as_of, received and resolved in :date_from..:date_to (local days)
-- params: as_of, date_from, date_to
-- ttl: 120
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'      AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'  AS period_end
)

SELECT count(*) FILTER (WHERE q.resolved_at IS NULL OR q.resolved_at > p.as_of)                 AS open_requests,
       count(*) FILTER (WHERE q.submitted_at >= p.period_start AND q.submitted_at < p.period_end) AS received_period,
       count(*) FILTER (WHERE q.resolved_at >= p.period_start AND q.resolved_at < p.period_end
                          AND q.resolved_at <= p.as_of)                                         AS resolved_period,
       avg(q.satisfaction) FILTER (WHERE q.resolved_at >= p.period_start AND q.resolved_at < p.period_end
                                     AND q.resolved_at <= p.as_of)                              AS satisfaction_avg
FROM p
JOIN cockpit.market_request_valid q
  ON q.submitted_at <= p.as_of

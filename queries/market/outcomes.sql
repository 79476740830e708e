-- name: market.outcomes
-- grain: one row per outcome (resolved | referred | rejected | withdrawn, or as recorded): valid clothing-market requests resolved between :date_from and :date_to (local days) by :as_of, with their satisfaction ratings (1..5)
-- params: as_of, date_from, date_to, dept_code, item_group
-- ttl: 120
SELECT coalesce(q.outcome, 'unknown')                                            AS outcome,
       count(*)                                                                  AS requests,
       count(*) FILTER (WHERE q.satisfaction BETWEEN 1 AND 5)                    AS rated,
       avg(q.satisfaction) FILTER (WHERE q.satisfaction BETWEEN 1 AND 5)         AS satisfaction_avg
FROM cockpit.market_request_valid q
JOIN cockpit.market_service_item i ON i.item_code = q.item_code
WHERE q.resolved_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND q.resolved_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND q.resolved_at <= CAST(:as_of AS timestamptz)
  AND (CAST(:dept_code AS text) IS NULL OR q.dept_code = :dept_code)
  AND (CAST(:item_group AS text) IS NULL OR i.group_zh = :item_group)
GROUP BY 1
ORDER BY CASE coalesce(q.outcome, 'unknown') WHEN 'resolved' THEN 1 WHEN 'referred' THEN 2
                                             WHEN 'rejected' THEN 3 WHEN 'withdrawn' THEN 4 ELSE 5 END, 1

-- name: market.satisfaction
-- grain: one row per satisfaction score 1..5: valid clothing-market requests resolved between :date_from and :date_to (local days) by :as_of with that rating
-- params: as_of, date_from, date_to, dept_code, item_group
-- ttl: 120
WITH rated AS (
    SELECT q.satisfaction
    FROM cockpit.market_request_valid q
    JOIN cockpit.market_service_item i ON i.item_code = q.item_code
    WHERE q.resolved_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND q.resolved_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND q.resolved_at <= CAST(:as_of AS timestamptz)
      AND q.satisfaction BETWEEN 1 AND 5
      AND (CAST(:dept_code AS text) IS NULL OR q.dept_code = :dept_code)
      AND (CAST(:item_group AS text) IS NULL OR i.group_zh = :item_group)
)

SELECT s.score,
       count(r.satisfaction) AS requests
FROM generate_series(1, 5) AS s (score)
LEFT JOIN rated r ON r.satisfaction = s.score
GROUP BY s.score
ORDER BY s.score

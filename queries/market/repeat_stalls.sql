-- name: market.repeat_stalls
-- grain: one row per stall with at least :min_requests valid clothing-market requests submitted between :date_from and :date_to (local days) by :as_of: how many, on how many items, first and last, open now; most requests first, at most :limit_rows
-- params: as_of, date_from, date_to, dept_code, item_group, min_requests, limit_rows
-- ttl: 120
SELECT q.stall_no,
       min(q.zone_code)                                                          AS zone_code,
       count(*)                                                                  AS requests,
       count(DISTINCT q.item_code)                                               AS items,
       string_agg(DISTINCT q.item_code, ',' ORDER BY q.item_code)                AS item_codes,
       min(q.submitted_at)                                                       AS first_at,
       max(q.submitted_at)                                                       AS last_at,
       count(*) FILTER (WHERE q.resolved_at IS NULL
                           OR q.resolved_at > CAST(:as_of AS timestamptz))       AS open_now
FROM cockpit.market_request_valid q
JOIN cockpit.market_service_item i ON i.item_code = q.item_code
WHERE q.submitted_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND q.submitted_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND q.submitted_at <= CAST(:as_of AS timestamptz)
  AND q.stall_no IS NOT NULL
  AND (CAST(:dept_code AS text) IS NULL OR q.dept_code = :dept_code)
  AND (CAST(:item_group AS text) IS NULL OR i.group_zh = :item_group)
GROUP BY q.stall_no
HAVING count(*) >= CAST(:min_requests AS integer)
ORDER BY count(*) DESC, max(q.submitted_at) DESC, q.stall_no
LIMIT CAST(:limit_rows AS integer)

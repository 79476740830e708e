-- name: market.repeat_share
-- grain: one row: stalls with valid clothing-market requests submitted between :date_from and :date_to (local days) by :as_of, those with two or more (repeat), and the requests from each kind
-- params: as_of, date_from, date_to, dept_code, item_group
-- ttl: 120
WITH stalls AS (
    SELECT q.stall_no,
           count(*) AS requests
    FROM cockpit.market_request_valid q
    JOIN cockpit.market_service_item i ON i.item_code = q.item_code
    WHERE q.submitted_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND q.submitted_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND q.submitted_at <= CAST(:as_of AS timestamptz)
      AND q.stall_no IS NOT NULL
      AND (CAST(:dept_code AS text) IS NULL OR q.dept_code = :dept_code)
      AND (CAST(:item_group AS text) IS NULL OR i.group_zh = :item_group)
    GROUP BY q.stall_no
)

SELECT count(*)                                                   AS stalls,
       count(*) FILTER (WHERE requests >= 2)                      AS repeat_stalls,
       coalesce(sum(requests), 0)                                 AS requests,
       coalesce(sum(requests) FILTER (WHERE requests >= 2), 0)    AS requests_from_repeat_stalls
FROM stalls

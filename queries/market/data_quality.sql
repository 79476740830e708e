-- name: market.data_quality
-- grain: one row per issue code: clothing-market requests left out of every figure (unknown item or department, bad times), as cockpit.market_request_checked flags them
-- params: none
-- ttl: 300
SELECT q.issue_code,
       count(*) AS requests
FROM cockpit.market_request_checked q
WHERE q.issue_code IS NOT NULL
GROUP BY q.issue_code
ORDER BY q.issue_code

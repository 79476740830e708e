-- name: common.data_quality
-- grain: one row per relation and issue: rows left out of every figure, and why
-- params: none
-- ttl: 600
SELECT relation_name,
       issue_code,
       row_count
FROM cockpit.data_quality
ORDER BY relation_name, issue_code

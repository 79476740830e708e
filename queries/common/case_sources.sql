-- name: common.case_sources
-- grain: one row per case source
-- params: none
-- ttl: 3600
SELECT source_code,
       name_zh,
       name_en
FROM cockpit.case_source
ORDER BY source_code

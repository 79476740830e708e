-- name: common.case_categories
-- grain: one row per case category (小类)
-- params: none
-- ttl: 3600
SELECT category_code,
       kind,
       major_code,
       minor_code,
       major_name_zh,
       minor_name_zh,
       minor_name_en,
       dispose_limit_hours,
       is_video_ai
FROM cockpit.case_category
ORDER BY category_code

-- name: cases.by_category
-- grain: one row per category (小类) and source with valid cases reported between :date_from and :date_to (local days) up to :as_of
-- params: as_of, date_from, date_to, town_code, squadron_code, area, source_code, category_code
-- ttl: 120
SELECT c.category_code,
       k.kind,
       k.major_code,
       k.major_name_zh,
       k.minor_name_zh,
       k.minor_name_en,
       k.is_video_ai,
       c.source_code,
       count(*)                                                  AS received,
       count(*) FILTER (WHERE c.closed_at <= CAST(:as_of AS timestamptz)) AS closed
FROM cockpit.grid_case_valid c
JOIN cockpit.case_category k ON k.category_code = c.category_code
WHERE c.reported_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND c.reported_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
  AND c.reported_at <= CAST(:as_of AS timestamptz)
  AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
  AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
  AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
  AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
  AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
GROUP BY c.category_code, k.kind, k.major_code, k.major_name_zh, k.minor_name_zh, k.minor_name_en,
         k.is_video_ai, c.source_code
ORDER BY received DESC, c.category_code, c.source_code

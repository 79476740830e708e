-- name: wall.case_sources_today
-- grain: one row per case source with valid cases reported on the local day (Asia/Shanghai) of :as_of up to :as_of (of :town_code, or all): how many, most first
-- params: as_of, town_code
-- ttl: 60
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                                   AS as_of,
           date_trunc('day', CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS day_start
)
SELECT c.source_code, s.name_zh, s.name_en, count(*) AS cases
FROM p
JOIN cockpit.grid_case_valid c ON c.reported_at >= p.day_start AND c.reported_at <= p.as_of
LEFT JOIN cockpit.case_source s ON s.source_code = c.source_code
WHERE CAST(:town_code AS text) IS NULL OR c.town_code = :town_code
GROUP BY c.source_code, s.name_zh, s.name_en
ORDER BY cases DESC, c.source_code

-- name: cases.trend
-- grain: one row per local day between :date_from and :date_to (every day, also without cases) and source: valid cases received that day up to :as_of
-- params: as_of, date_from, date_to, town_code, squadron_code, area, source_code, category_code
-- ttl: 120
WITH days AS (
    SELECT CAST(d AS date) AS day
    FROM generate_series(CAST(:date_from AS date), CAST(:date_to AS date), interval '1 day') AS d
),

sources AS (
    SELECT s.source_code FROM cockpit.case_source s
    WHERE CAST(:source_code AS text) IS NULL OR s.source_code = :source_code
),

received AS (
    SELECT CAST(c.reported_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day,
           c.source_code,
           count(*)                                                   AS received
    FROM cockpit.grid_case_valid c
    WHERE c.reported_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
    GROUP BY 1, 2
)

SELECT d.day,
       s.source_code,
       coalesce(r.received, 0) AS received
FROM days d
CROSS JOIN sources s
LEFT JOIN received r ON r.day = d.day AND r.source_code = s.source_code
ORDER BY d.day, s.source_code

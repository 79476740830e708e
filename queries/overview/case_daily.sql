-- name: overview.case_daily
-- grain: one row per local day between :date_from and :date_to: valid cases received and closed that day
-- params: as_of, date_from, date_to, town_code, squadron_code
-- ttl: 120
WITH days AS (
    SELECT CAST(d AS date) AS day
    FROM generate_series(CAST(:date_from AS date), CAST(:date_to AS date), interval '1 day') AS d
),

received AS (
    SELECT CAST(c.reported_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day,
           count(*)                                                   AS received
    FROM cockpit.grid_case_valid c
    WHERE c.reported_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
    GROUP BY 1
),

closed AS (
    SELECT CAST(c.closed_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day,
           count(*)                                                 AS closed
    FROM cockpit.grid_case_valid c
    WHERE c.closed_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.closed_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.closed_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
    GROUP BY 1
)

SELECT d.day,
       coalesce(r.received, 0) AS received,
       coalesce(x.closed, 0)   AS closed
FROM days d
LEFT JOIN received r ON r.day = d.day
LEFT JOIN closed x   ON x.day = d.day
ORDER BY d.day

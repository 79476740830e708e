-- name: cases.source_outcome
-- grain: one row per source and outcome: valid cases reported between :date_from and :date_to (local days), judged at :as_of. outcome: closed_on_time | closed_late | open | open_overdue | rejected | deferred; auto_closed counts the closed ones closed by automatic routing
-- params: as_of, date_from, date_to, town_code, squadron_code, area, source_code, category_code
-- ttl: 120
WITH cases AS (
    SELECT c.source_code,
           CASE
               WHEN c.is_rejected                                                  THEN 'rejected'
               WHEN c.is_deferred                                                  THEN 'deferred'
               WHEN c.closed_at <= CAST(:as_of AS timestamptz)
                    AND (c.close_deadline_at IS NULL OR c.closed_at <= c.close_deadline_at) THEN 'closed_on_time'
               WHEN c.closed_at <= CAST(:as_of AS timestamptz)                     THEN 'closed_late'
               WHEN c.close_deadline_at < CAST(:as_of AS timestamptz)              THEN 'open_overdue'
               ELSE 'open'
           END                                                                     AS outcome,
           c.is_auto_closed AND c.closed_at <= CAST(:as_of AS timestamptz)         AS auto_closed
    FROM cockpit.grid_case_valid c
    WHERE c.reported_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND c.reported_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
)

SELECT source_code,
       outcome,
       count(*)                              AS cases,
       count(*) FILTER (WHERE auto_closed)   AS auto_closed
FROM cases
GROUP BY source_code, outcome
ORDER BY source_code, outcome

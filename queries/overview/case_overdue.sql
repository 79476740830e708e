-- name: overview.case_overdue
-- grain: one row: valid cases still open at :as_of whose closing deadline has passed (any report date), and those due within 24 hours
-- params: as_of, town_code, squadron_code
-- ttl: 60
WITH open_cases AS (
    SELECT c.close_deadline_at,
           c.overdue,
           CAST(:as_of AS timestamptz) AS as_of
    FROM cockpit.grid_case_at(CAST(:as_of AS timestamptz)) c
    WHERE c.is_open
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
)

SELECT count(*)                                                              AS open_cases,
       count(*) FILTER (WHERE overdue)                                       AS overdue_open,
       count(*) FILTER (WHERE close_deadline_at >= as_of
                          AND close_deadline_at < as_of + interval '24 hours') AS due_within_24h
FROM open_cases

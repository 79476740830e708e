-- name: cases.source_outcome
-- grain: one row per source and outcome: valid cases reported between :date_from and :date_to (local days), judged at :as_of. outcome: closed_on_time | closed_late | closed_unregistered | open | open_overdue | rejected | deferred; auto_closed counts the closed ones closed by automatic routing
-- params: as_of, date_from, date_to, town_code, squadron_code, area, source_code, category_code
-- ttl: 120
-- The outcomes are cockpit.grid_case_at's flags (the contract's one definition), so the flow adds up to the
-- KPI cards of the same filters: closed_on_time + closed_late = the cards' closed (结案率's numerator),
-- closed_on_time = 按期结案率's numerator, auto_closed = 自动流转结案率's numerator. closed_late is every
-- closed case that is not on time (also one without a closing deadline); a case closed without ever being
-- registered (立案) is closed_unregistered, in no KPI.
WITH cases AS (
    SELECT c.source_code,
           CASE
               WHEN c.is_rejected                 THEN 'rejected'
               WHEN c.is_deferred                 THEN 'deferred'
               WHEN c.closed_on_time              THEN 'closed_on_time'
               WHEN c.closed                      THEN 'closed_late'
               WHEN c.is_closed                   THEN 'closed_unregistered'
               WHEN c.overdue                     THEN 'open_overdue'
               ELSE 'open'
           END                                    AS outcome,
           c.auto_closed
    FROM cockpit.grid_case_at(CAST(:as_of AS timestamptz)) c
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

-- name: cases.stage_now
-- grain: one row per workflow stage: valid open cases whose latest completed stage at :as_of is that stage (any report date)
-- params: as_of, town_code, squadron_code, area, source_code, category_code
-- ttl: 60
WITH open_cases AS (
    SELECT CASE
               WHEN c.verified_at   <= CAST(:as_of AS timestamptz) THEN 'verified'
               WHEN c.feedback_at   <= CAST(:as_of AS timestamptz) THEN 'feedback'
               WHEN c.disposed_at   <= CAST(:as_of AS timestamptz) THEN 'disposed'
               WHEN c.dispatched_at <= CAST(:as_of AS timestamptz) THEN 'dispatched'
               WHEN c.registered_at <= CAST(:as_of AS timestamptz) THEN 'registered'
               WHEN c.accepted_at   <= CAST(:as_of AS timestamptz) THEN 'accepted'
               ELSE 'reported'
           END                                                        AS stage_code,
           c.close_deadline_at < CAST(:as_of AS timestamptz)          AS is_overdue
    FROM cockpit.grid_case_valid c
    WHERE c.reported_at <= CAST(:as_of AS timestamptz)
      AND (c.closed_at IS NULL OR c.closed_at > CAST(:as_of AS timestamptz))
      AND NOT c.is_rejected
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
)

SELECT s.stage_code,
       s.stage_order,
       count(o.stage_code)                          AS open_cases,
       count(o.stage_code) FILTER (WHERE o.is_overdue) AS overdue_cases
FROM (VALUES ('reported', 1), ('accepted', 2), ('registered', 3), ('dispatched', 4),
             ('disposed', 5), ('feedback', 6), ('verified', 7)) AS s (stage_code, stage_order)
LEFT JOIN open_cases o ON o.stage_code = s.stage_code
GROUP BY s.stage_code, s.stage_order
ORDER BY s.stage_order

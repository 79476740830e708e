-- name: cases.stage_now
-- grain: one row per workflow stage: valid cases not closed at :as_of (any report date) whose latest completed stage at :as_of is that stage: open ones (open_cases, of them overdue_cases) and deferred ones (deferred_cases)
-- params: as_of, town_code, squadron_code, area, source_code, category_code
-- ttl: 60
-- open_cases and overdue_cases are cockpit.grid_case_at's is_open and overdue (the contract's one
-- definition, as the overview's 超期未结案数): a deferred (缓办) case is neither open nor overdue; it is
-- its own state, deferred_cases (not closed, not rejected, deferred). Rejected cases are in no column.
WITH not_closed AS (
    SELECT CASE
               WHEN c.verified_at   <= CAST(:as_of AS timestamptz) THEN 'verified'
               WHEN c.feedback_at   <= CAST(:as_of AS timestamptz) THEN 'feedback'
               WHEN c.disposed_at   <= CAST(:as_of AS timestamptz) THEN 'disposed'
               WHEN c.dispatched_at <= CAST(:as_of AS timestamptz) THEN 'dispatched'
               WHEN c.registered_at <= CAST(:as_of AS timestamptz) THEN 'registered'
               WHEN c.accepted_at   <= CAST(:as_of AS timestamptz) THEN 'accepted'
               ELSE 'reported'
           END                                                        AS stage_code,
           c.is_open,
           c.overdue,
           c.is_deferred
    FROM cockpit.grid_case_at(CAST(:as_of AS timestamptz)) c
    WHERE c.reported_at <= CAST(:as_of AS timestamptz)
      AND NOT c.is_closed
      AND NOT c.is_rejected
      AND (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
      AND (CAST(:area AS text) IS NULL OR starts_with(c.grid_code, CAST(:area AS text)))
      AND (CAST(:source_code AS text) IS NULL OR c.source_code = :source_code)
      AND (CAST(:category_code AS text) IS NULL OR c.category_code = :category_code)
)

SELECT s.stage_code,
       s.stage_order,
       count(o.stage_code) FILTER (WHERE o.is_open)     AS open_cases,
       count(o.stage_code) FILTER (WHERE o.overdue)     AS overdue_cases,
       count(o.stage_code) FILTER (WHERE o.is_deferred) AS deferred_cases
FROM (VALUES ('reported', 1), ('accepted', 2), ('registered', 3), ('dispatched', 4),
             ('disposed', 5), ('feedback', 6), ('verified', 7)) AS s (stage_code, stage_order)
LEFT JOIN not_closed o ON o.stage_code = s.stage_code
GROUP BY s.stage_code, s.stage_order
ORDER BY s.stage_order

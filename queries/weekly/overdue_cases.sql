-- name: weekly.overdue_cases
-- grain: one row per valid case still open at :as_of (the end of the week) past its closing deadline (not rejected, not deferred; any report date), escalated ones first, then the most late; at most :limit_rows rows. Escalated: more than :escalate_hours hours late, or reworked :escalate_reworks times or more. The holder is the handling department and the responsible squadron (bodies, never persons); no description or location text
-- params: as_of, escalate_hours, escalate_reworks, limit_rows
-- ttl: 600
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                AS as_of,
           make_interval(hours => CAST(:escalate_hours AS integer))   AS escalate_after,
           CAST(:escalate_reworks AS integer)                         AS escalate_reworks
),

overdue AS (
    SELECT c.case_id,
           c.category_code,
           c.town_code,
           c.grid_code,
           c.handler_dept_code,
           c.squadron_code,
           c.reported_at,
           c.close_deadline_at,
           c.rework_count,
           extract(epoch FROM p.as_of - c.close_deadline_at) / 3600.0               AS hours_late,
           c.close_deadline_at < p.as_of - p.escalate_after
               OR c.rework_count >= p.escalate_reworks                              AS is_escalated
    FROM params p
    JOIN cockpit.grid_case_at(p.as_of) c
      ON c.overdue
)

SELECT o.case_id,
       o.category_code,
       k.minor_name_zh                            AS category_name_zh,
       k.minor_name_en                            AS category_name_en,
       o.town_code,
       t.name_zh                                  AS town_name_zh,
       t.name_en                                  AS town_name_en,
       o.grid_code,
       o.handler_dept_code,
       d.name_zh                                  AS holder_name_zh,
       d.name_en                                  AS holder_name_en,
       o.squadron_code,
       s.name_zh                                  AS squadron_name_zh,
       s.name_en                                  AS squadron_name_en,
       o.reported_at,
       o.close_deadline_at,
       o.hours_late,
       o.rework_count,
       o.is_escalated
FROM overdue o
LEFT JOIN cockpit.case_category k ON k.category_code = o.category_code
LEFT JOIN cockpit.town t          ON t.town_code = o.town_code
LEFT JOIN cockpit.department d    ON d.dept_code = o.handler_dept_code
LEFT JOIN cockpit.squadron s      ON s.squadron_code = o.squadron_code
ORDER BY o.is_escalated DESC, o.close_deadline_at, o.case_id
LIMIT CAST(:limit_rows AS integer)

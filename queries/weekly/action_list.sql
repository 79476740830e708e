-- name: weekly.action_list
-- grain: one row per valid case on the command centre's escalation list (升级督办: open at the end of a week past its closing deadline, not rejected, not deferred, and more than :escalate_hours hours late or reworked :escalate_reworks times or more) at :as_of (this week's end) or at :prev_as_of (last week's end): state 'carried' (on last week's list and still on it), 'new' (on the list at :as_of only) or 'cleared' (on last week's list, no longer open at :as_of: closed, rejected or deferred); the holder is the handling department and the responsible squadron (bodies, never persons; no description or location text). Sorted by holder, then the most late first
-- params: as_of, prev_as_of, escalate_hours, escalate_reworks
-- ttl: 600
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                AS as_of,
           CAST(:prev_as_of AS timestamptz)                           AS prev_as_of,
           make_interval(hours => CAST(:escalate_hours AS integer))   AS escalate_after,
           CAST(:escalate_reworks AS integer)                         AS escalate_reworks
),

now_list AS (
    SELECT c.case_id
    FROM params p
    JOIN cockpit.grid_case_at(p.as_of) c
      ON c.overdue
     AND (c.close_deadline_at < p.as_of - p.escalate_after OR c.rework_count >= p.escalate_reworks)
),

prev_list AS (
    SELECT c.case_id
    FROM params p
    JOIN cockpit.grid_case_at(p.prev_as_of) c
      ON c.overdue
     AND (c.close_deadline_at < p.prev_as_of - p.escalate_after OR c.rework_count >= p.escalate_reworks)
),

listed AS (
    SELECT coalesce(n.case_id, l.case_id)                                        AS case_id,
           CASE WHEN n.case_id IS NOT NULL AND l.case_id IS NOT NULL THEN 'carried'
                WHEN n.case_id IS NOT NULL                           THEN 'new'
                ELSE 'cleared'
           END                                                                   AS state
    FROM now_list n
    FULL JOIN prev_list l ON l.case_id = n.case_id
)

SELECT c.case_id,
       s.state,
       c.category_code,
       k.minor_name_zh                                                          AS category_name_zh,
       k.minor_name_en                                                          AS category_name_en,
       c.town_code,
       t.name_zh                                                                AS town_name_zh,
       t.name_en                                                                AS town_name_en,
       c.grid_code,
       c.handler_dept_code,
       d.name_zh                                                                AS holder_name_zh,
       d.name_en                                                                AS holder_name_en,
       c.squadron_code,
       q.name_zh                                                                AS squadron_name_zh,
       q.name_en                                                                AS squadron_name_en,
       c.reported_at,
       c.close_deadline_at,
       CASE WHEN c.closed_at <= p.as_of THEN c.closed_at END                    AS closed_at,
       c.rework_count,
       -- late at :as_of (open), or when it was closed (cleared by closing); seconds
       extract(epoch FROM CASE WHEN s.state = 'cleared' THEN coalesce(CASE WHEN c.closed_at <= p.as_of
                                                                       THEN c.closed_at END, p.as_of)
                               ELSE p.as_of END - c.close_deadline_at)         AS seconds_late
FROM listed s
CROSS JOIN params p
JOIN cockpit.grid_case_valid c    ON c.case_id = s.case_id
LEFT JOIN cockpit.case_category k ON k.category_code = c.category_code
LEFT JOIN cockpit.town t          ON t.town_code = c.town_code
LEFT JOIN cockpit.department d    ON d.dept_code = c.handler_dept_code
LEFT JOIN cockpit.squadron q      ON q.squadron_code = c.squadron_code
ORDER BY c.handler_dept_code NULLS LAST, CASE s.state WHEN 'carried' THEN 0 WHEN 'new' THEN 1 ELSE 2 END,
         c.close_deadline_at, c.case_id

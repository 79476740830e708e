-- name: weekly.overdue_by_squadron
-- grain: one row per responsible squadron (the holder in the field; null when the case names none) with valid cases still open at :as_of past their closing deadline (not rejected, not deferred; any report date): how many, how many escalated (more than :escalate_hours hours late, or reworked :escalate_reworks times or more) and the longest delay; most overdue first. The counts add up to weekly.case_kpis' overdue_open and escalated
-- params: as_of, escalate_hours, escalate_reworks
-- ttl: 600
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                AS as_of,
           make_interval(hours => CAST(:escalate_hours AS integer))   AS escalate_after,
           CAST(:escalate_reworks AS integer)                         AS escalate_reworks
),

overdue AS (
    SELECT c.squadron_code,
           extract(epoch FROM p.as_of - c.close_deadline_at) / 3600.0               AS hours_late,
           c.close_deadline_at < p.as_of - p.escalate_after
               OR c.rework_count >= p.escalate_reworks                              AS is_escalated
    FROM params p
    JOIN cockpit.grid_case_at(p.as_of) c
      ON c.overdue
),

final AS (
    SELECT o.squadron_code,
           count(*)                                     AS overdue_open,
           count(*) FILTER (WHERE o.is_escalated)       AS escalated,
           max(o.hours_late)                            AS max_hours_late
    FROM overdue o
    GROUP BY o.squadron_code
)

SELECT f.squadron_code,
       s.name_zh         AS holder_name_zh,
       s.name_en         AS holder_name_en,
       f.overdue_open,
       f.escalated,
       f.max_hours_late
FROM final f
LEFT JOIN cockpit.squadron s ON s.squadron_code = f.squadron_code
ORDER BY f.overdue_open DESC, f.escalated DESC, f.squadron_code

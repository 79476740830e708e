-- name: parking.roads
-- grain: one row per road of cockpit.parking_road (all of them, also without records): its attributes and path (null when cockpit.parking_road_checked finds the path bad: the road is counted, not drawn), and its valid violations between :date_from and :date_to (local days, up to :as_of): manual and e-capture records, reminders, cars gone within 10 minutes of the reminder (劝离), tickets after a reminder (cockpit.parking_ticket_after_wait with :wait_minutes), all tickets, first-violation warnings (cockpit.parking_first_warning with :window_days); days_enforced counts the period's days (up to today) since the road became strict, and the per-day and per-km figures divide by it; most violations first (ties by road_id)
-- params: as_of, date_from, date_to, town_code, method, wait_minutes, window_days
-- ttl: 300
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                     AS as_of,
           CAST(:date_from AS date)                                                        AS day_from,
           least(CAST(:date_to AS date),
                 CAST((CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AS date)) AS day_to,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'        AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'      AS period_end
),

counts AS (
    SELECT v.road_id,
           count(*)                                                                   AS violations,
           count(*) FILTER (WHERE v.method = 'manual')                                AS manual,
           count(*) FILTER (WHERE v.method = 'ecapture')                              AS ecapture,
           count(*) FILTER (WHERE v.reminder_at IS NOT NULL)                          AS reminded,
           count(*) FILTER (WHERE v.reminder_at IS NOT NULL AND v.left_within_10min)  AS left_within_10min,
           count(*) FILTER (WHERE cockpit.parking_ticket_after_wait(v.reminder_at, v.left_within_10min, v.ticketed_at,
                                                                    CAST(:wait_minutes AS integer)))
                                                                                      AS ticketed_after_reminder,
           count(*) FILTER (WHERE v.ticketed_at IS NOT NULL)                          AS ticketed,
           count(*) FILTER (WHERE cockpit.parking_first_warning(v.plate, v.observed_at, v.reminder_at,
                                                                v.left_within_10min, v.ticketed_at, v.is_first_warning,
                                                                CAST(:window_days AS integer)))
                                                                                      AS warned
    FROM p
    JOIN cockpit.parking_violation_valid v
      ON v.observed_at >= p.period_start
     AND v.observed_at <  p.period_end
     AND v.observed_at <= p.as_of
    WHERE v.road_id IS NOT NULL
      AND (CAST(:method AS text) IS NULL OR v.method = :method)
    GROUP BY v.road_id
),

roads AS (
    SELECT r.*,
           greatest(0, p.day_to - CASE WHEN r.is_strict AND r.strict_since > p.day_from
                                       THEN r.strict_since ELSE p.day_from END + 1) AS days_enforced
    FROM cockpit.parking_road_checked r
    CROSS JOIN p
    WHERE CAST(:town_code AS text) IS NULL OR r.town_code = :town_code
)

SELECT r.road_id,
       r.name_zh,
       r.town_code,
       r.is_strict,
       r.strict_since,
       r.has_ecapture,
       r.length_km,
       CASE WHEN r.issue_code IS NULL THEN r.path END AS path,
       r.days_enforced,
       coalesce(c.violations, 0)              AS violations,
       coalesce(c.manual, 0)                  AS manual,
       coalesce(c.ecapture, 0)                AS ecapture,
       coalesce(c.reminded, 0)                AS reminded,
       coalesce(c.left_within_10min, 0)       AS left_within_10min,
       coalesce(c.ticketed_after_reminder, 0) AS ticketed_after_reminder,
       coalesce(c.ticketed, 0)                AS ticketed,
       coalesce(c.warned, 0)                  AS warned,
       CASE WHEN r.days_enforced > 0
            THEN coalesce(c.violations, 0) / CAST(r.days_enforced AS double precision) END                AS per_day,
       CASE WHEN r.days_enforced > 0 AND r.length_km > 0
            THEN coalesce(c.violations, 0) / CAST(r.days_enforced AS double precision) / r.length_km END  AS per_km_day
FROM roads r
LEFT JOIN counts c ON c.road_id = r.road_id
ORDER BY coalesce(c.violations, 0) DESC, r.road_id

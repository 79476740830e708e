-- name: parking.rule_check
-- grain: one row: for the valid parking violations with a reminder observed between :date_from and :date_to (local days), how the soft-enforcement rules (cockpit/parking/rules.py) were applied: tickets within :wait_minutes of the reminder (the 10-minute rule broken), and against the first-violation rule (no other violation of the same plate in the :window_days days before: a warning, not a fine) warnings and fines as due and not as due; warned_as_due is the 首违警告 count (cockpit.parking_first_warning), the same as parking.by_hour's warned
-- params: as_of, date_from, date_to, town_code, road_id, wait_minutes, window_days
-- ttl: 300
-- Only counts leave the database: plates are compared here and never returned. Plates are compared as
-- given by the source; records without a plate are counted apart (`plate_unknown`).
WITH reminded AS (
    SELECT v.violation_id,
           v.plate,
           v.observed_at,
           v.reminder_at,
           v.ticketed_at,
           v.left_within_10min,
           v.is_first_warning
    FROM cockpit.parking_violation_valid v
    WHERE v.reminder_at IS NOT NULL
      AND v.observed_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND v.observed_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND v.observed_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR v.town_code = :town_code)
      AND (CAST(:road_id AS text) IS NULL OR v.road_id = :road_id)
),

judged AS MATERIALIZED (  -- first_violation is read by several counts: judge each record once
    SELECT r.*,
           -- only the records the first-violation counts look at (the car stayed, the plate is known)
           CASE WHEN r.left_within_10min IS FALSE AND r.plate IS NOT NULL
                THEN cockpit.parking_first_violation(r.plate, r.observed_at, CAST(:window_days AS integer))
           END AS first_violation,
           cockpit.parking_first_warning(r.plate, r.observed_at, r.reminder_at, r.left_within_10min, r.ticketed_at,
                                         r.is_first_warning, CAST(:window_days AS integer)) AS first_warning
    FROM reminded r
)

SELECT count(*)                                                                             AS reminded,
       count(*) FILTER (WHERE left_within_10min IS NOT NULL)                                AS decided,
       count(*) FILTER (WHERE left_within_10min)                                            AS left_within_10min,
       count(*) FILTER (WHERE ticketed_at IS NOT NULL)                                      AS ticketed,
       count(*) FILTER (WHERE ticketed_at IS NOT NULL
                          AND ticketed_at < reminder_at + make_interval(mins => CAST(:wait_minutes AS integer)))
                                                                                            AS ticket_too_early,
       count(*) FILTER (WHERE plate IS NULL)                                                AS plate_unknown,
       count(*) FILTER (WHERE left_within_10min IS FALSE AND plate IS NOT NULL AND first_violation)
                                                                                            AS warning_due,
       count(*) FILTER (WHERE first_warning)                                                AS warned_as_due,
       count(*) FILTER (WHERE left_within_10min IS FALSE AND plate IS NOT NULL AND first_violation
                          AND ticketed_at IS NOT NULL)                                      AS fined_not_due,
       count(*) FILTER (WHERE left_within_10min IS FALSE AND plate IS NOT NULL AND NOT first_violation
                          AND is_first_warning)                                             AS warned_not_due
FROM judged

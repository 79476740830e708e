-- name: parking.by_hour
-- grain: one row per local hour of day (0-23, all of them) for valid parking violations observed between :date_from and :date_to (local days): violations, reminders, cars gone within 10 minutes (劝离), tickets after a reminder (提醒后开单: cockpit.parking_ticket_after_wait, at or after :wait_minutes to a car that had not left) and first-violation warnings (首违警告: cockpit.parking_first_warning, warned, not fined, the car had not left, no other violation of the plate in the :window_days days before)
-- params: as_of, date_from, date_to, town_code, road_id, method, wait_minutes, window_days
-- ttl: 300
WITH counts AS (
    SELECT CAST(extract(hour FROM v.observed_at AT TIME ZONE 'Asia/Shanghai') AS integer)  AS local_hour,
           count(*)                                                                        AS violations,
           count(*) FILTER (WHERE v.reminder_at IS NOT NULL)                               AS reminded,
           count(*) FILTER (WHERE v.reminder_at IS NOT NULL AND v.left_within_10min)       AS left_within_10min,
           count(*) FILTER (WHERE cockpit.parking_ticket_after_wait(v.reminder_at, v.left_within_10min, v.ticketed_at,
                                                                    CAST(:wait_minutes AS integer)))
                                                                                           AS ticketed_after_reminder,
           count(*) FILTER (WHERE cockpit.parking_first_warning(v.plate, v.observed_at, v.reminder_at,
                                                                v.left_within_10min, v.ticketed_at, v.is_first_warning,
                                                                CAST(:window_days AS integer)))
                                                                                           AS warned
    FROM cockpit.parking_violation_valid v
    WHERE v.observed_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND v.observed_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND v.observed_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR v.town_code = :town_code)
      AND (CAST(:road_id AS text) IS NULL OR v.road_id = :road_id)
      AND (CAST(:method AS text) IS NULL OR v.method = :method)
    GROUP BY 1
)

SELECT h AS local_hour,
       coalesce(c.violations, 0)              AS violations,
       coalesce(c.reminded, 0)                AS reminded,
       coalesce(c.left_within_10min, 0)       AS left_within_10min,
       coalesce(c.ticketed_after_reminder, 0) AS ticketed_after_reminder,
       coalesce(c.warned, 0)                  AS warned
FROM generate_series(0, 23) AS h
LEFT JOIN counts c ON c.local_hour = h
ORDER BY h

-- name: parking.road_monthly
-- grain: one row per strict road and local calendar month from the month it became strict (or, when the records begin later, the month of the first record) to the month of :as_of: valid violations on it that month, the days of the month it was strict and on record (up to today) and violations per such day
-- params: as_of, town_code
-- ttl: 3600
-- Closed days come from the rollup cockpit.parking_road_day (contract/04_rollups.sql), the days after its
-- cut-off from the rows themselves: the same counts, without reading years of records.
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                    AS as_of,
           CAST((CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai') AS date)       AS today,
           (SELECT CAST(min(observed_at) AT TIME ZONE 'Asia/Shanghai' AS date)
              FROM cockpit.parking_violation)                                              AS first_record
),

months AS (
    SELECT r.road_id,
           r.name_zh,
           CAST(m AS date)                                                                 AS month,
           greatest(CAST(m AS date), r.strict_since, p.first_record)                       AS first_day,
           least(CAST(m + interval '1 month' AS date) - 1, p.today)                        AS last_day
    FROM cockpit.parking_road r
    CROSS JOIN p
    CROSS JOIN LATERAL generate_series(date_trunc('month', CAST(greatest(r.strict_since, p.first_record) AS timestamp)),
                                       date_trunc('month', CAST(p.today AS timestamp)),
                                       interval '1 month') AS m
    WHERE r.is_strict
      AND r.strict_since IS NOT NULL
      AND r.strict_since <= p.today
      AND (CAST(:town_code AS text) IS NULL OR r.town_code = :town_code)
),

-- days before the rollups' cut-off (and before :as_of's day) from cockpit.parking_road_day, the rest live
cut AS (
    SELECT least(coalesce((SELECT max(complete_before) FROM cockpit.rollup_state), DATE '1900-01-01'), p.today) AS day
    FROM p
),

counts AS (
    SELECT road_id, month, sum(violations) AS violations
    FROM (
        SELECT d.road_id,
               CAST(date_trunc('month', d.day) AS date)                                  AS month,
               d.violations
        FROM cut
        JOIN cockpit.parking_road_day d ON d.day < cut.day
        JOIN cockpit.parking_road r     ON r.road_id = d.road_id
        WHERE r.is_strict
          AND d.day >= r.strict_since
        UNION ALL
        SELECT v.road_id,
               CAST(date_trunc('month', v.observed_at AT TIME ZONE 'Asia/Shanghai') AS date) AS month,
               1
        FROM p
        CROSS JOIN cut
        JOIN cockpit.parking_violation_valid v
          ON v.observed_at >= CAST(cut.day AS timestamp) AT TIME ZONE 'Asia/Shanghai'
         AND v.observed_at <= p.as_of
        JOIN cockpit.parking_road r ON r.road_id = v.road_id
        WHERE r.is_strict
          AND v.observed_at >= CAST(r.strict_since AS timestamp) AT TIME ZONE 'Asia/Shanghai'
    ) AS rows_and_days
    GROUP BY 1, 2
)

SELECT m.road_id,
       m.name_zh,
       m.month,
       m.last_day - m.first_day + 1                                                   AS days,
       coalesce(c.violations, 0)                                                      AS violations,
       coalesce(c.violations, 0) / CAST(m.last_day - m.first_day + 1 AS double precision) AS per_day
FROM months m
LEFT JOIN counts c ON c.road_id = m.road_id AND c.month = m.month
ORDER BY m.road_id, m.month

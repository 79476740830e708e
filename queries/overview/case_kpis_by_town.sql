-- name: overview.case_kpis_by_town
-- grain: one row per town/street: KPI counts of valid cases reported between :date_from and :date_to (local days, inclusive), as of :as_of
-- params: as_of, date_from, date_to, town_code, squadron_code
-- ttl: 120
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                              AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'                    AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'                AS period_end
),

cases AS (
    SELECT c.town_code,
           -- stages count only when they happened by :as_of
           c.registered_at IS NOT NULL AND c.registered_at <= p.as_of               AS is_registered,
           c.dispatched_at IS NOT NULL AND c.dispatched_at <= p.as_of               AS is_dispatched,
           c.disposed_at IS NOT NULL AND c.disposed_at <= p.as_of                   AS is_disposed,
           c.closed_at IS NOT NULL AND c.closed_at <= p.as_of                       AS is_closed,
           c.disposed_at <= c.dispose_deadline_at                                    AS disposed_in_time,
           c.closed_at <= c.close_deadline_at                                        AS closed_in_time,
           c.dispose_deadline_at <= p.as_of                                          AS dispose_due_passed,
           c.close_deadline_at <= p.as_of                                            AS close_due_passed,
           c.rework_count > 0                                                        AS is_reworked,
           c.is_auto_closed,
           c.is_rejected OR c.is_deferred                                            AS is_excluded
    FROM params p
    JOIN cockpit.grid_case_valid c
      ON c.reported_at >= p.period_start
     AND c.reported_at <  p.period_end
     AND c.reported_at <= p.as_of
    WHERE (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
      AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)
),

final AS (
    SELECT town_code,
           count(*)                                                                  AS received,
           -- closure
           count(*) FILTER (WHERE is_registered AND NOT is_excluded
                              AND (is_closed OR close_due_passed))                   AS due_close,
           count(*) FILTER (WHERE is_registered AND NOT is_excluded AND is_closed)   AS closed,
           count(*) FILTER (WHERE is_registered AND NOT is_excluded AND is_closed
                              AND closed_in_time)                                    AS closed_on_time,
           count(*) FILTER (WHERE is_registered AND NOT is_excluded AND is_closed
                              AND is_auto_closed)                                    AS auto_closed,
           -- disposal
           count(*) FILTER (WHERE is_dispatched AND NOT is_excluded
                              AND (is_disposed OR dispose_due_passed))               AS due_dispose,
           count(*) FILTER (WHERE is_dispatched AND NOT is_excluded AND is_disposed) AS disposed,
           count(*) FILTER (WHERE is_dispatched AND NOT is_excluded AND is_disposed
                              AND disposed_in_time)                                  AS disposed_on_time,
           count(*) FILTER (WHERE is_dispatched AND NOT is_excluded AND is_disposed
                              AND is_reworked)                                       AS reworked
    FROM cases
    GROUP BY town_code
)

SELECT * FROM final ORDER BY town_code

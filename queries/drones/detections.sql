-- name: drones.detections
-- grain: one row per category, per nest, per nest and route, and one total row (`dimension`), for valid flights that took off between :date_from and :date_to (local days, Asia/Shanghai) up to :as_of from nests of :town_code (or all): sorties (not per category), AI detections, those that became grid cases and the outcome of those cases at :as_of
-- params: as_of, date_from, date_to, town_code
-- ttl: 300
-- Outcome in cockpit.grid_case_valid: closed (结案), rejected (作废), open (of which overdue: past the
-- closing deadline), or not found (no such case, or the case was left out as a bad row).
WITH flights AS (
    SELECT f.flight_id, f.nest_id, coalesce(f.route_name, '') AS route_name
    FROM cockpit.drone_flight_valid f
    WHERE f.started_at >= CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND f.started_at <  CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND f.started_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR f.town_code = :town_code)
),

detections AS (
    SELECT d.category_code,
           f.nest_id,
           f.route_name,
           d.case_id,
           c.case_id IS NOT NULL                                                  AS is_case_found,
           c.is_rejected                                                          AS is_rejected,
           c.closed_at <= CAST(:as_of AS timestamptz)                            AS is_closed,
           c.close_deadline_at < CAST(:as_of AS timestamptz)                     AS is_past_deadline
    FROM flights f
    JOIN cockpit.drone_detection d ON d.flight_id = f.flight_id
    LEFT JOIN cockpit.grid_case_valid c ON c.case_id = d.case_id
    WHERE d.detected_at <= CAST(:as_of AS timestamptz)
),

detection_sets AS (
    SELECT CASE
               WHEN GROUPING(category_code) = 0 THEN 'category'
               WHEN GROUPING(route_name) = 0    THEN 'route'
               WHEN GROUPING(nest_id) = 0       THEN 'nest'
               ELSE 'total'
           END                                                                     AS dimension,
           category_code,
           nest_id,
           route_name,
           count(*)                                                                AS detections,
           count(case_id)                                                          AS became_case,
           count(*) FILTER (WHERE is_case_found AND is_closed AND NOT is_rejected) AS case_closed,
           count(*) FILTER (WHERE is_case_found AND is_rejected)                   AS case_rejected,
           count(*) FILTER (WHERE is_case_found AND NOT is_rejected AND is_closed IS NOT TRUE)
                                                                                   AS case_open,
           count(*) FILTER (WHERE is_case_found AND NOT is_rejected AND is_closed IS NOT TRUE
                              AND is_past_deadline)                                AS case_overdue,
           count(*) FILTER (WHERE case_id IS NOT NULL AND NOT is_case_found)       AS case_not_found
    FROM detections
    GROUP BY GROUPING SETS ((category_code), (nest_id), (nest_id, route_name), ())
),

sortie_sets AS (
    SELECT CASE
               WHEN GROUPING(route_name) = 0 THEN 'route'
               WHEN GROUPING(nest_id) = 0    THEN 'nest'
               ELSE 'total'
           END           AS dimension,
           nest_id,
           route_name,
           count(*)      AS sorties
    FROM flights
    GROUP BY GROUPING SETS ((nest_id), (nest_id, route_name), ())
),

joined AS (
    SELECT coalesce(d.dimension, s.dimension)                 AS dimension,
           d.category_code,
           coalesce(d.nest_id, s.nest_id)                     AS nest_id,
           coalesce(d.route_name, s.route_name)               AS route_name,
           s.sorties,
           coalesce(d.detections, 0)                          AS detections,
           coalesce(d.became_case, 0)                         AS became_case,
           coalesce(d.case_closed, 0)                         AS case_closed,
           coalesce(d.case_rejected, 0)                       AS case_rejected,
           coalesce(d.case_open, 0)                           AS case_open,
           coalesce(d.case_overdue, 0)                        AS case_overdue,
           coalesce(d.case_not_found, 0)                      AS case_not_found
    FROM detection_sets d
    FULL JOIN sortie_sets s
      ON s.dimension = d.dimension
     AND coalesce(s.nest_id, '') = coalesce(d.nest_id, '')
     AND coalesce(s.route_name, '') = coalesce(d.route_name, '')
)

SELECT j.dimension,
       j.category_code,
       k.minor_name_zh                                        AS category_name_zh,
       k.minor_name_en                                        AS category_name_en,
       j.nest_id,
       n.name_zh                                              AS nest_name_zh,
       j.route_name,
       CASE WHEN j.dimension = 'category' THEN NULL ELSE coalesce(j.sorties, 0) END AS sorties,
       j.detections,
       j.became_case,
       j.case_closed,
       j.case_rejected,
       j.case_open,
       j.case_overdue,
       j.case_not_found
FROM joined j
LEFT JOIN cockpit.case_category k ON k.category_code = j.category_code
LEFT JOIN cockpit.drone_nest n    ON n.nest_id = j.nest_id
ORDER BY CASE j.dimension WHEN 'total' THEN 0 WHEN 'category' THEN 1 WHEN 'nest' THEN 2 ELSE 3 END,
         j.detections DESC, j.nest_id, j.route_name, j.category_code

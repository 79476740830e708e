-- name: wall.events
-- grain: one row per event of the :hours hours before :as_of (of :town_code, or all; the clothing market's always), the newest :per_area of each area, newest first: a case reported or closed, a drone sortie taking off, a sidewalk-parking violation seen, a market request received or resolved. Only what the wall may show: time, area, town, category / service item / road / nest, stage and the location of cases and violations; never a person, phone, plate or free text. Valid rows only (the checked views).
-- params: as_of, town_code, hours, per_area
-- ttl: 5
-- timeout: 3000
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                 AS as_of,
           CAST(:as_of AS timestamptz) - make_interval(hours => CAST(:hours AS integer)) AS since,
           CAST(:per_area AS integer)                                                  AS n
),

reported AS (
    SELECT c.reported_at AS at, 'cases' AS area, 'reported' AS stage, c.town_code,
           k.minor_name_zh AS what_zh, k.minor_name_en AS what_en, c.lat, c.lon, c.case_id AS ref
    FROM p
    JOIN cockpit.grid_case_valid c ON c.reported_at > p.since AND c.reported_at <= p.as_of
    LEFT JOIN cockpit.case_category k ON k.category_code = c.category_code
    WHERE CAST(:town_code AS text) IS NULL OR c.town_code = :town_code
    ORDER BY c.reported_at DESC, c.case_id DESC
    LIMIT (SELECT n FROM p)
),

closed AS (
    SELECT c.closed_at, 'cases', 'closed', c.town_code, k.minor_name_zh, k.minor_name_en, c.lat, c.lon, c.case_id
    FROM p
    JOIN cockpit.grid_case_valid c ON c.closed_at > p.since AND c.closed_at <= p.as_of
    LEFT JOIN cockpit.case_category k ON k.category_code = c.category_code
    WHERE CAST(:town_code AS text) IS NULL OR c.town_code = :town_code
    ORDER BY c.closed_at DESC, c.case_id DESC
    LIMIT (SELECT n FROM p)
),

sorties AS (
    SELECT f.started_at, 'drones', 'took_off', f.town_code, n.name_zh, n.name_zh, n.lat, n.lon, f.flight_id
    FROM p
    JOIN cockpit.drone_flight_valid f ON f.started_at > p.since AND f.started_at <= p.as_of
    JOIN cockpit.drone_nest n ON n.nest_id = f.nest_id
    WHERE CAST(:town_code AS text) IS NULL OR f.town_code = :town_code
    ORDER BY f.started_at DESC, f.flight_id DESC
    LIMIT (SELECT n FROM p)
),

violations AS (
    SELECT v.observed_at, 'parking', 'observed', v.town_code, r.name_zh, r.name_zh, v.lat, v.lon, v.violation_id
    FROM p
    JOIN cockpit.parking_violation_valid v ON v.observed_at > p.since AND v.observed_at <= p.as_of
    LEFT JOIN cockpit.parking_road r ON r.road_id = v.road_id
    WHERE CAST(:town_code AS text) IS NULL OR v.town_code = :town_code
    ORDER BY v.observed_at DESC, v.violation_id DESC
    LIMIT (SELECT n FROM p)
),

requests AS (
    SELECT e.at, 'market', e.stage, CAST(NULL AS text), i.name_zh, i.name_en, q.lat, q.lon, q.request_id
    FROM p
    JOIN cockpit.market_request_valid q ON q.submitted_at <= p.as_of
    CROSS JOIN LATERAL (VALUES ('received', q.submitted_at), ('resolved', q.resolved_at)) AS e(stage, at)
    LEFT JOIN cockpit.market_service_item i ON i.item_code = q.item_code
    WHERE e.at > p.since AND e.at <= p.as_of
    ORDER BY e.at DESC, q.request_id DESC
    LIMIT (SELECT n FROM p)
),

events AS (
    SELECT * FROM reported
    UNION ALL SELECT * FROM closed
    UNION ALL SELECT * FROM sorties
    UNION ALL SELECT * FROM violations
    UNION ALL SELECT * FROM requests
)

SELECT e.at, e.area, e.stage, e.town_code, t.name_zh AS town_name_zh, t.name_en AS town_name_en,
       e.what_zh, e.what_en, e.lat, e.lon,
       concat_ws(':', e.area, e.stage, e.ref) AS event_key
FROM events e
LEFT JOIN cockpit.town t ON t.town_code = e.town_code
ORDER BY e.at DESC, event_key

-- Pinghu command-centre cockpit: checked views, contract version 1.3.0.
--
-- Installed as-is on top of the relations of 01_relations.sql, on the operational database
-- and in the demo alike. Each `<relation>_checked` view adds `issue_code`: null for a row the
-- cockpit counts, otherwise the reason it is left out. `<relation>_valid` holds the counted
-- rows only. Every figure reads a `_valid` view; `data_quality` counts what was left out, so
-- valid rows + rows in data_quality = all rows, relation by relation.
--
-- The service area is a bounding box around Pinghu in WGS-84 (the county outline spans
-- lat 30.479-30.859, lon 120.947-121.336); points outside it are 'out_of_area', points that fall
-- inside it once lat and lon are exchanged 'swapped_lat_lon', and coordinates that are no place on
-- Earth (NaN, +-Infinity, |lat| > 90, |lon| > 180) 'invalid_location'. Every test is written so that
-- NaN fails it: in PostgreSQL 'NaN' is greater than every number, so `x BETWEEN a AND b` is false
-- for it while `NOT (x < a OR x > b)` would be true.
--
-- Event times before cockpit.earliest_valid_time() (2000-01-01 00:00 Asia/Shanghai, before any
-- system the cockpit reads: usually an epoch-zero or default date of the source) are 'ancient_time',
-- like times after now() are 'future_time'. cockpit/filters.py EARLIEST_DATE is the same floor for
-- the dates a page accepts from its URL (tests/test_geometry_quality.py checks that they agree).
--
-- The reference relations with a geometry (town, unit_grid, parking_road) have checked views too.
-- Their `_valid` views are what maps and the drone coverage read: a row left out there has no shape,
-- but its codes and names are still read from the relation itself, so the facts that point to it
-- (cases in a grid, violations on a road) are never lost because its geometry is bad.

-- The floor of every event time (see above).
CREATE OR REPLACE FUNCTION cockpit.earliest_valid_time() RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $floor$
SELECT TIMESTAMPTZ '2000-01-01 00:00:00+08'
$floor$;

-- One distance for every "within N metres" question (parking supply, the clothing market's surroundings):
-- metres between two WGS-84 positions on the local tangent plane, with the ellipsoid's metres per degree
-- at their mean latitude (WGS-84 series). Within the county (about 40 km across) it differs from the
-- geodesic by far less than a metre. `cockpit.metres_per_degree_lat/lon` give the same scale for the
-- bounding boxes that let an index find the candidates first.
CREATE OR REPLACE FUNCTION cockpit.metres_per_degree_lat(lat double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $mlat$
SELECT 111132.954 - 559.822 * cos(radians(2 * lat)) + 1.175 * cos(radians(4 * lat))
$mlat$;

CREATE OR REPLACE FUNCTION cockpit.metres_per_degree_lon(lat double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $mlon$
SELECT 111412.84 * cos(radians(lat)) - 93.5 * cos(radians(3 * lat)) + 0.118 * cos(radians(5 * lat))
$mlon$;

CREATE OR REPLACE FUNCTION cockpit.distance_m(lat1 double precision, lon1 double precision,
                                              lat2 double precision, lon2 double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $dist$
SELECT sqrt(((lat2 - lat1) * cockpit.metres_per_degree_lat((lat1 + lat2) / 2)) ^ 2
            + ((lon2 - lon1) * cockpit.metres_per_degree_lon((lat1 + lat2) / 2)) ^ 2)
$dist$;

-- Why a GeoJSON geometry (jsonb) cannot be drawn, or null when it can. `kind` 'polygon': a Polygon
-- or MultiPolygon, every ring of at least 4 positions; 'line': a LineString or MultiLineString, every
-- line of at least 2 positions. A position is an array whose first two members are JSON numbers
-- (lon, lat). Returns 'invalid' (not such a geometry: another type, null, empty, a ring too short, a
-- position that is not two numbers), 'swapped' (every position lies in the service area once lon and
-- lat are exchanged), 'outside' (some position outside the service area), or null. Numbers are
-- compared as numeric, so a huge one (1e400) is simply outside; JSON has no NaN or Infinity.
CREATE OR REPLACE FUNCTION cockpit.geometry_issue(g jsonb, kind text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $geometry$
DECLARE
    parts    jsonb := '[]';
    part     jsonb;
    pos      jsonb;
    x        numeric;
    y        numeric;
    min_size integer := CASE kind WHEN 'polygon' THEN 4 ELSE 2 END;
    inside   boolean := true;
    swapped  boolean := true;
BEGIN
    IF g IS NULL OR jsonb_typeof(g) <> 'object' OR jsonb_typeof(g -> 'type') IS DISTINCT FROM 'string'
       OR jsonb_typeof(g -> 'coordinates') IS DISTINCT FROM 'array'
       OR jsonb_array_length(g -> 'coordinates') = 0 THEN
        RETURN 'invalid';
    END IF;
    IF (kind = 'polygon' AND g ->> 'type' = 'Polygon') OR (kind = 'line' AND g ->> 'type' = 'MultiLineString') THEN
        parts := g -> 'coordinates';
    ELSIF kind = 'line' AND g ->> 'type' = 'LineString' THEN
        parts := jsonb_build_array(g -> 'coordinates');
    ELSIF kind = 'polygon' AND g ->> 'type' = 'MultiPolygon' THEN
        FOR part IN SELECT e FROM jsonb_array_elements(g -> 'coordinates') AS t (e) LOOP
            IF jsonb_typeof(part) <> 'array' OR jsonb_array_length(part) = 0 THEN
                RETURN 'invalid';
            END IF;
            parts := parts || part;
        END LOOP;
    ELSE
        RETURN 'invalid';
    END IF;
    FOR part IN SELECT e FROM jsonb_array_elements(parts) AS t (e) LOOP
        IF jsonb_typeof(part) <> 'array' OR jsonb_array_length(part) < min_size THEN
            RETURN 'invalid';
        END IF;
        FOR pos IN SELECT e FROM jsonb_array_elements(part) AS t (e) LOOP
            IF jsonb_typeof(pos) <> 'array' OR jsonb_array_length(pos) < 2
               OR jsonb_typeof(pos -> 0) <> 'number' OR jsonb_typeof(pos -> 1) <> 'number' THEN
                RETURN 'invalid';
            END IF;
            x := CAST(pos ->> 0 AS numeric);
            y := CAST(pos ->> 1 AS numeric);
            inside  := inside  AND x BETWEEN 120.90 AND 121.40 AND y BETWEEN 30.45 AND 30.90;
            swapped := swapped AND y BETWEEN 120.90 AND 121.40 AND x BETWEEN 30.45 AND 30.90;
        END LOOP;
    END LOOP;
    RETURN CASE WHEN inside THEN NULL WHEN swapped THEN 'swapped' ELSE 'outside' END;
END
$geometry$;

-- The edges of a GeoJSON Polygon or MultiPolygon (as checked by geometry_issue: call it on valid ones
-- only), every ring's, as four aligned arrays: edge i runs from (lon0[i], lat0[i]) to (lon1[i], lat1[i]),
-- the next position of its ring, the last one back to the first (a ring is read as closed whether or not
-- its last position repeats its first; a repeated one adds an edge of length 0). An edge's end is the
-- very same number as the next edge's start, so that a test at a vertex counts it once. Also the
-- bounding box of all positions, and `is_box`: the polygon is exactly that box (one ring through its
-- four corners, each edge along a side), so that a distance to it is the distance to the box. Degrees,
-- WGS-84. Plpgsql, so that the planner sees one row per geometry.
CREATE OR REPLACE FUNCTION cockpit.polygon_edges(g jsonb,
                                                 OUT min_lon double precision, OUT max_lon double precision,
                                                 OUT min_lat double precision, OUT max_lat double precision,
                                                 OUT lon0 double precision[], OUT lat0 double precision[],
                                                 OUT lon1 double precision[], OUT lat1 double precision[],
                                                 OUT is_box boolean)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $edges$
DECLARE
    poly  jsonb;
    ring  jsonb;
    n     integer;
    rings integer := 0;
    x     double precision;
    y     double precision;
BEGIN
    lon0 := '{}';
    lat0 := '{}';
    lon1 := '{}';
    lat1 := '{}';
    FOR poly IN SELECT e FROM jsonb_array_elements(CASE WHEN g ->> 'type' = 'Polygon'
                                                        THEN jsonb_build_array(g -> 'coordinates')
                                                        ELSE g -> 'coordinates' END) AS t (e) LOOP
        FOR ring IN SELECT e FROM jsonb_array_elements(poly) AS t (e) LOOP
            rings := rings + 1;
            n := jsonb_array_length(ring);
            FOR i IN 0 .. n - 1 LOOP
                x := CAST(ring -> i ->> 0 AS double precision);
                y := CAST(ring -> i ->> 1 AS double precision);
                lon0 := lon0 || x;
                lat0 := lat0 || y;
                lon1 := lon1 || CAST(ring -> mod(i + 1, n) ->> 0 AS double precision);
                lat1 := lat1 || CAST(ring -> mod(i + 1, n) ->> 1 AS double precision);
                min_lon := least(min_lon, x);
                max_lon := greatest(max_lon, x);
                min_lat := least(min_lat, y);
                max_lat := greatest(max_lat, y);
            END LOOP;
        END LOOP;
    END LOOP;
    n := cardinality(lon0);
    -- one ring of four corners (a fifth position repeating the first is an edge of length 0), two
    -- opposite pairs (so no corner twice), each edge along a side of a box that is not flat
    is_box := rings = 1 AND min_lon < max_lon AND min_lat < max_lat
              AND (n = 4 OR (n = 5 AND lon0[5] = lon1[5] AND lat0[5] = lat1[5]))
              AND lon0[1] <> lon0[3] AND lat0[1] <> lat0[3] AND lon0[2] <> lon0[4] AND lat0[2] <> lat0[4];
    FOR i IN 1 .. 4 LOOP
        EXIT WHEN NOT is_box;
        is_box := lon0[i] IN (min_lon, max_lon) AND lat0[i] IN (min_lat, max_lat)
                  AND (lon0[i] = lon1[i]) <> (lat0[i] = lat1[i]);
    END LOOP;
END
$edges$;

CREATE OR REPLACE VIEW cockpit.town_checked AS
SELECT t.*,
       CASE
           WHEN t.boundary IS NULL                        THEN 'missing_geometry'
           WHEN x.geo = 'invalid'                         THEN 'invalid_geometry'
           WHEN x.geo = 'swapped'                         THEN 'swapped_lat_lon'
           WHEN x.geo = 'outside'                         THEN 'out_of_area'
       END AS issue_code
FROM cockpit.town t
CROSS JOIN LATERAL (SELECT cockpit.geometry_issue(t.boundary, 'polygon') AS geo) x;

CREATE OR REPLACE VIEW cockpit.town_valid AS
SELECT * FROM cockpit.town_checked WHERE issue_code IS NULL;

-- A grid's bounding box and centroid are read by the drone coverage: they must be numbers in the
-- service area, the box ordered.
CREATE OR REPLACE VIEW cockpit.unit_grid_checked AS
SELECT g.*,
       CASE
           WHEN g.boundary IS NULL                        THEN 'missing_geometry'
           WHEN x.geo = 'invalid'                         THEN 'invalid_geometry'
           WHEN x.geo = 'swapped'                         THEN 'swapped_lat_lon'
           WHEN x.geo = 'outside'                         THEN 'out_of_area'
           WHEN NOT (g.min_lat BETWEEN 30.45 AND 30.90 AND g.max_lat BETWEEN 30.45 AND 30.90
                     AND g.min_lon BETWEEN 120.90 AND 121.40 AND g.max_lon BETWEEN 120.90 AND 121.40
                     AND g.min_lat <= g.max_lat AND g.min_lon <= g.max_lon
                     AND g.centroid_lat BETWEEN 30.45 AND 30.90 AND g.centroid_lon BETWEEN 120.90 AND 121.40)
             OR g.min_lat IS NULL OR g.max_lat IS NULL OR g.min_lon IS NULL OR g.max_lon IS NULL
             OR g.centroid_lat IS NULL OR g.centroid_lon IS NULL
                                                          THEN 'invalid_bounds'
       END AS issue_code
FROM cockpit.unit_grid g
CROSS JOIN LATERAL (SELECT cockpit.geometry_issue(g.boundary, 'polygon') AS geo) x;

CREATE OR REPLACE VIEW cockpit.unit_grid_valid AS
SELECT * FROM cockpit.unit_grid_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.parking_road_checked AS
SELECT r.*,
       CASE
           WHEN r.path IS NULL                            THEN 'missing_geometry'
           WHEN x.geo = 'invalid'                         THEN 'invalid_geometry'
           WHEN x.geo = 'swapped'                         THEN 'swapped_lat_lon'
           WHEN x.geo = 'outside'                         THEN 'out_of_area'
       END AS issue_code
FROM cockpit.parking_road r
CROSS JOIN LATERAL (SELECT cockpit.geometry_issue(r.path, 'line') AS geo) x;

CREATE OR REPLACE VIEW cockpit.parking_road_valid AS
SELECT * FROM cockpit.parking_road_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.grid_case_checked AS
SELECT c.*,
       g.town_code,
       g.community_code,
       CASE
           WHEN c.reported_at IS NULL                     THEN 'missing_time'
           WHEN c.reported_at > now() OR c.closed_at > now() THEN 'future_time'
           WHEN c.reported_at < cockpit.earliest_valid_time() OR c.closed_at < cockpit.earliest_valid_time()
                                                          THEN 'ancient_time'
           WHEN c.closed_at < c.reported_at               THEN 'impossible_time'
           WHEN c.lat IS NULL OR c.lon IS NULL            THEN 'missing_location'
           WHEN c.lat BETWEEN 120.90 AND 121.40 AND c.lon BETWEEN 30.45 AND 30.90
                                                          THEN 'swapped_lat_lon'
           WHEN NOT (c.lat BETWEEN -90 AND 90 AND c.lon BETWEEN -180 AND 180)
                                                          THEN 'invalid_location'
           WHEN NOT (c.lat BETWEEN 30.45 AND 30.90 AND c.lon BETWEEN 120.90 AND 121.40)
                                                          THEN 'out_of_area'
           WHEN s.source_code IS NULL                     THEN 'unknown_source'
           WHEN k.category_code IS NULL                   THEN 'unknown_category'
           WHEN g.grid_code IS NULL                       THEN 'unknown_grid'
       END AS issue_code
FROM cockpit.grid_case c
LEFT JOIN cockpit.case_source s   ON s.source_code = c.source_code
LEFT JOIN cockpit.case_category k ON k.category_code = c.category_code
LEFT JOIN cockpit.unit_grid g     ON g.grid_code = c.grid_code;

CREATE OR REPLACE VIEW cockpit.grid_case_valid AS
SELECT * FROM cockpit.grid_case_checked WHERE issue_code IS NULL;

-- == shared case figures: the definitions every case query reads (cockpit/cases) ==
-- The standard case figures of cockpit/kpi.py, judged at `as_of`: one row per valid case
-- (cockpit.grid_case_valid without its free-text description) with its KPI flags. Every flag is true or
-- false, never null; a stage counts when it happened by `as_of`; rejected (作废) and deferred (缓办)
-- cases are left out of every "due" flag (`is_excluded`).
--   is_registered / is_dispatched / is_disposed / is_closed  the stage's time is known and not after as_of
--   due_close         registered, not excluded, and closed or past its closing deadline  (结案率, 按期结案率)
--   closed            of those, closed                                                   (结案率)
--   closed_on_time    closed no later than the closing deadline                          (按期结案率)
--   auto_closed       closed by automatic routing                                        (自动流转结案率)
--   due_dispose       dispatched, not excluded, and disposed or past its disposal deadline
--   disposed          of those, disposed                                                 (处置率)
--   disposed_on_time  disposed no later than the disposal deadline                       (按期处置率)
--   reworked          disposed and sent back at least once                               (返工率)
--   is_open           reported, not closed, neither rejected nor deferred at as_of
--   overdue           open and past its closing deadline                                 (超期未结案)
-- A plain SQL function (STABLE, not STRICT) that PostgreSQL inlines: a query's conditions on the case
-- columns reach the tables' indexes as if it read grid_case_valid itself.
CREATE OR REPLACE FUNCTION cockpit.grid_case_at(as_of timestamptz)
RETURNS TABLE (case_id bigint, source_code text, category_code text, lat double precision, lon double precision,
               grid_code text, community_code text, town_code text, handler_dept_code text, squadron_code text,
               reported_at timestamptz, accepted_at timestamptz, registered_at timestamptz,
               dispatched_at timestamptz, disposed_at timestamptz, feedback_at timestamptz,
               verified_at timestamptz, closed_at timestamptz, dispose_deadline_at timestamptz,
               close_deadline_at timestamptz, rework_count integer, is_extended boolean, is_deferred boolean,
               is_rejected boolean, is_auto_closed boolean,
               is_registered boolean, is_dispatched boolean, is_disposed boolean, is_closed boolean,
               is_excluded boolean, due_close boolean, closed boolean, closed_on_time boolean,
               auto_closed boolean, due_dispose boolean, disposed boolean, disposed_on_time boolean,
               reworked boolean, is_open boolean, overdue boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $case_at$
SELECT c.case_id, c.source_code, c.category_code, c.lat, c.lon, c.grid_code, c.community_code, c.town_code,
       c.handler_dept_code, c.squadron_code, c.reported_at, c.accepted_at, c.registered_at, c.dispatched_at,
       c.disposed_at, c.feedback_at, c.verified_at, c.closed_at, c.dispose_deadline_at, c.close_deadline_at,
       c.rework_count, c.is_extended, c.is_deferred, c.is_rejected, c.is_auto_closed,
       s.is_registered, s.is_dispatched, s.is_disposed, s.is_closed, s.is_excluded,
       s.is_registered AND NOT s.is_excluded
           AND (s.is_closed OR (c.close_deadline_at IS NOT NULL AND c.close_deadline_at <= as_of)),
       s.is_registered AND NOT s.is_excluded AND s.is_closed,
       s.is_registered AND NOT s.is_excluded AND s.is_closed AND coalesce(c.closed_at <= c.close_deadline_at, false),
       s.is_registered AND NOT s.is_excluded AND s.is_closed AND c.is_auto_closed,
       s.is_dispatched AND NOT s.is_excluded
           AND (s.is_disposed OR (c.dispose_deadline_at IS NOT NULL AND c.dispose_deadline_at <= as_of)),
       s.is_dispatched AND NOT s.is_excluded AND s.is_disposed,
       s.is_dispatched AND NOT s.is_excluded AND s.is_disposed
           AND coalesce(c.disposed_at <= c.dispose_deadline_at, false),
       s.is_dispatched AND NOT s.is_excluded AND s.is_disposed AND c.rework_count > 0,
       c.reported_at <= as_of AND (c.closed_at IS NULL OR c.closed_at > as_of)
           AND NOT c.is_rejected AND NOT c.is_deferred,
       c.reported_at <= as_of AND (c.closed_at IS NULL OR c.closed_at > as_of)
           AND NOT c.is_rejected AND NOT c.is_deferred
           AND c.close_deadline_at IS NOT NULL AND c.close_deadline_at < as_of
FROM cockpit.grid_case_valid c
CROSS JOIN LATERAL (
    SELECT c.registered_at IS NOT NULL AND c.registered_at <= as_of  AS is_registered,
           c.dispatched_at IS NOT NULL AND c.dispatched_at <= as_of  AS is_dispatched,
           c.disposed_at IS NOT NULL AND c.disposed_at <= as_of      AS is_disposed,
           c.closed_at IS NOT NULL AND c.closed_at <= as_of          AS is_closed,
           c.is_rejected OR c.is_deferred                            AS is_excluded
) s
$case_at$;

CREATE OR REPLACE VIEW cockpit.waste_weighing_checked AS
SELECT w.*,
       st.town_code,
       CASE
           WHEN w.weighed_at IS NULL                      THEN 'missing_time'
           WHEN w.weighed_at > now()                      THEN 'future_time'
           WHEN w.weighed_at < cockpit.earliest_valid_time()
                                                          THEN 'ancient_time'
           WHEN w.stage IS NULL OR w.stage NOT IN ('collect', 'transfer', 'dispose')
                                                          THEN 'unknown_stage'
           WHEN w.net_tonnes IS NULL OR w.net_tonnes <= 0 THEN 'non_positive_weight'
           WHEN w.net_tonnes > 50                         THEN 'absurd_weight'
           WHEN st.site_id IS NULL                        THEN 'unknown_site'
           WHEN wc.category_code IS NULL                  THEN 'unknown_category'
           WHEN EXISTS (SELECT 1 FROM cockpit.waste_weighing d
                         WHERE d.weighed_at = w.weighed_at
                           AND d.site_id = w.site_id
                           AND d.vehicle_id IS NOT DISTINCT FROM w.vehicle_id
                           AND d.category_code = w.category_code
                           AND d.net_tonnes = w.net_tonnes
                           AND d.weighing_id < w.weighing_id)
                                                          THEN 'duplicate'
       END AS issue_code
FROM cockpit.waste_weighing w
LEFT JOIN cockpit.waste_site st     ON st.site_id = w.site_id
LEFT JOIN cockpit.waste_category wc ON wc.category_code = w.category_code;

CREATE OR REPLACE VIEW cockpit.waste_weighing_valid AS
SELECT * FROM cockpit.waste_weighing_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.parking_violation_checked AS
SELECT v.*,
       COALESCE(r.town_code, g.town_code) AS town_code,
       CASE
           WHEN v.observed_at IS NULL                     THEN 'missing_time'
           WHEN v.observed_at > now()
             OR v.reminder_at > now()
             OR v.ticketed_at > now()                     THEN 'future_time'
           WHEN v.observed_at < cockpit.earliest_valid_time()
             OR v.reminder_at < cockpit.earliest_valid_time()
             OR v.ticketed_at < cockpit.earliest_valid_time()
                                                          THEN 'ancient_time'
           WHEN v.ticketed_at < v.reminder_at             THEN 'impossible_time'
           WHEN v.lat IS NULL OR v.lon IS NULL            THEN 'missing_location'
           WHEN v.lat BETWEEN 120.90 AND 121.40 AND v.lon BETWEEN 30.45 AND 30.90
                                                          THEN 'swapped_lat_lon'
           WHEN NOT (v.lat BETWEEN -90 AND 90 AND v.lon BETWEEN -180 AND 180)
                                                          THEN 'invalid_location'
           WHEN NOT (v.lat BETWEEN 30.45 AND 30.90 AND v.lon BETWEEN 120.90 AND 121.40)
                                                          THEN 'out_of_area'
           WHEN v.road_id IS NOT NULL AND r.road_id IS NULL THEN 'unknown_road'
           WHEN v.method IS NULL OR v.method NOT IN ('manual', 'ecapture')
                                                          THEN 'unknown_method'
       END AS issue_code
FROM cockpit.parking_violation v
LEFT JOIN cockpit.parking_road r ON r.road_id = v.road_id
LEFT JOIN cockpit.unit_grid g    ON g.grid_code = v.grid_code;

CREATE OR REPLACE VIEW cockpit.parking_violation_valid AS
SELECT * FROM cockpit.parking_violation_checked WHERE issue_code IS NULL;

-- The soft-enforcement rules of parking (cockpit/parking/rules.py), written once for every query that
-- counts them. Tickets after a reminder (提醒后开单): the car got a reminder, had not left when the wait
-- was over, and the ticket came at or after reminder + wait (a ticket at 9:59 or to a car that left
-- breaks the rule and is not one of these).
CREATE OR REPLACE FUNCTION cockpit.parking_ticket_after_wait(p_reminder_at timestamptz, p_left_within_10min boolean,
                                                             p_ticketed_at timestamptz, p_wait_minutes integer)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_reminder_at IS NOT NULL AND p_left_within_10min IS FALSE AND p_ticketed_at IS NOT NULL
       AND p_ticketed_at >= p_reminder_at + make_interval(mins => p_wait_minutes)
$$;

-- A first violation (首违): the plate is known and has no other valid violation in the p_window_days days
-- before p_observed_at (observed_at - window <= t < observed_at).
CREATE OR REPLACE FUNCTION cockpit.parking_first_violation(p_plate text, p_observed_at timestamptz,
                                                           p_window_days integer)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT p_plate IS NOT NULL AND NOT EXISTS (
        SELECT 1
        FROM cockpit.parking_violation_valid e
        WHERE e.plate = p_plate
          AND e.observed_at <  p_observed_at
          AND e.observed_at >= p_observed_at - make_interval(days => p_window_days))
$$;

-- First-violation warnings (首违警告): the source warned the car (is_first_warning), it got a reminder and
-- had not left, it was not fined, and it is a first violation by the window. The cheap tests come first,
-- so the plate's history is read only for the warned records.
CREATE OR REPLACE FUNCTION cockpit.parking_first_warning(p_plate text, p_observed_at timestamptz,
                                                         p_reminder_at timestamptz, p_left_within_10min boolean,
                                                         p_ticketed_at timestamptz, p_is_first_warning boolean,
                                                         p_window_days integer)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_is_first_warning AND p_reminder_at IS NOT NULL AND p_left_within_10min IS FALSE
                     AND p_ticketed_at IS NULL AND p_plate IS NOT NULL
                THEN cockpit.parking_first_violation(p_plate, p_observed_at, p_window_days)
                ELSE false END
$$;

CREATE OR REPLACE VIEW cockpit.drone_track_point_checked AS
SELECT p.*,
       CASE
           WHEN p.recorded_at IS NULL                     THEN 'missing_time'
           WHEN p.lat IS NULL OR p.lon IS NULL            THEN 'missing_location'
           WHEN p.lat BETWEEN 120.90 AND 121.40 AND p.lon BETWEEN 30.45 AND 30.90
                                                          THEN 'swapped_lat_lon'
           WHEN NOT (p.lat BETWEEN -90 AND 90 AND p.lon BETWEEN -180 AND 180)
                                                          THEN 'invalid_location'
           WHEN NOT (p.lat BETWEEN 30.45 AND 30.90 AND p.lon BETWEEN 120.90 AND 121.40)
                                                          THEN 'out_of_area'
           WHEN p.recorded_at > now()                     THEN 'future_time'
           WHEN p.recorded_at < cockpit.earliest_valid_time()
                                                          THEN 'ancient_time'
       END AS issue_code
FROM cockpit.drone_track_point p;

CREATE OR REPLACE VIEW cockpit.drone_track_point_valid AS
SELECT * FROM cockpit.drone_track_point_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.drone_flight_checked AS
SELECT f.*,
       n.town_code,
       CASE
           WHEN f.started_at IS NULL                      THEN 'missing_time'
           WHEN f.started_at > now()                      THEN 'future_time'
           WHEN f.started_at < cockpit.earliest_valid_time()
                                                          THEN 'ancient_time'
           WHEN f.ended_at < f.started_at                 THEN 'impossible_time'
           WHEN n.nest_id IS NULL                         THEN 'unknown_nest'
       END AS issue_code
FROM cockpit.drone_flight f
LEFT JOIN cockpit.drone_nest n ON n.nest_id = f.nest_id;

CREATE OR REPLACE VIEW cockpit.drone_flight_valid AS
SELECT * FROM cockpit.drone_flight_checked WHERE issue_code IS NULL;

-- Drone tracks and grid coverage: the cockpit's one definition of "overflown" (documented, with its
-- parameters, in cockpit/drones/rules.py and docs/data-contract.md). Positions are taken to a local
-- metric plane: 110864 m per degree of latitude and 95802 m per degree of longitude (the WGS-84
-- ellipsoid at 30.7 N; within 0.3 % across Pinghu). No PostGIS needed.
--
-- A segment joins two consecutive valid track points of a flight. It is broken (`break_code`), and
-- neither drawn nor counted, when the time runs backwards or stands still ('impossible_time'), when the
-- points are more than 60 s apart ('gap': where the drone flew in between is unknown), or when the
-- implied speed is above 30 m/s ('speed_jump': faster than a patrol drone flies, a GPS glitch).
CREATE OR REPLACE VIEW cockpit.drone_track_segment AS
SELECT p.flight_id,
       p.seq,
       n.seq          AS next_seq,
       p.recorded_at  AS started_at,
       n.recorded_at  AS ended_at,
       p.lat          AS lat0,
       p.lon          AS lon0,
       n.lat          AS lat1,
       n.lon          AS lon1,
       m.duration_s,
       m.length_m,
       CASE
           WHEN m.duration_s <= 0                         THEN 'impossible_time'
           WHEN m.duration_s > 60                         THEN 'gap'
           WHEN m.length_m > 30.0 * m.duration_s          THEN 'speed_jump'
       END AS break_code
FROM cockpit.drone_track_point_valid p
CROSS JOIN LATERAL (
    SELECT q.seq, q.recorded_at, q.lat, q.lon
    FROM cockpit.drone_track_point_valid q
    WHERE q.flight_id = p.flight_id
      AND q.seq > p.seq
    ORDER BY q.seq
    LIMIT 1
) n
CROSS JOIN LATERAL (
    SELECT CAST(extract(epoch FROM n.recorded_at - p.recorded_at) AS double precision)    AS duration_s,
           sqrt(power((n.lat - p.lat) * 110864.0, 2) + power((n.lon - p.lon) * 95802.0, 2)) AS length_m
) m;

-- A unit grid is overflown by a segment of a valid flight when the segment (not only its end points)
-- passes within the nest's camera footprint radius (`drone_nest.camera_radius_m`) of the grid itself,
-- its polygon (`boundary`): distance(segment, polygon) <= radius in the metric plane, 0 when the segment
-- enters it. One row per unbroken segment and grid it covers, with that distance.
--
-- How it is found: candidate pairs meet on 0.01-degree cells (an equi-join, no spatial index needed);
-- each pair is kept once, at the first cell both cover. The polygon's bounding box (taken from the
-- polygon's own positions) is only a prefilter: the distance to the box (0 when the segment crosses it,
-- by Liang-Barsky clipping, else the least of the end points' distances to the box and the corners'
-- distances to the segment) is never more than the distance to the polygon inside it, so a pair farther
-- than the radius from the box is dropped before the polygon is read. For the rest the distance to the
-- polygon is 0 when the segment's start lies inside it (even-odd rule over every ring, so holes are
-- holes) or the segment properly crosses one of its edges, else the least distance between the segment
-- and an edge (between two segments that do not cross: an end point of one to the other). Rings are
-- read as closed whether or not the last position repeats the first.
CREATE OR REPLACE VIEW cockpit.drone_grid_overflight AS
SELECT s.flight_id,
       f.nest_id,
       f.route_name,
       f.started_at       AS flight_started_at,
       g.grid_code,
       g.town_code,
       s.seq,
       s.started_at       AS passed_at,
       d.distance_m,
       n.camera_radius_m
FROM cockpit.drone_track_segment s
JOIN cockpit.drone_flight_valid f ON f.flight_id = s.flight_id
JOIN cockpit.drone_nest n         ON n.nest_id = f.nest_id
CROSS JOIN LATERAL (
    SELECT s.lon0 * 95802.0  AS x0,
           s.lat0 * 110864.0 AS y0,
           (s.lon1 - s.lon0) * 95802.0  AS dx,
           (s.lat1 - s.lat0) * 110864.0 AS dy,
           least(s.lon0, s.lon1) * 95802.0     - n.camera_radius_m AS x_lo,
           greatest(s.lon0, s.lon1) * 95802.0  + n.camera_radius_m AS x_hi,
           least(s.lat0, s.lat1) * 110864.0    - n.camera_radius_m AS y_lo,
           greatest(s.lat0, s.lat1) * 110864.0 + n.camera_radius_m AS y_hi
) a
CROSS JOIN LATERAL (
    SELECT CAST(floor(a.y_lo / 110864.0 / 0.01) AS integer) AS cy_lo,
           CAST(floor(a.x_lo / 95802.0 / 0.01) AS integer)  AS cx_lo,
           CAST(floor(a.y_hi / 110864.0 / 0.01) AS integer) AS cy_hi,
           CAST(floor(a.x_hi / 95802.0 / 0.01) AS integer)  AS cx_hi
) ac
-- at most 10 cells (about 10 km) a side: far beyond any grid, and beyond any unbroken segment
-- (60 s x 30 m/s = 1.8 km) plus twice a camera footprint
CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS oy (k)
CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS ox (k)
JOIN (
    SELECT u.grid_code,
           u.town_code,
           u.xa, u.xb, u.ya, u.yb,
           u.lon0, u.lat0, u.lon1, u.lat1, u.is_box,
           CAST(floor(u.min_lat / 0.01) AS integer) AS cy_lo,
           CAST(floor(u.min_lon / 0.01) AS integer) AS cx_lo,
           CAST(floor(u.min_lat / 0.01) AS integer) + gy.k AS cy,
           CAST(floor(u.min_lon / 0.01) AS integer) + gx.k AS cx
    FROM (  -- each grid's bounding box and its edges
        SELECT v.grid_code, v.town_code,
               pe.min_lon, pe.max_lon, pe.min_lat, pe.max_lat,
               pe.min_lon * 95802.0 AS xa, pe.max_lon * 95802.0 AS xb,
               pe.min_lat * 110864.0 AS ya, pe.max_lat * 110864.0 AS yb,
               pe.lon0, pe.lat0, pe.lon1, pe.lat1, pe.is_box
        FROM cockpit.unit_grid_valid v
        CROSS JOIN LATERAL cockpit.polygon_edges(v.boundary) AS pe
    ) u
    CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS gy (k)
    CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS gx (k)
    WHERE CAST(floor(u.min_lat / 0.01) AS integer) + gy.k <= CAST(floor(u.max_lat / 0.01) AS integer)
      AND CAST(floor(u.min_lon / 0.01) AS integer) + gx.k <= CAST(floor(u.max_lon / 0.01) AS integer)
) g ON g.cy = ac.cy_lo + oy.k
   AND g.cx = ac.cx_lo + ox.k
CROSS JOIN LATERAL (  -- the box relative to the segment's start point
    SELECT g.xa - a.x0 AS ax, g.xb - a.x0 AS bx, g.ya - a.y0 AS ay, g.yb - a.y0 AS by,
           power(a.dx, 2) + power(a.dy, 2) AS len2
) r
CROSS JOIN LATERAL (  -- Liang-Barsky: the part [t_in, t_out] of the segment inside the box, per axis
    SELECT CASE WHEN a.dx = 0 THEN CASE WHEN r.ax <= 0 AND r.bx >= 0 THEN -1.0 ELSE 2.0 END
                ELSE least(r.ax / a.dx, r.bx / a.dx) END    AS tx_in,
           CASE WHEN a.dx = 0 THEN CASE WHEN r.ax <= 0 AND r.bx >= 0 THEN 2.0 ELSE -1.0 END
                ELSE greatest(r.ax / a.dx, r.bx / a.dx) END AS tx_out,
           CASE WHEN a.dy = 0 THEN CASE WHEN r.ay <= 0 AND r.by >= 0 THEN -1.0 ELSE 2.0 END
                ELSE least(r.ay / a.dy, r.by / a.dy) END    AS ty_in,
           CASE WHEN a.dy = 0 THEN CASE WHEN r.ay <= 0 AND r.by >= 0 THEN 2.0 ELSE -1.0 END
                ELSE greatest(r.ay / a.dy, r.by / a.dy) END AS ty_out,
           -- each corner's nearest point on the segment, as a fraction of it
           CASE WHEN r.len2 = 0 THEN 0.0 ELSE greatest(0.0, least(1.0, (r.ax * a.dx + r.ay * a.dy) / r.len2)) END AS t_aa,
           CASE WHEN r.len2 = 0 THEN 0.0 ELSE greatest(0.0, least(1.0, (r.ax * a.dx + r.by * a.dy) / r.len2)) END AS t_ab,
           CASE WHEN r.len2 = 0 THEN 0.0 ELSE greatest(0.0, least(1.0, (r.bx * a.dx + r.ay * a.dy) / r.len2)) END AS t_ba,
           CASE WHEN r.len2 = 0 THEN 0.0 ELSE greatest(0.0, least(1.0, (r.bx * a.dx + r.by * a.dy) / r.len2)) END AS t_bb
) c
CROSS JOIN LATERAL (  -- the prefilter: the distance to the box
    SELECT CASE
               WHEN greatest(0.0, c.tx_in, c.ty_in) <= least(1.0, c.tx_out, c.ty_out) THEN 0.0
               ELSE least(
                   sqrt(power(greatest(r.ax, 0.0, -r.bx), 2) + power(greatest(r.ay, 0.0, -r.by), 2)),   -- start
                   sqrt(power(greatest(r.ax - a.dx, 0.0, a.dx - r.bx), 2)
                        + power(greatest(r.ay - a.dy, 0.0, a.dy - r.by), 2)),                            -- end
                   sqrt(power(c.t_aa * a.dx - r.ax, 2) + power(c.t_aa * a.dy - r.ay, 2)),                 -- corners
                   sqrt(power(c.t_ab * a.dx - r.ax, 2) + power(c.t_ab * a.dy - r.by, 2)),
                   sqrt(power(c.t_ba * a.dx - r.bx, 2) + power(c.t_ba * a.dy - r.ay, 2)),
                   sqrt(power(c.t_bb * a.dx - r.bx, 2) + power(c.t_bb * a.dy - r.by, 2)))
           END AS box_m
) b
CROSS JOIN LATERAL (  -- the distance to the polygon (the box's when the polygon is its box), read only
                      -- for a pair within the radius of the box; OFFSET 0 keeps each step computed once
    SELECT CASE WHEN g.is_box THEN b.box_m
                WHEN b.box_m > n.camera_radius_m THEN NULL
                ELSE (
        SELECT CASE WHEN bool_or(q.o1 * q.o2 < 0 AND q.o3 * q.o4 < 0)   -- the segment crosses an edge
                      OR mod(sum(q.ray), 2) = 1                         -- its start lies inside
                    THEN 0.0
                    ELSE sqrt(min(least(q.start2, q.end2, q.vertex2))) END
        FROM (
            SELECT -- o1, o2: the edge's ends on either side of the segment's line; o3, o4: the reverse
                   e.dx * e.py - e.dy * e.px                             AS o1,
                   e.dx * e.qy - e.dy * e.qx                             AS o2,
                   e.uy * e.px - e.ux * e.py                             AS o3,
                   e.ux * (e.dy - e.py) - e.uy * (e.dx - e.px)           AS o4,
                   -- the ray from the segment's start eastwards crosses the edge (half-open in y)
                   CASE WHEN (e.py > 0) = (e.qy > 0) THEN 0
                        WHEN e.px - e.ux * e.py / e.uy > 0 THEN 1
                        ELSE 0 END                                        AS ray,
                   -- squared distances of the segment's start and end to the edge, and of the edge's
                   -- first vertex to the segment (its last one is the next edge's first)
                   (e.px + e.t0 * e.ux) * (e.px + e.t0 * e.ux) + (e.py + e.t0 * e.uy) * (e.py + e.t0 * e.uy) AS start2,
                   (e.px + e.t1 * e.ux - e.dx) * (e.px + e.t1 * e.ux - e.dx)
                       + (e.py + e.t1 * e.uy - e.dy) * (e.py + e.t1 * e.uy - e.dy)                           AS end2,
                   (e.tv * e.dx - e.px) * (e.tv * e.dx - e.px) + (e.tv * e.dy - e.py) * (e.tv * e.dy - e.py) AS vertex2
            FROM (  -- the nearest points, as fractions of the edge (t0, t1) and of the segment (tv)
                SELECT w.px, w.py, w.qx, w.qy, w.ux, w.uy, w.dx, w.dy,
                       CASE WHEN w.ulen2 = 0 THEN 0.0
                            ELSE greatest(0.0, least(1.0, -(w.px * w.ux + w.py * w.uy) / w.ulen2)) END AS t0,
                       CASE WHEN w.ulen2 = 0 THEN 0.0
                            ELSE greatest(0.0, least(1.0, ((w.dx - w.px) * w.ux + (w.dy - w.py) * w.uy) / w.ulen2)) END AS t1,
                       CASE WHEN w.len2 = 0 THEN 0.0
                            ELSE greatest(0.0, least(1.0, (w.px * w.dx + w.py * w.dy) / w.len2)) END AS tv
                FROM (
                    SELECT z.px, z.py, z.qx, z.qy, z.qx - z.px AS ux, z.qy - z.py AS uy,
                           (z.qx - z.px) * (z.qx - z.px) + (z.qy - z.py) * (z.qy - z.py) AS ulen2,
                           z.dx, z.dy, z.len2
                    FROM (  -- each edge, from (px, py) to (qx, qy), relative to the segment's start
                        SELECT p.lon0 * 95802.0 - k.x0 AS px, p.lat0 * 110864.0 - k.y0 AS py,
                               p.lon1 * 95802.0 - k.x0 AS qx, p.lat1 * 110864.0 - k.y0 AS qy,
                               k.dx, k.dy, k.len2
                        FROM (SELECT a.x0, a.y0, a.dx, a.dy, r.len2 OFFSET 0) k
                        CROSS JOIN unnest(g.lon0, g.lat0, g.lon1, g.lat1) AS p (lon0, lat0, lon1, lat1)
                        OFFSET 0
                    ) z
                ) w
                OFFSET 0
            ) e
        ) q
    ) END AS distance_m
) d
WHERE s.break_code IS NULL
  AND ac.cy_lo + oy.k <= ac.cy_hi
  AND ac.cx_lo + ox.k <= ac.cx_hi
  AND g.cy = greatest(ac.cy_lo, g.cy_lo)   -- each (segment, grid) pair once: at the first cell both cover
  AND g.cx = greatest(ac.cx_lo, g.cx_lo)
  AND g.xb >= a.x_lo AND g.xa <= a.x_hi     -- the boxes overlap (cheap, before the exact distance)
  AND g.yb >= a.y_lo AND g.ya <= a.y_hi
  AND d.distance_m <= n.camera_radius_m;

CREATE OR REPLACE VIEW cockpit.market_request_checked AS
SELECT q.*,
       CASE
           WHEN q.submitted_at IS NULL                    THEN 'missing_time'
           WHEN q.submitted_at > now()                    THEN 'future_time'
           WHEN q.submitted_at < cockpit.earliest_valid_time()
                                                          THEN 'ancient_time'
           WHEN q.resolved_at < q.submitted_at            THEN 'impossible_time'
           WHEN i.item_code IS NULL                       THEN 'unknown_item'
           WHEN d.dept_code IS NULL                       THEN 'unknown_department'
       END AS issue_code
FROM cockpit.market_request q
LEFT JOIN cockpit.market_service_item i ON i.item_code = q.item_code
LEFT JOIN cockpit.market_department d   ON d.dept_code = q.dept_code;

CREATE OR REPLACE VIEW cockpit.market_request_valid AS
SELECT * FROM cockpit.market_request_checked WHERE issue_code IS NULL;

CREATE OR REPLACE VIEW cockpit.data_quality AS
SELECT 'grid_case' AS relation_name, issue_code, count(*) AS row_count
  FROM cockpit.grid_case_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'waste_weighing', issue_code, count(*)
  FROM cockpit.waste_weighing_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'parking_violation', issue_code, count(*)
  FROM cockpit.parking_violation_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'drone_flight', issue_code, count(*)
  FROM cockpit.drone_flight_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'drone_track_point', issue_code, count(*)
  FROM cockpit.drone_track_point_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'market_request', issue_code, count(*)
  FROM cockpit.market_request_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'town', issue_code, count(*)
  FROM cockpit.town_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'unit_grid', issue_code, count(*)
  FROM cockpit.unit_grid_checked WHERE issue_code IS NOT NULL GROUP BY issue_code
UNION ALL
SELECT 'parking_road', issue_code, count(*)
  FROM cockpit.parking_road_checked WHERE issue_code IS NOT NULL GROUP BY issue_code;

-- The working-time clock (工作时钟): one row per local day from 2015 to a year ahead, the day's working
-- periods from cockpit.work_calendar (days missing there follow the standard week, Mon-Fri
-- 08:30-12:00 and 13:30-17:30: SQL cannot know the official holidays and make-up days of a day the
-- table lacks, so `python -m cockpit calendar` fills the table from China's official schedule and
-- `python -m cockpit check` warns while it lacks the current or the next year; cockpit/worktime.py
-- with official=False is this rule) and the working seconds of all earlier
-- days. Working time from a to b is cum(b) - cum(a), where cum(t) = seconds_before_day of t's local day
-- + the working seconds of that day up to t's local time.
CREATE OR REPLACE VIEW cockpit.work_clock AS
WITH bounds AS (
    SELECT least(coalesce(min(day), DATE '2015-01-01'), DATE '2015-01-01')                   AS first_day,
           greatest(coalesce(max(day), CURRENT_DATE), CURRENT_DATE) + 366                    AS last_day
    FROM cockpit.work_calendar
),
calendar AS (
    SELECT CAST(g.d AS date)                                                   AS day,
           coalesce(w.is_workday, extract(isodow FROM g.d) < 6)                AS is_workday,
           CASE WHEN w.day IS NULL THEN TIME '08:30' ELSE w.am_start END       AS am_start,
           CASE WHEN w.day IS NULL THEN TIME '12:00' ELSE w.am_end END         AS am_end,
           CASE WHEN w.day IS NULL THEN TIME '13:30' ELSE w.pm_start END       AS pm_start,
           CASE WHEN w.day IS NULL THEN TIME '17:30' ELSE w.pm_end END         AS pm_end
    FROM bounds b
    CROSS JOIN LATERAL generate_series(b.first_day, b.last_day, interval '1 day') AS g (d)
    LEFT JOIN cockpit.work_calendar w ON w.day = CAST(g.d AS date)
),
periods AS (
    SELECT c.day, c.is_workday,
           CASE WHEN c.is_workday AND c.am_start < c.am_end THEN c.am_start END AS am_start,
           CASE WHEN c.is_workday AND c.am_start < c.am_end THEN c.am_end END   AS am_end,
           CASE WHEN c.is_workday AND c.pm_start < c.pm_end THEN c.pm_start END AS pm_start,
           CASE WHEN c.is_workday AND c.pm_start < c.pm_end THEN c.pm_end END   AS pm_end
    FROM calendar c
)
SELECT p.*,
       coalesce(sum(coalesce(extract(epoch FROM p.am_end - p.am_start), 0)
                  + coalesce(extract(epoch FROM p.pm_end - p.pm_start), 0))
                OVER (ORDER BY p.day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS seconds_before_day
FROM periods p;

-- == shared market figures: the definitions every market query reads (cockpit/market) ==

-- Working seconds between two instants (工作时长): the working time from p_from to p_to on cockpit.work_clock,
-- cum(p_to) - cum(p_from), where cum(t) = seconds_before_day of t's local day (Asia/Shanghai) + the working
-- seconds of that day up to t's local time; 0 when p_to is before p_from. No row when either instant is null
-- or falls on a day outside the clock. It returns a set so that PostgreSQL inlines it into the calling query:
-- call it once per query over a set of spans (`CROSS JOIN LATERAL cockpit.working_seconds(a, b) AS w`), and
-- the clock is read once for all of them. The market's speed figures (market.by_group, market.longest_open,
-- market.ip_monthly) read it; cockpit/worktime.py is its Python reference.
CREATE OR REPLACE FUNCTION cockpit.working_seconds(p_from timestamptz, p_to timestamptz)
RETURNS TABLE (seconds numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $ws$
SELECT greatest(0, (t.seconds_before_day
                    + coalesce(greatest(0, extract(epoch FROM least(CAST(p_to AT TIME ZONE 'Asia/Shanghai' AS time), t.am_end) - t.am_start)), 0)
                    + coalesce(greatest(0, extract(epoch FROM least(CAST(p_to AT TIME ZONE 'Asia/Shanghai' AS time), t.pm_end) - t.pm_start)), 0))
                 - (f.seconds_before_day
                    + coalesce(greatest(0, extract(epoch FROM least(CAST(p_from AT TIME ZONE 'Asia/Shanghai' AS time), f.am_end) - f.am_start)), 0)
                    + coalesce(greatest(0, extract(epoch FROM least(CAST(p_from AT TIME ZONE 'Asia/Shanghai' AS time), f.pm_end) - f.pm_start)), 0)))
FROM cockpit.work_clock f
JOIN cockpit.work_clock t ON t.day = CAST(p_to AT TIME ZONE 'Asia/Shanghai' AS date)
WHERE f.day = CAST(p_from AT TIME ZONE 'Asia/Shanghai' AS date)
$ws$;


-- The collection rule "不过午、不过夜" (cockpit/waste/rules.py is its Python reference): every timed-and-fixed-
-- point drop-off station and local day from p_date_from to p_date_to (days after p_as_of left out), its
-- morning and evening rounds judged at p_as_of: on_time | pending (cut-off not passed, not yet on time) |
-- late | missed. The queries waste.collection_compliance, waste.compliance_by_town and
-- waste.breaches_today read it; the cut-offs and window starts are their parameters.
CREATE OR REPLACE FUNCTION cockpit.collection_rounds(
    p_as_of timestamptz, p_date_from date, p_date_to date, p_town_code text,
    p_morning_start time, p_noon_cutoff time, p_evening_start time, p_night_cutoff time)
RETURNS TABLE (site_id text, name_zh text, town_code text, community_code text, lat double precision,
               lon double precision, day date, noon_cutoff_at timestamptz, night_cutoff_at timestamptz,
               collect_weighings bigint, first_morning_at timestamptz, first_evening_at timestamptz,
               has_morning boolean, has_evening boolean, morning_state text, evening_state text)
LANGUAGE sql STABLE AS $rule$
WITH rule AS (
    SELECT p_as_of AS as_of, p_morning_start AS morning_start, p_noon_cutoff AS noon_cutoff,
           p_evening_start AS evening_start, p_night_cutoff AS night_cutoff
),

days AS (
    SELECT CAST(g.day AS date) AS day
    FROM rule r,
         generate_series(CAST(p_date_from AS timestamp),
                         CAST(least(p_date_to, CAST(r.as_of AT TIME ZONE 'Asia/Shanghai' AS date)) AS timestamp),
                         interval '1 day') AS g(day)
),

stations AS (
    SELECT s.site_id, s.name_zh, s.town_code, s.community_code, s.lat, s.lon
    FROM cockpit.waste_site s
    WHERE s.kind = 'dropoff'
      AND s.is_timed_fixed
      AND (p_town_code IS NULL OR s.town_code = p_town_code)
),

collections AS (
    SELECT w.site_id,
           w.weighed_at,
           CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day,
           CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS time) AS clock
    FROM rule r
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'collect'
     AND w.weighed_at >= (SELECT CAST(min(day) AS timestamp) AT TIME ZONE 'Asia/Shanghai' FROM days)
     AND w.weighed_at <  (SELECT CAST(max(day) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai' FROM days)
     AND w.weighed_at <= r.as_of
    JOIN stations s ON s.site_id = w.site_id
),

station_rounds AS (
    SELECT c.site_id,
           c.day,
           count(*)                                                                           AS collect_weighings,
           min(c.weighed_at) FILTER (WHERE c.clock >= r.morning_start AND c.clock < r.evening_start) AS first_morning_at,
           min(c.weighed_at) FILTER (WHERE c.clock >= r.evening_start)                        AS first_evening_at,
           count(*) FILTER (WHERE c.clock >= r.morning_start AND c.clock <= r.noon_cutoff) > 0 AS morning_on_time,
           count(*) FILTER (WHERE c.clock >= r.evening_start AND c.clock <= r.night_cutoff) > 0 AS evening_on_time
    FROM rule r
    CROSS JOIN collections c
    GROUP BY c.site_id, c.day
),

judged AS (
    SELECT s.site_id,
           s.name_zh,
           s.town_code,
           s.community_code,
           s.lat,
           s.lon,
           d.day,
           (d.day + r.noon_cutoff) AT TIME ZONE 'Asia/Shanghai'                               AS noon_cutoff_at,
           (d.day + r.night_cutoff) AT TIME ZONE 'Asia/Shanghai'                              AS night_cutoff_at,
           coalesce(x.collect_weighings, 0)                                                   AS collect_weighings,
           x.first_morning_at,
           x.first_evening_at,
           x.first_morning_at IS NOT NULL                                                     AS has_morning,
           x.first_evening_at IS NOT NULL                                                     AS has_evening,
           CASE WHEN x.morning_on_time                                          THEN 'on_time'
                WHEN r.as_of <= (d.day + r.noon_cutoff) AT TIME ZONE 'Asia/Shanghai'  THEN 'pending'
                WHEN x.first_morning_at IS NOT NULL                             THEN 'late'
                ELSE 'missed'
           END                                                                                AS morning_state,
           CASE WHEN x.evening_on_time                                          THEN 'on_time'
                WHEN r.as_of <= (d.day + r.night_cutoff) AT TIME ZONE 'Asia/Shanghai' THEN 'pending'
                WHEN x.first_evening_at IS NOT NULL                             THEN 'late'
                ELSE 'missed'
           END                                                                                AS evening_state
    FROM rule r
    CROSS JOIN days d
    CROSS JOIN stations s
    LEFT JOIN station_rounds x ON x.site_id = s.site_id AND x.day = d.day
)
SELECT j.site_id, j.name_zh, j.town_code, j.community_code, j.lat, j.lon, j.day, j.noon_cutoff_at,
       j.night_cutoff_at, j.collect_weighings, j.first_morning_at, j.first_evening_at, j.has_morning,
       j.has_evening, j.morning_state, j.evening_state
FROM judged j
$rule$;

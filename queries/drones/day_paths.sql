-- name: drones.day_paths
-- grain: one row per unbroken piece of the track of each valid flight started on the local day :day (Asia/Shanghai) up to :as_of from nests of :town_code (or all): its nest and route, and the path downsampled to the first point of every :step_s seconds plus the piece's last point, as JSON [[lon, lat], ...] (5 decimals)
-- params: day, as_of, town_code, step_s
-- ttl: 300
-- Pieces are separated by broken segments (cockpit.drone_track_segment.break_code: a gap, a speed jump
-- or time running backwards), which are not drawn; full precision stays in the database.
WITH flights AS (
    SELECT f.flight_id, f.nest_id, f.route_name, f.purpose_code, f.started_at, f.ended_at
    FROM cockpit.drone_flight_valid f
    WHERE f.started_at >= CAST(CAST(:day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND f.started_at <  CAST(CAST(:day AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'
      AND f.started_at <= CAST(:as_of AS timestamptz)
      AND (CAST(:town_code AS text) IS NULL OR f.town_code = :town_code)
),

segments AS (
    SELECT s.flight_id,
           s.seq,
           s.next_seq,
           s.started_at,
           s.lat0, s.lon0, s.lat1, s.lon1,
           s.break_code,
           count(s.break_code) OVER (PARTITION BY s.flight_id ORDER BY s.seq) AS piece
    FROM flights f
    JOIN cockpit.drone_track_segment s ON s.flight_id = f.flight_id
    WHERE s.ended_at <= CAST(:as_of AS timestamptz)
),

usable AS (
    SELECT * FROM segments WHERE break_code IS NULL
),

kept AS (
    (SELECT DISTINCT ON (flight_id, piece, floor(extract(epoch FROM started_at) / CAST(:step_s AS integer)))
            flight_id, piece, seq AS ord, lat0 AS lat, lon0 AS lon
     FROM usable
     ORDER BY flight_id, piece, floor(extract(epoch FROM started_at) / CAST(:step_s AS integer)), seq)
    UNION ALL
    (SELECT DISTINCT ON (flight_id, piece)
            flight_id, piece, next_seq AS ord, lat1 AS lat, lon1 AS lon
     FROM usable
     ORDER BY flight_id, piece, seq DESC)
),

pieces AS (
    SELECT flight_id,
           piece,
           count(*)                                                        AS points_kept,
           CAST(json_agg(json_build_array(round(CAST(lon AS numeric), 5), round(CAST(lat AS numeric), 5))
                         ORDER BY ord) AS text)                            AS path_json
    FROM kept
    GROUP BY flight_id, piece
),

piece_sizes AS (
    SELECT flight_id, piece, count(*) + 1 AS points_full
    FROM usable
    GROUP BY flight_id, piece
)

SELECT f.flight_id,
       p.piece,
       f.nest_id,
       n.name_zh AS nest_name_zh,
       f.route_name,
       f.purpose_code,
       f.started_at,
       f.ended_at,
       z.points_full,
       p.points_kept,
       p.path_json
FROM pieces p
JOIN flights f          ON f.flight_id = p.flight_id
JOIN piece_sizes z      ON z.flight_id = p.flight_id AND z.piece = p.piece
JOIN cockpit.drone_nest n ON n.nest_id = f.nest_id
ORDER BY f.started_at, f.flight_id, p.piece

-- name: parking.hotspots
-- grain: one row per unit grid with valid parking violations in the 7 local days ending :date_to or the 7 days before: violations in each week, the road most of this week's records were on; most violations first (ties by grid_code)
-- params: as_of, date_to, town_code, road_id, method
-- ttl: 300
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                          AS as_of,
           CAST(CAST(:date_to AS date) - 13 AS timestamp) AT TIME ZONE 'Asia/Shanghai'          AS prev_start,
           CAST(CAST(:date_to AS date) - 6 AS timestamp) AT TIME ZONE 'Asia/Shanghai'           AS week_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'           AS week_end
),

per_grid AS (
    SELECT v.grid_code,
           count(*) FILTER (WHERE v.observed_at >= p.week_start)                       AS violations,
           count(*) FILTER (WHERE v.observed_at <  p.week_start)                       AS previous_week,
           mode() WITHIN GROUP (ORDER BY v.road_id) FILTER (WHERE v.observed_at >= p.week_start
                                                              AND v.road_id IS NOT NULL) AS main_road_id
    FROM p
    JOIN cockpit.parking_violation_valid v
      ON v.observed_at >= p.prev_start
     AND v.observed_at <  p.week_end
     AND v.observed_at <= p.as_of
    WHERE v.grid_code IS NOT NULL
      AND (CAST(:town_code AS text) IS NULL OR v.town_code = :town_code)
      AND (CAST(:road_id AS text) IS NULL OR v.road_id = :road_id)
      AND (CAST(:method AS text) IS NULL OR v.method = :method)
    GROUP BY v.grid_code
)

SELECT g.grid_code,
       g.community_code,
       coalesce(cm.name_zh, g.community_code) AS community_name_zh,
       g.town_code,
       g.centroid_lat   AS lat,
       g.centroid_lon   AS lon,
       pg.violations,
       pg.previous_week,
       pg.main_road_id,
       r.name_zh        AS main_road_name_zh
FROM per_grid pg
JOIN cockpit.unit_grid g       ON g.grid_code = pg.grid_code
LEFT JOIN cockpit.community cm  ON cm.community_code = g.community_code
LEFT JOIN cockpit.parking_road r ON r.road_id = pg.main_road_id
ORDER BY pg.violations DESC, g.grid_code

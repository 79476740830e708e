-- name: weekly.movers
-- grain: one row per kind (town, squadron, category: valid cases received; road: valid parking violations; station: tonnes collected at a drop-off station) and member, for the ISO week that starts on Monday :week_start and the week before it (local days, Asia/Shanghai; events up to :as_of): the value in each week and the change; only the :top_n members with the largest absolute change of each kind (ties by code), members with nothing in either week left out
-- params: as_of, week_start, top_n
-- ttl: 600
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                  AS as_of,
           CAST(CAST(:week_start AS date) - 7 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS prev_start_at,
           CAST(CAST(:week_start AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'     AS week_start_at,
           CAST(CAST(:week_start AS date) + 7 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS week_end_at
),

cases AS (
    SELECT c.town_code,
           c.squadron_code,
           c.category_code,
           c.reported_at >= p.week_start_at AS in_week
    FROM params p
    JOIN cockpit.grid_case_valid c
      ON c.reported_at >= p.prev_start_at
     AND c.reported_at <  p.week_end_at
     AND c.reported_at <= p.as_of
),

parking AS (
    SELECT v.road_id,
           v.observed_at >= p.week_start_at AS in_week
    FROM params p
    JOIN cockpit.parking_violation_valid v
      ON v.observed_at >= p.prev_start_at
     AND v.observed_at <  p.week_end_at
     AND v.observed_at <= p.as_of
    WHERE v.road_id IS NOT NULL
),

waste AS (
    SELECT w.site_id,
           w.net_tonnes,
           w.weighed_at >= p.week_start_at AS in_week
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'collect'
     AND w.weighed_at >= p.prev_start_at
     AND w.weighed_at <  p.week_end_at
     AND w.weighed_at <= p.as_of
),

members AS (
    SELECT 'town' AS kind, town_code AS code,
           count(*) FILTER (WHERE in_week) AS this_week, count(*) FILTER (WHERE NOT in_week) AS prev_week
    FROM cases GROUP BY town_code
    UNION ALL
    SELECT 'squadron', squadron_code,
           count(*) FILTER (WHERE in_week), count(*) FILTER (WHERE NOT in_week)
    FROM cases GROUP BY squadron_code
    UNION ALL
    SELECT 'category', category_code,
           count(*) FILTER (WHERE in_week), count(*) FILTER (WHERE NOT in_week)
    FROM cases GROUP BY category_code
    UNION ALL
    SELECT 'road', road_id,
           count(*) FILTER (WHERE in_week), count(*) FILTER (WHERE NOT in_week)
    FROM parking GROUP BY road_id
    UNION ALL
    SELECT 'station', site_id,
           coalesce(sum(net_tonnes) FILTER (WHERE in_week), 0), coalesce(sum(net_tonnes) FILTER (WHERE NOT in_week), 0)
    FROM waste GROUP BY site_id
),

ranked AS (
    SELECT m.kind,
           m.code,
           CAST(m.this_week AS double precision)                                          AS this_week,
           CAST(m.prev_week AS double precision)                                          AS prev_week,
           CAST(m.this_week - m.prev_week AS double precision)                            AS change,
           row_number() OVER (PARTITION BY m.kind
                              ORDER BY abs(m.this_week - m.prev_week) DESC, m.code)       AS mover_rank
    FROM members m
)

SELECT r.kind,
       r.code,
       coalesce(t.name_zh, s.name_zh, k.minor_name_zh, pr.name_zh, ws.name_zh, r.code)    AS name_zh,
       coalesce(t.name_en, s.name_en, k.minor_name_en, pr.name_zh, ws.name_zh, r.code)    AS name_en,
       CASE r.kind WHEN 'road' THEN '起' WHEN 'station' THEN '吨' ELSE '件' END          AS unit_zh,
       r.this_week,
       r.prev_week,
       r.change,
       r.mover_rank
FROM ranked r
LEFT JOIN cockpit.town t           ON r.kind = 'town'     AND t.town_code = r.code
LEFT JOIN cockpit.squadron s       ON r.kind = 'squadron' AND s.squadron_code = r.code
LEFT JOIN cockpit.case_category k  ON r.kind = 'category' AND k.category_code = r.code
LEFT JOIN cockpit.parking_road pr  ON r.kind = 'road'     AND pr.road_id = r.code
LEFT JOIN cockpit.waste_site ws    ON r.kind = 'station'  AND ws.site_id = r.code
WHERE r.mover_rank <= CAST(:top_n AS integer)
ORDER BY CASE r.kind WHEN 'town' THEN 1 WHEN 'squadron' THEN 2 WHEN 'category' THEN 3 WHEN 'road' THEN 4 ELSE 5 END,
         r.mover_rank

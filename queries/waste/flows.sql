-- name: waste.flows
-- grain: one row per arc, stage and category on local day :day (Asia/Shanghai) up to :as_of, from valid transfer and dispose weighings that name their upstream site (from_site_id a known site): a load from a drop-off station is drawn from its town (from_kind 'town', at the town's seat, or the mean of its feeding stations when the seat is unknown), aggregated per town and receiving site; a load from a transfer (or other non-drop-off) site is drawn from that site (from_kind 'transfer' | 'disposal'). Loads with no or an unknown from_site_id are not drawn. At most (towns + transfer sites) x receiving sites x 4 categories rows.
-- params: as_of, day
-- ttl: 120
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                           AS as_of,
           CAST(CAST(:day AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'     AS day_start,
           CAST(CAST(:day AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS day_end
),

legs AS (
    SELECT w.stage,
           w.category_code,
           w.net_tonnes,
           w.site_id                                                            AS to_site_id,
           f.site_id                                                            AS from_site_id,
           CASE WHEN f.kind = 'dropoff' THEN 'town' ELSE f.kind END             AS from_kind,
           CASE WHEN f.kind = 'dropoff' THEN f.town_code ELSE f.site_id END     AS from_code,
           f.lat                                                                AS from_site_lat,
           f.lon                                                                AS from_site_lon
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.stage IN ('transfer', 'dispose')
     AND w.weighed_at >= p.day_start
     AND w.weighed_at <  p.day_end
     AND w.weighed_at <= p.as_of
    JOIN cockpit.waste_site f ON f.site_id = w.from_site_id
),

arcs AS (
    SELECT stage,
           category_code,
           from_kind,
           from_code,
           to_site_id,
           count(DISTINCT from_site_id) AS from_sites,
           count(*)                     AS loads,
           sum(net_tonnes)              AS tonnes,
           avg(from_site_lat)           AS mean_from_lat,
           avg(from_site_lon)           AS mean_from_lon
    FROM legs
    GROUP BY stage, category_code, from_kind, from_code, to_site_id
)

SELECT a.stage,
       a.from_kind,
       a.from_code,
       coalesce(t.name_zh, fs.name_zh)                                                  AS from_name_zh,
       coalesce(t.name_en, fs.name_zh)                                                  AS from_name_en,
       CASE WHEN a.from_kind = 'town' THEN coalesce(t.seat_lat, a.mean_from_lat) ELSE fs.lat END AS from_lat,
       CASE WHEN a.from_kind = 'town' THEN coalesce(t.seat_lon, a.mean_from_lon) ELSE fs.lon END AS from_lon,
       a.to_site_id,
       ts.kind                                                                          AS to_kind,
       ts.name_zh                                                                       AS to_name_zh,
       ts.lat                                                                           AS to_lat,
       ts.lon                                                                           AS to_lon,
       a.category_code,
       a.from_sites,
       a.loads,
       a.tonnes
FROM arcs a
JOIN cockpit.waste_site ts       ON ts.site_id = a.to_site_id
LEFT JOIN cockpit.town t         ON a.from_kind = 'town' AND t.town_code = a.from_code
LEFT JOIN cockpit.waste_site fs  ON a.from_kind <> 'town' AND fs.site_id = a.from_code
ORDER BY a.stage DESC, a.from_kind, a.from_code, a.to_site_id, a.category_code

-- name: market.context_nearby
-- grain: one row per context layer (parking | street_order) and square bin of :bin_deg degrees: valid parking violations and street-order grid cases (event, 大类 :case_major_code) within :radius_m metres of (:centre_lat, :centre_lon), observed or reported between :date_from and :date_to (local days) by :as_of
-- params: as_of, date_from, date_to, centre_lat, centre_lon, radius_m, bin_deg, case_major_code
-- ttl: 300
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                 AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'    AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'  AS period_end,
           CAST(:centre_lat AS double precision)                                       AS lat0,
           CAST(:centre_lon AS double precision)                                       AS lon0,
           CAST(:radius_m AS double precision)                                         AS radius_m,
           CAST(:bin_deg AS double precision)                                          AS bin_deg
),

-- the candidates' box: the contract's metres per degree at the centre, one metre wider than the radius so
-- that no point within it is left out; the exact test is the contract's one distance (cockpit.distance_m)
box AS (
    SELECT p.*,
           (p.radius_m + 1) / cockpit.metres_per_degree_lat(p.lat0)                    AS dlat,
           (p.radius_m + 1) / cockpit.metres_per_degree_lon(p.lat0)                    AS dlon
    FROM p
),

points AS (
    SELECT 'parking' AS layer, v.lat, v.lon
    FROM box b
    JOIN cockpit.parking_violation_valid v
      ON v.observed_at >= b.period_start AND v.observed_at < b.period_end AND v.observed_at <= b.as_of
     AND v.lat BETWEEN b.lat0 - b.dlat AND b.lat0 + b.dlat
     AND v.lon BETWEEN b.lon0 - b.dlon AND b.lon0 + b.dlon
    UNION ALL
    SELECT 'street_order', c.lat, c.lon
    FROM box b
    JOIN cockpit.grid_case_valid c
      ON c.reported_at >= b.period_start AND c.reported_at < b.period_end AND c.reported_at <= b.as_of
     AND c.lat BETWEEN b.lat0 - b.dlat AND b.lat0 + b.dlat
     AND c.lon BETWEEN b.lon0 - b.dlon AND b.lon0 + b.dlon
    JOIN cockpit.case_category k
      ON k.category_code = c.category_code AND k.kind = 'event' AND k.major_code = :case_major_code
),

near AS (
    SELECT pt.layer,
           floor(pt.lat / b.bin_deg)                                                   AS lat_bin,
           floor(pt.lon / b.bin_deg)                                                   AS lon_bin,
           b.bin_deg
    FROM points pt
    CROSS JOIN box b
    WHERE cockpit.distance_m(b.lat0, b.lon0, pt.lat, pt.lon) <= b.radius_m
)

SELECT layer,
       (lat_bin + 0.5) * min(bin_deg)                                                  AS lat,
       (lon_bin + 0.5) * min(bin_deg)                                                  AS lon,
       count(*)                                                                        AS events
FROM near
GROUP BY layer, lat_bin, lon_bin
ORDER BY layer, lat_bin, lon_bin

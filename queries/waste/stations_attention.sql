-- name: waste.stations_attention
-- grain: one row per drop-off station (in :town_code when given) that needs attention at :as_of, at least one flag set; no_collection first, then the largest deviation. no_collection: no valid collect weighing in the :no_collection_hours hours before :as_of (last_collected_at looks back :history_days days). unusual ('high' | 'low'): the station's tonnes today (local day of :as_of, Asia/Shanghai) up to the clock time of :as_of lie outside its normal band, built like-for-like from its tonnes up to the same clock time on each of the :history_days previous local days (0 on days without a collection): median +/- greatest(:mad_k x 1.4826 x MAD, :min_band_tonnes), the low end clipped at 0 t (tonnes are never negative), MAD = median absolute deviation from the median; judged only when the station was collected on at least :min_history_days of those days (cockpit/waste/rules.py)
-- params: as_of, town_code, no_collection_hours, history_days, min_history_days, mad_k, min_band_tonnes
-- ttl: 60
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                     AS as_of,
           CAST(CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai' AS date)          AS today,
           CAST(CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai' AS time)          AS clock,
           CAST(:as_of AS timestamptz) - CAST(:no_collection_hours AS double precision) * interval '1 hour' AS recent_since,
           CAST(:history_days AS integer)                                                  AS history_days
),

stations AS (
    SELECT s.site_id, s.name_zh, s.town_code, s.community_code, s.lat, s.lon, s.is_timed_fixed
    FROM cockpit.waste_site s
    WHERE s.kind = 'dropoff'
      AND (CAST(:town_code AS text) IS NULL OR s.town_code = :town_code)
),

collections AS (
    SELECT w.site_id,
           w.weighed_at,
           w.net_tonnes,
           CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day,
           CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS time) AS clock
    FROM params p
    JOIN cockpit.waste_weighing_valid w
      ON w.stage = 'collect'
     AND w.weighed_at >= CAST(p.today - p.history_days AS timestamp) AT TIME ZONE 'Asia/Shanghai'
     AND w.weighed_at <= p.as_of
    JOIN stations s ON s.site_id = w.site_id
),

last_collection AS (
    SELECT site_id, max(weighed_at) AS last_collected_at
    FROM collections
    GROUP BY site_id
),

-- tonnes per station and day, up to the clock time of :as_of (so every day is cut like today)
daily AS (
    SELECT c.site_id, c.day, sum(c.net_tonnes) AS tonnes
    FROM params p
    JOIN collections c ON c.clock <= p.clock
    GROUP BY c.site_id, c.day
),

history AS (
    SELECT s.site_id,
           CAST(g.day AS date)          AS day,
           coalesce(d.tonnes, 0)        AS tonnes,
           d.tonnes IS NOT NULL         AS collected
    FROM params p
    CROSS JOIN stations s
    CROSS JOIN generate_series(CAST(p.today - p.history_days AS timestamp),
                               CAST(p.today - 1 AS timestamp), interval '1 day') AS g(day)
    LEFT JOIN daily d ON d.site_id = s.site_id AND d.day = CAST(g.day AS date)
),

medians AS (
    SELECT site_id,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY tonnes) AS median_tonnes,
           count(*) FILTER (WHERE collected)                   AS history_days_collected
    FROM history
    GROUP BY site_id
),

bands AS (
    SELECT m.site_id,
           m.median_tonnes,
           m.history_days_collected,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(h.tonnes - m.median_tonnes)) AS mad_tonnes
    FROM medians m
    JOIN history h ON h.site_id = m.site_id
    GROUP BY m.site_id, m.median_tonnes, m.history_days_collected
),

judged AS (
    SELECT s.site_id,
           s.name_zh,
           s.town_code,
           s.community_code,
           s.lat,
           s.lon,
           s.is_timed_fixed,
           l.last_collected_at,
           extract(epoch FROM p.as_of - l.last_collected_at) / 3600.0                      AS hours_since_collection,
           l.last_collected_at IS NULL OR l.last_collected_at <= p.recent_since           AS no_collection,
           coalesce(t.tonnes, 0)                                                           AS today_tonnes,
           b.median_tonnes,
           b.mad_tonnes,
           -- tonnes cannot be negative: the band's low end is clipped at 0
           greatest(0, b.median_tonnes
                       - greatest(CAST(:mad_k AS double precision) * 1.4826 * b.mad_tonnes,
                                  CAST(:min_band_tonnes AS double precision)))             AS low_tonnes,
           b.median_tonnes + greatest(CAST(:mad_k AS double precision) * 1.4826 * b.mad_tonnes,
                                      CAST(:min_band_tonnes AS double precision))          AS high_tonnes,
           b.history_days_collected,
           b.history_days_collected >= CAST(:min_history_days AS integer)                  AS is_judged
    FROM params p
    CROSS JOIN stations s
    LEFT JOIN last_collection l ON l.site_id = s.site_id
    LEFT JOIN daily t           ON t.site_id = s.site_id AND t.day = p.today
    LEFT JOIN bands b           ON b.site_id = s.site_id
),

final AS (
    SELECT j.*,
           CASE WHEN NOT j.is_judged                  THEN NULL
                WHEN j.today_tonnes > j.high_tonnes   THEN 'high'
                WHEN j.today_tonnes < j.low_tonnes    THEN 'low'
           END AS unusual
    FROM judged j
)

SELECT site_id, name_zh, town_code, community_code, lat, lon, is_timed_fixed,
       last_collected_at, hours_since_collection, no_collection,
       today_tonnes, median_tonnes, mad_tonnes, low_tonnes, high_tonnes, history_days_collected, unusual
FROM final
WHERE no_collection OR unusual IS NOT NULL
ORDER BY no_collection DESC, abs(today_tonnes - median_tonnes) DESC NULLS LAST, site_id

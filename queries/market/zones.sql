-- name: market.zones
-- grain: one row per market building or zone (zone_code, 'unknown' when missing): valid clothing-market requests received between :date_from and :date_to (local days), open at :as_of, and the zone's position (mean of its requests' coordinates inside the service area, any date)
-- params: as_of, date_from, date_to, dept_code, item_group
-- ttl: 300
WITH p AS (
    SELECT CAST(:as_of AS timestamptz)                                                 AS as_of,
           CAST(CAST(:date_from AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'    AS period_start,
           CAST(CAST(:date_to AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai'  AS period_end
)

SELECT coalesce(q.zone_code, 'unknown')                                                AS zone_code,
       count(*) FILTER (WHERE q.submitted_at >= p.period_start AND q.submitted_at < p.period_end
                          AND (CAST(:dept_code AS text) IS NULL OR q.dept_code = :dept_code)
                          AND (CAST(:item_group AS text) IS NULL OR i.group_zh = :item_group))
                                                                                       AS received,
       count(*) FILTER (WHERE (q.resolved_at IS NULL OR q.resolved_at > p.as_of)
                          AND (CAST(:dept_code AS text) IS NULL OR q.dept_code = :dept_code)
                          AND (CAST(:item_group AS text) IS NULL OR i.group_zh = :item_group))
                                                                                       AS open_now,
       avg(q.lat) FILTER (WHERE q.lat BETWEEN 30.45 AND 30.90 AND q.lon BETWEEN 120.90 AND 121.40) AS lat,
       avg(q.lon) FILTER (WHERE q.lat BETWEEN 30.45 AND 30.90 AND q.lon BETWEEN 120.90 AND 121.40) AS lon
FROM p
JOIN cockpit.market_request_valid q ON q.submitted_at <= p.as_of
JOIN cockpit.market_service_item i  ON i.item_code = q.item_code
GROUP BY 1
ORDER BY 1

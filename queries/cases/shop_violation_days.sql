-- name: cases.shop_violation_days
-- grain: one row per street shop: its location and the local days of its violations up to :as_of that still decide its three-colour code (one entry per violation)
-- params: as_of, town_code, reset_days
-- ttl: 300
-- The three-colour code is computed from these days by cockpit.cases.rules.shop_code, and follows the whole
-- history: a long-red shop stays red however old its first violations are. A stretch of at least
-- :reset_days clean days (rules.RESET_AFTER_CLEAN_DAYS, two step-downs: red -> yellow -> green) leaves
-- every shop green with a count of 0, as at the start, so the days up to the last such stretch change
-- nothing and are left out: a shop's days are those of its last chain, from the first violation after
-- its last stretch of at least :reset_days clean days (none when that stretch runs to the end of :as_of's
-- day). The violations are read once, in one order (that of the (shop_id, observed_at) index); a local
-- day is counted from the epoch (Asia/Shanghai has been UTC+8 without daylight saving since 1991), with
-- no time-zone conversion per row.
WITH params AS (
    SELECT CAST(:as_of AS timestamptz)                                                       AS as_of,
           CAST(floor((date_part('epoch', CAST(:as_of AS timestamptz)) + 28800) / 86400) AS integer) AS as_of_day,
           CAST(:reset_days AS integer)                                                      AS reset_days
),

days AS (
    SELECT v.shop_id,
           v.observed_at,
           CAST(floor((date_part('epoch', v.observed_at) + 28800) / 86400) AS integer) AS day_no
    FROM cockpit.shop_violation v
    CROSS JOIN params p
    WHERE v.observed_at <= p.as_of
),

-- a violation starts a chain when at least reset_days clean days lie between it and the one before
starts AS (
    SELECT d.*,
           coalesce(d.day_no - lag(d.day_no) OVER w - 1 >= p.reset_days, false) AS starts_chain
    FROM days d
    CROSS JOIN params p
    WINDOW w AS (PARTITION BY d.shop_id ORDER BY d.observed_at)
),

-- per shop: every violation day in order, the first day of its last chain and its last day
per_shop AS (
    SELECT s.shop_id,
           array_agg(s.day_no ORDER BY s.observed_at)                              AS day_nos,
           coalesce(max(s.day_no) FILTER (WHERE s.starts_chain), min(s.day_no))     AS chain_from,
           max(s.day_no)                                                           AS last_day
    FROM starts s
    GROUP BY s.shop_id
),

-- the last chain (the days are ascending, so its first day's first position is where it starts), or
-- nothing when its last day is at least reset_days clean days before the end of :as_of's day
deciding AS (
    SELECT x.shop_id,
           CASE WHEN p.as_of_day - x.last_day < p.reset_days
                THEN x.day_nos[array_position(x.day_nos, x.chain_from):] END     AS day_nos
    FROM per_shop x
    CROSS JOIN params p
)

SELECT s.shop_id,
       s.road_name,
       s.lat,
       s.lon,
       s.grid_code,
       g.town_code,
       coalesce(ARRAY(SELECT DATE '1970-01-01' + n FROM unnest(v.day_nos) WITH ORDINALITY AS u (n, i) ORDER BY i),
                '{}')                                                           AS violation_days
FROM cockpit.shop s
LEFT JOIN cockpit.unit_grid g ON g.grid_code = s.grid_code
LEFT JOIN deciding v ON v.shop_id = s.shop_id
WHERE CAST(:town_code AS text) IS NULL OR g.town_code = :town_code
ORDER BY s.shop_id

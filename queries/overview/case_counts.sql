-- name: overview.case_counts
-- grain: one row: valid cases received today, this ISO week and this year (Asia/Shanghai), up to :as_of
-- params: as_of, town_code, squadron_code
-- ttl: 60
WITH clock AS (
    SELECT CAST(:as_of AS timestamptz)                                   AS as_of,
           CAST(:as_of AS timestamptz) AT TIME ZONE 'Asia/Shanghai'      AS local_now
),

periods AS (
    SELECT as_of,
           date_trunc('day', local_now)  AT TIME ZONE 'Asia/Shanghai'   AS day_start,
           date_trunc('week', local_now) AT TIME ZONE 'Asia/Shanghai'   AS week_start,
           date_trunc('year', local_now) AT TIME ZONE 'Asia/Shanghai'   AS year_start
    FROM clock
)

SELECT count(*) FILTER (WHERE c.reported_at >= p.day_start)                       AS received_today,
       count(*) FILTER (WHERE c.reported_at >= p.day_start - interval '1 day'
                          AND c.reported_at <= p.as_of - interval '1 day')          AS received_yesterday_by_now,
       count(*) FILTER (WHERE c.reported_at >= p.week_start)                      AS received_week,
       count(*) FILTER (WHERE c.reported_at >= p.year_start)                      AS received_year
FROM periods p
JOIN cockpit.grid_case_valid c
  ON c.reported_at >= least(p.year_start, p.day_start - interval '1 day')
 AND c.reported_at <= p.as_of
WHERE (CAST(:town_code AS text) IS NULL OR c.town_code = :town_code)
  AND (CAST(:squadron_code AS text) IS NULL OR c.squadron_code = :squadron_code)

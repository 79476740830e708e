-- name: waste.compliance_by_town
-- grain: one row per town and local day (Asia/Shanghai) from :date_from to :date_to (days after :as_of left out) with at least one timed-and-fixed-point station: counts of morning and evening rounds under "不过午、不过夜" (cockpit/waste/rules.py) judged at :as_of. A round is decided (due) once its cut-off has passed (:as_of later than the day's noon or night cut-off), whether or not it was collected before; *_on_time counts the decided rounds collected on time, *_ahead the rounds already collected on time whose cut-off is still to come (not in the rate). compliance_rate (按时清运率, KPI waste_compliance) = rounds_on_time / rounds_decided, null when no cut-off has passed; the counts add up across towns and days.
-- params: as_of, date_from, date_to, town_code, morning_start, noon_cutoff, evening_start, night_cutoff
-- ttl: 120
-- the rule itself is cockpit.collection_rounds (contract/02_checked_views.sql)
WITH judged AS (
    SELECT *
    FROM cockpit.collection_rounds(CAST(:as_of AS timestamptz), CAST(:date_from AS date), CAST(:date_to AS date),
                                   CAST(:town_code AS text),
                                   CAST(:morning_start AS time), CAST(:noon_cutoff AS time),
                                   CAST(:evening_start AS time), CAST(:night_cutoff AS time))
),

-- a round is due once its cut-off has passed (the rule's own pending test: as_of later than the cut-off)
due AS (
    SELECT j.*,
           CAST(:as_of AS timestamptz) > j.noon_cutoff_at  AS morning_due,
           CAST(:as_of AS timestamptz) > j.night_cutoff_at AS evening_due
    FROM judged j
),

per_town AS (
    SELECT j.town_code,
           j.day,
           count(*)                                                                   AS timed_stations,
           count(*) FILTER (WHERE j.morning_due)                                      AS morning_decided,
           count(*) FILTER (WHERE j.morning_due AND j.morning_state = 'on_time')      AS morning_on_time,
           count(*) FILTER (WHERE j.morning_state = 'late')                           AS morning_late,
           count(*) FILTER (WHERE j.morning_state = 'missed')                         AS morning_missed,
           count(*) FILTER (WHERE NOT j.morning_due AND j.morning_state = 'on_time')  AS morning_ahead,
           count(*) FILTER (WHERE j.evening_due)                                      AS evening_decided,
           count(*) FILTER (WHERE j.evening_due AND j.evening_state = 'on_time')      AS evening_on_time,
           count(*) FILTER (WHERE j.evening_state = 'late')                           AS evening_late,
           count(*) FILTER (WHERE j.evening_state = 'missed')                         AS evening_missed,
           count(*) FILTER (WHERE NOT j.evening_due AND j.evening_state = 'on_time')  AS evening_ahead,
           count(*) FILTER (WHERE j.morning_state IN ('late', 'missed')
                               OR j.evening_state IN ('late', 'missed'))              AS stations_in_breach
    FROM due j
    GROUP BY j.town_code, j.day
)

SELECT p.town_code,
       t.name_zh                                                                      AS town_name_zh,
       t.name_en                                                                      AS town_name_en,
       p.day,
       p.timed_stations,
       p.morning_decided,
       p.morning_on_time,
       p.morning_late,
       p.morning_missed,
       p.evening_decided,
       p.evening_on_time,
       p.evening_late,
       p.evening_missed,
       p.morning_ahead,
       p.evening_ahead,
       p.morning_decided + p.evening_decided                                          AS rounds_decided,
       p.morning_on_time + p.evening_on_time                                          AS rounds_on_time,
       p.morning_ahead + p.evening_ahead                                              AS rounds_ahead,
       p.stations_in_breach,
       CAST(p.morning_on_time + p.evening_on_time AS double precision)
           / nullif(p.morning_decided + p.evening_decided, 0)                         AS compliance_rate
FROM per_town p
LEFT JOIN cockpit.town t ON t.town_code = p.town_code
ORDER BY p.day, p.town_code

-- name: waste.collection_compliance
-- grain: one row per timed-and-fixed-point drop-off station (定时定点) and local day (Asia/Shanghai) from :date_from to :date_to, days after :as_of left out: its morning and evening rounds under "不过午、不过夜" as defined in cockpit/waste/rules.py, judged at :as_of. morning_state/evening_state: on_time | pending (cut-off not passed yet, no breach) | late | missed; *_ok: true on_time, null pending, false late or missed. Cut-offs and window starts are 'HH:MM' local times (waste_rules.rule_params()).
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

final AS (
    SELECT j.site_id,
           j.name_zh,
           j.town_code,
           j.community_code,
           j.lat,
           j.lon,
           j.day,
           j.collect_weighings,
           j.has_morning,
           j.first_morning_at,
           j.morning_state,
           CASE j.morning_state WHEN 'on_time' THEN true WHEN 'pending' THEN NULL ELSE false END AS morning_ok,
           j.has_evening,
           j.first_evening_at,
           j.evening_state,
           CASE j.evening_state WHEN 'on_time' THEN true WHEN 'pending' THEN NULL ELSE false END AS evening_ok,
           j.morning_state IN ('late', 'missed') OR j.evening_state IN ('late', 'missed')      AS is_breach,
           j.noon_cutoff_at,
           j.night_cutoff_at
    FROM judged j
)

SELECT * FROM final ORDER BY day, town_code, site_id

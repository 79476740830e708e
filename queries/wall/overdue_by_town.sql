-- name: wall.overdue_by_town
-- grain: one row per town with valid cases open at :as_of past their closing deadline (超期未结案): how many, and the earliest of their deadlines (overdue since), most first
-- params: as_of
-- ttl: 60
SELECT c.town_code,
       t.name_zh                  AS town_name_zh,
       t.name_en                  AS town_name_en,
       count(*)                   AS overdue_open,
       min(c.close_deadline_at)   AS overdue_since
FROM cockpit.grid_case_at(CAST(:as_of AS timestamptz)) c
LEFT JOIN cockpit.town t ON t.town_code = c.town_code
WHERE c.overdue
GROUP BY c.town_code, t.name_zh, t.name_en
ORDER BY overdue_open DESC, c.town_code

-- name: parking.recent
-- grain: the :limit_rows latest valid parking violations up to :as_of (newest first, ties by violation_id): when, where, how recorded and what followed; `plate` is personal data and the page masks it (cockpit.privacy.mask_plate) before anything is shown
-- params: as_of, town_code, road_id, method, limit_rows
-- personal: plate
-- ttl: 60
SELECT v.violation_id,
       v.observed_at,
       v.road_id,
       r.name_zh AS road_name_zh,
       v.grid_code,
       v.town_code,
       v.method,
       v.plate,
       v.reminder_at,
       v.left_within_10min,
       v.ticketed_at,
       v.is_first_warning
FROM cockpit.parking_violation_valid v
LEFT JOIN cockpit.parking_road r ON r.road_id = v.road_id
WHERE v.observed_at <= CAST(:as_of AS timestamptz)
  AND v.observed_at >  CAST(:as_of AS timestamptz) - interval '30 days'
  AND (CAST(:town_code AS text) IS NULL OR v.town_code = :town_code)
  AND (CAST(:road_id AS text) IS NULL OR v.road_id = :road_id)
  AND (CAST(:method AS text) IS NULL OR v.method = :method)
ORDER BY v.observed_at DESC, v.violation_id DESC
LIMIT CAST(:limit_rows AS integer)

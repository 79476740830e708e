-- Pinghu command-centre cockpit: rollups (汇总), contract version 1.3.0.
--
-- Installed as-is after 02_checked_views.sql, on the operational database and in the demo alike.
-- Figures that span the whole history (a strict road's monthly trend since it became strict) or that
-- every page header shows (rows left out in the last 30 days) would otherwise read millions of rows on
-- each cold page load. These materialised views hold them per local day for complete days only, and
-- every query that reads a rollup adds the rows after its cut-off live, so a figure is always the
-- same as if it were counted from the rows themselves, however old the last refresh is:
--
--   days before cockpit.rollup_state.complete_before  -> the rollup
--   from that day's local midnight to :as_of           -> the checked views, live
--
-- cockpit.rollup_state is empty until the first refresh, and then every figure is counted live.
--
-- Refresh: `SELECT cockpit.refresh_rollups();` (or `python -m cockpit rollups refresh --url URL`) once a
-- night after midnight (Asia/Shanghai), e.g. with pg_cron:
--   SELECT cron.schedule('cockpit-rollups', '15 0 * * *', 'SELECT cockpit.refresh_rollups()');
-- It refreshes every rollup and the cut-off in one transaction, without blocking readers (CONCURRENTLY).
-- Rows that arrive late for a day before the cut-off, and rows corrected there, are counted from the
-- next refresh on. The role that refreshes must own the materialised views; the cockpit only reads them.

CREATE TABLE IF NOT EXISTS cockpit.rollup_state (
    complete_before date        NOT NULL,   -- the rollups hold every local day before this one
    refreshed_at    timestamptz NOT NULL    -- when cockpit.refresh_rollups() last ran
);

-- Valid parking violations per named road and local day.
CREATE MATERIALIZED VIEW IF NOT EXISTS cockpit.parking_road_day AS
SELECT v.road_id,
       CAST(v.observed_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day,
       count(*)                                                 AS violations
FROM cockpit.parking_violation_valid v
WHERE v.road_id IS NOT NULL
  AND v.observed_at < CAST(CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai'
GROUP BY 1, 2;

CREATE UNIQUE INDEX IF NOT EXISTS parking_road_day_key ON cockpit.parking_road_day (day, road_id);

-- Rows left out of every figure (issue_code of the checked views), per relation, issue and local day of
-- the row's own time; rows without a time are not here (they are counted live).
CREATE MATERIALIZED VIEW IF NOT EXISTS cockpit.data_quality_day AS
WITH cut AS (
    SELECT CAST(CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date) AS timestamp) AT TIME ZONE 'Asia/Shanghai' AS before
)
SELECT 'grid_case' AS relation_name, c.issue_code, CAST(c.reported_at AT TIME ZONE 'Asia/Shanghai' AS date) AS day,
       count(*) AS row_count
  FROM cockpit.grid_case_checked c, cut
 WHERE c.issue_code IS NOT NULL AND c.reported_at < cut.before
 GROUP BY 2, 3
UNION ALL
SELECT 'waste_weighing', w.issue_code, CAST(w.weighed_at AT TIME ZONE 'Asia/Shanghai' AS date), count(*)
  FROM cockpit.waste_weighing_checked w, cut
 WHERE w.issue_code IS NOT NULL AND w.weighed_at < cut.before
 GROUP BY 2, 3
UNION ALL
SELECT 'parking_violation', v.issue_code, CAST(v.observed_at AT TIME ZONE 'Asia/Shanghai' AS date), count(*)
  FROM cockpit.parking_violation_checked v, cut
 WHERE v.issue_code IS NOT NULL AND v.observed_at < cut.before
 GROUP BY 2, 3
UNION ALL
SELECT 'drone_flight', f.issue_code, CAST(f.started_at AT TIME ZONE 'Asia/Shanghai' AS date), count(*)
  FROM cockpit.drone_flight_checked f, cut
 WHERE f.issue_code IS NOT NULL AND f.started_at < cut.before
 GROUP BY 2, 3
UNION ALL
SELECT 'drone_track_point', t.issue_code, CAST(t.recorded_at AT TIME ZONE 'Asia/Shanghai' AS date), count(*)
  FROM cockpit.drone_track_point_checked t, cut
 WHERE t.issue_code IS NOT NULL AND t.recorded_at < cut.before
 GROUP BY 2, 3
UNION ALL
SELECT 'market_request', m.issue_code, CAST(m.submitted_at AT TIME ZONE 'Asia/Shanghai' AS date), count(*)
  FROM cockpit.market_request_checked m, cut
 WHERE m.issue_code IS NOT NULL AND m.submitted_at < cut.before
 GROUP BY 2, 3;

CREATE UNIQUE INDEX IF NOT EXISTS data_quality_day_key ON cockpit.data_quality_day (day, relation_name, issue_code);

-- Refresh every rollup and record the cut-off they share (now()'s local day: the same instant in
-- one transaction). Returns the new cut-off.
CREATE OR REPLACE FUNCTION cockpit.refresh_rollups() RETURNS date
LANGUAGE plpgsql AS $refresh$
DECLARE
    cut date := CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date);
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY cockpit.parking_road_day;
    REFRESH MATERIALIZED VIEW CONCURRENTLY cockpit.data_quality_day;
    DELETE FROM cockpit.rollup_state;
    INSERT INTO cockpit.rollup_state (complete_before, refreshed_at) VALUES (cut, now());
    RETURN cut;
END
$refresh$;

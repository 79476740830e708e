"""The parking page under AppTest on the demo database: figures with units, filters from the URL, and
no licence plate anywhere unmasked."""

from __future__ import annotations

import json

import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cockpit import privacy, sections
from tests.pages.test_pages import run_page


def run_parking(**query) -> AppTest:
    return run_page("app_pages/parking.py", **query)


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def sent_bytes(at: AppTest) -> bytes:
    """Everything the page sends to the browser: every element's message, tables and maps included."""
    return b"".join(n.proto.SerializeToString() for n in _walk(at._tree) if getattr(n, "proto", None) is not None)


def test_parking_page_shows_hotspots_roads_and_reminders(app_env):
    at = run_parking()
    labels = [m.label for m in run_parking(section="reminders").metric]
    for label in ("违停记录数", "电子抓拍占比", "短信提醒", "劝离率", "提醒后开单", "首违警告",
                  "提醒后不足 10 分钟即开单", "首违应警告却开单", "非首违却仅警告"):
        assert label in labels, labels
    violations = next(m for m in at.metric if m.label == "违停记录数")
    assert violations.value.endswith("起") and int(violations.value.split()[0].replace(",", "")) > 0
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    ids = {layer["id"] for layer in deck["layers"]}
    assert {"pk-hex", "pk-roads", "pk-road-labels", "pk-supply"} <= ids
    roads = next(d.value for d in run_parking(section="roads").dataframe if "每公里日均（起/公里·日）" in d.value.columns)
    assert len(roads) == 20 and roads["违停（起）"].sum() > 0
    assert set(roads["类型"]) == {"电子抓拍路段", "严管路段"}
    assert (roads[roads["类型"] == "严管路段"]["电子抓拍占比（%）"].fillna(0) == 0).all(), "capture only on capture roads"
    hot = next(d.value for d in at.dataframe if "环比" in d.value.columns)
    assert hot["近 7 天（起）"].is_monotonic_decreasing


def test_parking_page_counts_its_bad_records_in_a_caption(pg_admin_url, demo_url, monkeypatch):
    """A copy of the demo with one bad record of its own (a time in the future): the caption on every part
    counts it with the demo's own (the small demo's parking records are sometimes too few for bad rows of
    their own: below 60 records it gets none, and how many it has depends on the hour it was built)."""
    from cockpit import db, runtime
    from tests.conftest import _drop_later, demo_copy

    url = demo_copy(pg_admin_url, demo_url)
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            before = conn.execute(sa.text("SELECT count(*) FROM cockpit.parking_violation_checked "
                                          "WHERE issue_code IS NOT NULL")).scalar_one()
            conn.execute(sa.text("""
                INSERT INTO cockpit.parking_violation (violation_id, road_id, observed_at, lat, lon, grid_code, method,
                                                       plate, reminder_at, left_within_10min, ticketed_at,
                                                       is_first_warning)
                SELECT v.violation_id + 1000000, v.road_id, now() + interval '1 day', v.lat, v.lon, v.grid_code,
                       v.method, v.plate, NULL, NULL, NULL, false
                FROM cockpit.parking_violation_valid v ORDER BY v.violation_id LIMIT 1"""))
        monkeypatch.setenv("COCKPIT_DATABASE_URL", url)
        runtime.reset_runtime()
        for part in (None, "roads"):
            at = run_parking(**({} if part is None else {sections.URL_KEY: part}))
            notes = [c.value for c in at.caption if "违停记录未计入" in c.value]
            assert len(notes) == 1 and f"近 30 天 {before + 1:,} 条违停记录未计入" in notes[0], notes
    finally:
        runtime.reset_runtime()
        engine.dispose()
        _drop_later(pg_admin_url, url)


def test_no_plate_is_ever_sent_unmasked(app_env):
    parts = {part: run_parking(section=part) for part in sections.of("parking")}
    recent = next(d.value for d in parts["recent"].dataframe if "车牌（脱敏）" in d.value.columns)
    assert len(recent) > 0
    assert all(p == privacy.PLATE_PLACEHOLDER or p.endswith("***") for p in recent["车牌（脱敏）"])
    engine = sa.create_engine(app_env.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        plates = [r[0] for r in conn.execute(sa.text("SELECT DISTINCT plate FROM cockpit.parking_violation "
                                                     "WHERE plate IS NOT NULL"))]
    engine.dispose()
    # the test demo (21 days at 2 %) holds ≈77 parking records at the published year's volume: ≈64 plates
    assert len(plates) > 50
    blob = b"".join(sent_bytes(at) for at in parts.values())  # whatever part is open
    text = blob.decode("utf-8", "ignore")
    assert not privacy.UNMASKED_PLATE.search(text)
    for plate in plates:
        assert plate.encode() not in blob and json.dumps(plate)[1:-1].encode() not in blob, plate


def test_road_and_method_from_the_url(app_env):
    at = run_parking(road="R01", method="ecapture", lang="en")
    assert "Persuaded to leave" in [m.label for m in at.metric]
    assert not [w.value for w in at.warning if "not valid" in w.value]
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    roads = next(layer for layer in deck["layers"] if layer["id"] == "pk-roads")
    labels = next(layer for layer in deck["layers"] if layer["id"] == "pk-road-labels")
    assert roads["@@type"] == "ScatterplotLayer" and len(roads["data"]) > 2
    assert [r["name"] for r in labels["data"]] == ["解放路 (capture road)"]


def test_bad_url_values_are_refused(app_env):
    at = run_parking(road="R99'; DROP TABLE x", method="drone")
    warnings = " ".join(w.value for w in at.warning)
    assert "road=R99" in warnings and "method=drone" in warnings
    assert "违停记录数" in [m.label for m in at.metric]

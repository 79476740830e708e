"""Small hand-made rows for SQL tests: the fewest reference rows a fact needs, and builders for facts."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import sqlalchemy as sa


def insert_rows(engine: sa.Engine, table: str, rows: list[dict]) -> None:
    """Insert hand-made rows into cockpit.<table> (column names from the dicts)."""
    if not rows:
        return
    cols = list(rows[0])
    stmt = sa.text(
        f"INSERT INTO cockpit.{table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
    )
    with engine.begin() as conn:
        conn.execute(stmt, rows)


SH = ZoneInfo("Asia/Shanghai")

TOWN_A, TOWN_B = "330482001", "330482002"
GRID_A, GRID_B = "33048200100101", "33048200200101"


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    """A Shanghai wall-clock time as an aware datetime."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def _square(lat: float, lon: float, size: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                [lon, lat + size], [lon, lat]]]}


def seed_reference(engine) -> None:
    """Two towns with one grid each, one squadron each, one source and two categories."""
    insert_rows(engine, "town", [
        {"town_code": TOWN_A, "name_zh": "当湖街道", "name_en": "Danghu", "seat_lat": 30.70, "seat_lon": 121.01,
         "boundary": json.dumps(_square(30.69, 121.00, 0.02)), "area_km2": 4.0},
        {"town_code": TOWN_B, "name_zh": "钟埭街道", "name_en": "Zhongdai", "seat_lat": 30.72, "seat_lon": 120.97,
         "boundary": json.dumps(_square(30.71, 120.96, 0.02)), "area_km2": 4.0},
    ])
    insert_rows(engine, "squadron", [
        {"squadron_code": "SQ-DH", "name_zh": "当湖中队", "name_en": "Danghu", "town_code": TOWN_A},
        {"squadron_code": "SQ-ZD", "name_zh": "钟埭中队", "name_en": "Zhongdai", "town_code": TOWN_B},
    ])
    insert_rows(engine, "unit_grid", [
        {"grid_code": GRID_A, "community_code": GRID_A[:12], "town_code": TOWN_A, "squadron_code": "SQ-DH",
         "boundary": json.dumps(_square(30.70, 121.00)), "centroid_lat": 30.705, "centroid_lon": 121.005,
         "min_lat": 30.70, "min_lon": 121.00, "max_lat": 30.71, "max_lon": 121.01, "area_km2": 1.0},
        {"grid_code": GRID_B, "community_code": GRID_B[:12], "town_code": TOWN_B, "squadron_code": "SQ-ZD",
         "boundary": json.dumps(_square(30.72, 120.96)), "centroid_lat": 30.725, "centroid_lon": 120.965,
         "min_lat": 30.72, "min_lon": 120.96, "max_lat": 30.73, "max_lon": 120.97, "area_km2": 1.0},
    ])
    insert_rows(engine, "case_source", [{"source_code": "grid_worker", "name_zh": "网格员", "name_en": "Grid worker"}])
    insert_rows(engine, "case_category", [
        {"category_code": "E0102", "kind": "event", "major_code": "01", "minor_code": "02",
         "major_name_zh": "市容环境", "minor_name_zh": "暴露垃圾", "minor_name_en": "Exposed rubbish",
         "dispose_limit_hours": 4, "is_video_ai": True},
    ])


_next_case_id = iter(range(1, 10_000_000))


def case(reported_at: dt.datetime, *, grid: str = GRID_A, **overrides) -> dict:
    """A valid grid case in `grid` reported at `reported_at`; stage times default to null (open, not dispatched)."""
    row = {
        "case_id": next(_next_case_id), "source_code": "grid_worker", "category_code": "E0102",
        "description": None, "lat": 30.705 if grid == GRID_A else 30.725,
        "lon": 121.005 if grid == GRID_A else 120.965, "grid_code": grid,
        "handler_dept_code": "SQ-DH" if grid == GRID_A else "SQ-ZD",
        "squadron_code": "SQ-DH" if grid == GRID_A else "SQ-ZD",
        "reported_at": reported_at, "accepted_at": None, "registered_at": None, "dispatched_at": None,
        "disposed_at": None, "feedback_at": None, "verified_at": None, "closed_at": None,
        "dispose_deadline_at": None, "close_deadline_at": None, "rework_count": 0,
        "is_extended": False, "is_deferred": False, "is_rejected": False, "is_auto_closed": False,
    }
    unknown = set(overrides) - set(row)
    assert not unknown, unknown
    row.update(overrides)
    return row

"""The contract parsed from its DDL, and docs/data-contract.md kept in step with it."""

from __future__ import annotations

import re

import pytest

from cockpit import check, contract, db
DOC = db.ROOT / "docs" / "data-contract.md"

STAGES = ("reported_at", "accepted_at", "registered_at", "dispatched_at", "disposed_at",
          "feedback_at", "verified_at", "closed_at")


# ------------------------------------------------------------------------------- the DDL, parsed


def test_relations_of_the_ddl():
    rels = contract.relations()
    assert len(rels) == 27
    assert list(rels)[:3] == ["contract_version", "work_calendar", "town"]
    assert list(rels)[-1] == "market_request"
    assert sum(len(cols) for cols in rels.values()) == 198
    assert [c.name for c in rels["contract_version"]] == ["version", "applied_at", "is_demo"]


def test_grid_case_has_every_workflow_stage_as_timestamptz():
    cols = {c.name: c for c in contract.relations()["grid_case"]}
    assert len(cols) == 24
    for stage in STAGES + ("dispose_deadline_at", "close_deadline_at"):
        assert cols[stage].type == "timestamptz", stage
    names = list(cols)
    assert [names.index(s) for s in STAGES] == sorted(names.index(s) for s in STAGES)  # in workflow order
    assert cols["reported_at"].comment == "上报 / 信息收集"
    assert cols["closed_at"].comment == "结案"
    assert cols["case_id"].primary_key and cols["case_id"].not_null and cols["case_id"].type == "bigint"
    assert cols["rework_count"] == contract.Column("rework_count", "integer",
                                                   "返工: times sent back after a failed 核查",
                                                   not_null=True, primary_key=False, default="0")
    assert cols["description"].not_null is False


def test_types_comments_and_table_level_keys():
    rels = contract.relations()
    town = {c.name: c for c in rels["town"]}
    assert town["seat_lat"].type == "double precision"
    assert town["boundary"].type == "jsonb"
    assert town["town_code"].comment == "9-digit division code, e.g. 330482001 (经开: 330482400)"
    assert town["name_zh"].comment == ""
    cal = {c.name: c for c in rels["work_calendar"]}
    assert (cal["day"].type, cal["am_start"].type, cal["is_workday"].type) == ("date", "time", "boolean")
    assert {c.name for c in rels["drone_track_point"] if c.primary_key} == {"flight_id", "seq"}
    assert {c.name for c in rels["market_duty"] if c.primary_key} == {"day", "dept_code"}
    assert {c.name: c.type for c in rels["market_request"]}["satisfaction"] == "smallint"


def test_every_time_column_is_timestamptz_and_coordinates_are_double():
    """The conventions of the DDL header hold for every column."""
    for rel, cols in contract.relations().items():
        for c in cols:
            if c.name.endswith("_at"):
                assert c.type == "timestamptz", (rel, c.name)
            if c.name in ("lat", "lon") or c.name.endswith(("_lat", "_lon", "_km2", "_km", "_m", "_tonnes")):
                assert c.type == "double precision", (rel, c.name)


def test_views_and_issue_codes():
    assert contract.views() == [
        "town_checked", "town_valid", "unit_grid_checked", "unit_grid_valid", "parking_road_checked",
        "parking_road_valid", "grid_case_checked", "grid_case_valid", "waste_weighing_checked", "waste_weighing_valid",
        "parking_violation_checked", "parking_violation_valid", "drone_track_point_checked",
        "drone_track_point_valid", "drone_flight_checked", "drone_flight_valid", "drone_track_segment",
        "drone_grid_overflight", "market_request_checked", "market_request_valid", "data_quality", "work_clock",
    ]
    assert contract.checked_relations() == ["town", "unit_grid", "parking_road", "grid_case", "waste_weighing",
                                            "parking_violation", "drone_track_point", "drone_flight",
                                            "market_request"]
    codes = contract.issue_codes()
    assert codes["grid_case"] == ["missing_time", "future_time", "ancient_time", "impossible_time",
                                  "missing_location", "swapped_lat_lon", "invalid_location", "out_of_area",
                                  "unknown_source", "unknown_category", "unknown_grid"]
    assert codes["drone_flight"] == ["missing_time", "future_time", "ancient_time", "impossible_time", "unknown_nest"]
    assert codes["unit_grid"] == ["missing_geometry", "invalid_geometry", "swapped_lat_lon", "out_of_area",
                                  "invalid_bounds"]
    assert codes["parking_road"] == ["missing_geometry", "invalid_geometry", "swapped_lat_lon", "out_of_area"]
    assert contract.functions()[:5] == ["earliest_valid_time", "metres_per_degree_lat", "metres_per_degree_lon",
                                        "distance_m", "geometry_issue"]
    assert codes["waste_weighing"][-1] == "duplicate"


def test_the_version_in_the_ddl_is_the_cockpits():
    assert contract.ddl_version() == db.CONTRACT_VERSION
    assert f"contract version {db.CONTRACT_VERSION}" in (db.CONTRACT_DIR / "02_checked_views.sql").read_text()
    assert contract.parse_version("1.0.0") == (1, 0, 0)
    assert contract.parse_version("2.1") == (2, 1, 0)
    with pytest.raises(ValueError):
        contract.parse_version("one")


def test_the_checks_freshness_columns_are_contract_time_columns():
    rels = contract.relations()
    for rel, col in check.FRESHNESS.items():
        assert {c.name: c.type for c in rels[rel]}[col] == "timestamptz", rel
    assert check.SPARSE < set(check.FRESHNESS)
    assert set(check.FRESHNESS) < set(rels)


@pytest.mark.parametrize("spelling, expected", [
    ("timestamp with time zone", "timestamptz"),
    ("timestamp(3) with time zone", "timestamptz"),
    ("TIMESTAMPTZ", "timestamptz"),
    ("timestamp without time zone", "timestamp"),
    ("time without time zone", "time"),
    ("time with time zone", "timetz"),
    ("character varying(20)", "varchar"),
    ("character(5)", "char"),
    ("numeric(10,2)", "numeric"),
    ("int4", "integer"),
    ("int8", "bigint"),
    ("float8", "double precision"),
    ("double  precision", "double precision"),
    ("bool", "boolean"),
    ("text[]", "text[]"),
    ("geometry", "geometry"),
])
def test_normalise_type(spelling, expected):
    assert contract.normalise_type(spelling) == expected


def test_parser_on_tricky_ddl():
    sql = """
    CREATE TABLE IF NOT EXISTS cockpit.t (
        a   timestamp(3) with time zone NOT NULL,   -- first -- with dashes
        b   text DEFAULT '--not a comment' ,         -- b's comment
        c   numeric(10, 2),
        d   int8,
        PRIMARY KEY (a, d)
    );
    """
    cols = contract.parse_relations(sql)["t"]
    assert [(c.name, c.type, c.comment, c.not_null, c.primary_key) for c in cols] == [
        ("a", "timestamptz", "first -- with dashes", True, True),
        ("b", "text", "b's comment", False, False),
        ("c", "numeric", "", False, False),
        ("d", "bigint", "", True, True),
    ]
    assert cols[1].default == "'--not a comment'"


@pytest.mark.parametrize("sql, message", [
    ("CREATE TABLE cockpit.t (\n  a text,\n  b nonsense\n);", "not a column definition of t"),
    ("CREATE TABLE other.t (\n  a text\n);", "outside schema"),
    ("CREATE TABLE cockpit.t (\n  a text\n", "not closed"),
    ("CREATE TABLE cockpit.t (a text);", "on one line"),
    ("CREATE TABLE cockpit.t (\n  a text,\n  PRIMARY KEY (z)\n);", "unknown ['z']"),
])
def test_parser_refuses_what_it_does_not_understand(sql, message):
    with pytest.raises(contract.ContractParseError, match=re.escape(message)):
        contract.parse_relations(sql)


# ------------------------------------------------------------------------------- the documentation


def _doc_relations(text: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Relation -> column -> (type, required) from the column tables of the doc's "## Relations" section."""
    section = text.split("\n## Relations\n", 1)[1].split("\n## ", 1)[0]
    found: dict[str, dict[str, tuple[str, str]]] = {}
    current = None
    for line in section.splitlines():
        heading = re.match(r"^#{2,6}\s+(.*)$", line)
        if heading:
            m = re.match(r"`cockpit\.(\w+)`", heading.group(1))
            current = m.group(1) if m else None
            if current:
                assert current not in found, f"{current} documented twice"
                found[current] = {}
            continue
        row = re.match(r"^\|\s*`(\w+)`\s*\|([^|]*)\|([^|]*)\|", line)
        if row and current:
            assert row.group(1) not in found[current], f"{current}.{row.group(1)} documented twice"
            found[current][row.group(1)] = (row.group(2).strip(), row.group(3).strip())
    return found


def test_doc_documents_every_relation_and_column_with_its_type():
    documented = _doc_relations(DOC.read_text(encoding="utf-8"))
    rels = contract.relations()
    assert list(documented) == list(rels)  # every relation, none extra, in DDL order
    for rel, cols in rels.items():
        expected = {c.name: (c.type, "key" if c.primary_key else "yes" if c.not_null else "") for c in cols}
        assert documented[rel] == expected, rel


def test_doc_table_parser_sees_drift():
    """The doc check is not a tautology: a missing or mistyped column in the doc is seen."""
    text = DOC.read_text(encoding="utf-8")
    broken = text.replace("| `closed_at` | timestamptz |", "| `closed_at` | timestamp |", 1)
    assert _doc_relations(broken)["grid_case"]["closed_at"] == ("timestamp", "")
    dropped = re.sub(r"^\| `feedback_at` .*\n", "", text, count=1, flags=re.M)
    assert "feedback_at" not in _doc_relations(dropped)["grid_case"]


def test_doc_documents_every_view_and_issue_code():
    text = DOC.read_text(encoding="utf-8")
    views_section = text.split("\n## Checked views and data quality\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\|\s*`cockpit\.(\w+)`\s*\|", views_section, flags=re.M)
    assert listed == contract.views()
    codes = re.findall(r"^\|\s*`([a-z_]+)`\s*\|([^|]*)\|", views_section, flags=re.M)
    documented = {}
    for code, rels in codes:
        names = {r.strip() for r in rels.split(",")}
        documented[code] = set(contract.checked_relations()) if names == {"all six"} else names
    expected: dict[str, set[str]] = {}
    for rel, rel_codes in contract.issue_codes().items():
        for code in rel_codes:
            expected.setdefault(code, set()).add(rel)
    assert documented == expected


def test_doc_states_the_version_and_how_to_connect():
    text = DOC.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# The data contract (数据契约), version {db.CONTRACT_VERSION}"
    assert f"The {len(contract.relations())} relations, in seven groups." in text
    for needle in ("COCKPIT_DATABASE_URL", "[connections.ops]", "statement_timeout",
                   "python -m cockpit check --url", "Asia/Shanghai", "WGS-84",
                   f"VALUES ('{db.CONTRACT_VERSION}', now(), false)"):
        assert needle in text, needle

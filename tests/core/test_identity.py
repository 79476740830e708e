"""Roles from claims and the mapping file, the wall's device token, filter locks and the audit log
(cockpit/identity.py; no Streamlit, no database: the rules alone)."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pytest

from cockpit import identity as idn
from cockpit.settings import SH

TOWN, OTHER_TOWN, SQUADRON = "330482001", "330482002", "SQ03"


def test_roles_from_the_claim():
    leader = idn.from_claims({"sub": "u1", "email": "Li@pinghu.gov.cn", "name": "李局", "cockpit_role": "leadership",
                              "cockpit_town": TOWN})
    assert (leader.role, leader.who, leader.name, leader.subject, leader.source) == (
        "leadership", "Li@pinghu.gov.cn", "李局", "u1", "oidc")
    assert (leader.town_code, leader.locks, leader.personal) == (None, {}, "masked")  # every town, masked

    officer = idn.from_claims({"sub": "u2", "cockpit_role": " Town_Officer ", "cockpit_town": TOWN})
    assert (officer.role, officer.who, officer.locks, officer.personal) == ("officer", "u2", {"town": TOWN}, "full")

    squad = idn.from_claims({"sub": "u3", "cockpit_role": "officer", "cockpit_squadron": SQUADRON})
    assert squad.locks == {"squadron": SQUADRON}

    wall = idn.from_claims({"sub": "u4", "cockpit_role": "wall"})
    assert (wall.role, wall.personal, wall.wall_only, wall.locks) == ("wall", "hidden", True, {})


def test_a_groups_claim_and_other_claim_names():
    groups = idn.from_claims({"sub": "u", "groups": ["staff", "officer", "leadership"], "unit": TOWN},
                             role_claim="groups", town_claim="unit")
    assert groups.role == "leadership"  # the first of ROLES it holds
    officer = idn.from_claims({"sub": "u", "groups": ["staff", "officer"], "unit": TOWN},
                              role_claim="groups", town_claim="unit")
    assert (officer.role, officer.locks) == ("officer", {"town": TOWN})


@pytest.mark.parametrize("claims, reason", [
    ({"sub": "u"}, "no_role"),
    ({"sub": "u", "cockpit_role": "  "}, "no_role"),
    ({"sub": "u", "cockpit_role": []}, "no_role"),
    ({"sub": "u", "cockpit_role": "admin"}, "unknown_role"),
    ({"sub": "u", "cockpit_role": ["staff"]}, "unknown_role"),
    ({"sub": "u", "cockpit_role": {"role": "leadership"}}, "no_role"),
    ({"sub": "u", "cockpit_role": "officer"}, "officer_without_scope"),
    ({"sub": "u", "cockpit_role": "officer", "cockpit_town": ""}, "officer_without_scope"),
])
def test_anyone_else_is_refused_with_a_reason(claims, reason):
    who = idn.from_claims(claims)
    assert (who.refused, who.role, who.reason, who.personal, who.locks) == (True, None, reason, "hidden", {})


def test_the_mapping_file_wins_for_the_people_it_lists(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text('[people."Zhang@pinghu.gov.cn"]\nrole = "officer"\ntown = "330482002"\n'
                    '[people.sub-9]\nrole = "leadership"\n', encoding="utf-8")
    roles = idn.load_role_map(path)
    zhang = idn.from_claims({"sub": "s1", "email": "zhang@PINGHU.gov.cn", "cockpit_role": "leadership"}, role_map=roles)
    assert (zhang.role, zhang.locks) == ("officer", {"town": OTHER_TOWN})
    by_subject = idn.from_claims({"sub": "sub-9"}, role_map=roles)
    assert by_subject.role == "leadership"
    unlisted = idn.from_claims({"sub": "s2", "cockpit_role": "officer", "cockpit_town": TOWN}, role_map=roles)
    assert (unlisted.role, unlisted.locks) == ("officer", {"town": TOWN})
    assert idn.load_role_map(None) == idn.RoleMap()


@pytest.mark.parametrize("text, message", [
    ('[people.a]\nrole = "boss"\n', "a: role must be one of leadership, officer, wall"),
    ("[people.a\n", "roles.toml"),
])
def test_a_broken_mapping_file_is_an_error(tmp_path, text, message):
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(idn.IdentityConfigError, match=message):
        idn.load_role_map(path)
    with pytest.raises(idn.IdentityConfigError, match="COCKPIT_ROLE_MAP"):
        idn.load_role_map(tmp_path / "missing.toml")


def test_without_a_login_the_installation_role_as_before():
    assert (idn.local(None).role, idn.local(None).personal) == ("viewer", "masked")
    assert idn.local(" Officer ").personal == "full"
    assert idn.local("admin").personal == "full"
    assert (idn.local("wall").personal, idn.local("wall").wall_only) == ("hidden", False)
    assert idn.local("officer").locks == {}  # no town to lock to


def test_the_wall_device_token():
    token, digest = idn.new_device_token()
    assert digest == idn.token_digest(token) and len(token) == 48 and token not in digest
    devices = idn.parse_devices(f" hall-1:{digest.upper()} , {'a' * 64}")
    assert devices == {digest: "hall-1", "a" * 64: "aaaaaaaa"}
    wall = idn.device(f" {token} ", devices)
    assert (wall.role, wall.who, wall.source, wall.personal, wall.wall_only) == (
        "wall", "device:hall-1", "device", "hidden", True)
    unknown = idn.device("not-the-token", devices)
    assert (unknown.refused, unknown.reason) == (True, "device_unknown")
    assert idn.device(token, {}).reason == "device_unknown"  # no device registered
    assert idn.device(None, devices) is None and idn.device("", devices) is None
    assert idn.parse_devices(None) == {} and idn.parse_devices(" , ") == {}
    with pytest.raises(idn.IdentityConfigError, match="hall-2"):
        idn.parse_devices("hall-2:abc")


def test_a_url_cannot_widen_a_role():
    officer = idn.from_claims({"sub": "u", "cockpit_role": "officer", "cockpit_town": TOWN, "cockpit_squadron": SQUADRON})
    assert idn.lock(officer, {"from": "2026-01-01"}) == (
        {"from": "2026-01-01", "town": TOWN, "squadron": SQUADRON}, [])
    assert idn.lock(officer, {"town": TOWN, "squadron": [SQUADRON]}) == ({"town": TOWN, "squadron": SQUADRON}, [])
    assert idn.lock(officer, {"town": OTHER_TOWN, "squadron": "SQ01"}) == (
        {"town": TOWN, "squadron": SQUADRON}, [("town", OTHER_TOWN), ("squadron", "SQ01")])
    leader = idn.from_claims({"sub": "l", "cockpit_role": "leadership"})
    assert idn.lock(leader, {"town": OTHER_TOWN}) == ({"town": OTHER_TOWN}, [])


def _view(who, at, **filters):
    return idn.View(at=at, identity=who, page="market", filters={"town_code": None, **filters},
                    fields=("merchant_name", "merchant_phone"), rows=3)


def test_the_audit_line_and_the_log(tmp_path):
    who = idn.from_claims({"sub": "u2", "email": "wang@pinghu.gov.cn", "name": "王五", "cockpit_role": "officer",
                           "cockpit_town": TOWN})
    at = dt.datetime(2026, 11, 30, 9, 15, 2, 500, tzinfo=SH)
    path = tmp_path / "audit" / "views.jsonl"
    idn.append(path, _view(who, at, date_from=dt.date(2026, 11, 1), dept="市场监管"))
    idn.append(path, _view(who, at + dt.timedelta(minutes=1), date_from=dt.date(2026, 11, 2)))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {
        "at": "2026-11-30T09:15:02+08:00", "who": "wang@pinghu.gov.cn", "subject": "u2", "name": "王五",
        "role": "officer", "source": "oidc", "page": "market",
        "filters": {"date_from": "2026-11-01", "dept": "市场监管"},
        "fields": ["merchant_name", "merchant_phone"], "rows": 3}
    assert "王五" in lines[0]  # readable, not \\u escapes
    assert [e["filters"]["date_from"] for e in idn.read(path)] == ["2026-11-01", "2026-11-02"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert idn.read(tmp_path / "none.jsonl") == []


def test_the_audit_log_is_only_appended_to(tmp_path):
    path = tmp_path / "views.jsonl"
    path.write_text('{"kept": true}\n', encoding="utf-8")
    who = idn.local("officer")
    idn.append(path, _view(who, dt.datetime(2026, 11, 30, 9, 0, tzinfo=SH)))
    kept, added = idn.read(path)
    assert kept == {"kept": True} and added["who"] == "local"
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    with pytest.raises(OSError):  # its folder cannot be made: an error, never silence
        idn.append(blocked / "views.jsonl", _view(who, dt.datetime(2026, 11, 30, 9, 2, tzinfo=SH)))


def test_a_rerun_of_the_same_view_is_one_view():
    who = idn.local("officer")
    at = dt.datetime(2026, 11, 30, 9, 0, tzinfo=SH)
    first = _view(who, at)
    last = (first.key(), first.at)
    assert idn.is_new_view(None, first)
    assert not idn.is_new_view(last, _view(who, at + dt.timedelta(seconds=299)))
    assert idn.is_new_view(last, _view(who, at + dt.timedelta(seconds=300)))
    assert idn.is_new_view(last, _view(who, at + dt.timedelta(seconds=5), dept="x"))
    other = idn.from_claims({"sub": "o", "cockpit_role": "officer", "cockpit_town": TOWN})
    assert idn.is_new_view(last, _view(other, at + dt.timedelta(seconds=5)))

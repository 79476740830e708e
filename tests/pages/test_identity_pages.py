"""The app's identity gate without a login configured (AppTest): a broken identity setting stops the app
with its name before any page, and a wall token that matches no device is refused, not let in."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from cockpit.markup import escape
from tests.pages.test_pages import APP


def _run(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_broken_device_list_stops_the_app_with_its_name(monkeypatch):
    monkeypatch.setenv("COCKPIT_WALL_DEVICES", "hall-1:not-a-digest")
    at = _run()
    assert [e.value for e in at.error] == ["配置有误，驾驶舱无法启动：" + escape(
        "COCKPIT_WALL_DEVICES: 'hall-1' needs a SHA-256 in hex (python -m cockpit wall-token makes one)")]
    assert not at.button and not at.metric  # no page behind it


def test_a_wall_token_of_no_registered_device_is_refused(monkeypatch):
    monkeypatch.setenv("COCKPIT_WALL_DEVICES", "hall-1:" + "a" * 64)
    at = _run(mode="wall", device="guessed")
    assert [e.value for e in at.error] == ["此大屏设备未登记（设备凭证无效）。请联系指挥中心管理员。"]
    assert not at.button  # no sign-in button on a wall

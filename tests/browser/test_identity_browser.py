"""Sign-in through a real OIDC provider running locally (oidc-provider-mock, in this process) and the real
app (`streamlit run` with `[auth]` in its secrets) in headless Chromium: the login page, the role from the
ID token's claim, sign-out at the provider, a town officer refused another town, someone without a role
refused, the wall's device token (never a login page) and the audit line of an officer's view of
merchants' personal data."""

from __future__ import annotations

import datetime as dt
import threading
import urllib.parse

import pytest
import sqlalchemy as sa

from cockpit import identity
from tests.browser.test_browser import WAIT_MS, browser, pytestmark, running_app  # noqa: F401  (fixture and skip marker)

TOWN, OTHER_TOWN = "330482001", "330482002"
USERS = {
    "leader": {"email": "li@pinghu.gov.cn", "name": "李局", "cockpit_role": "leadership"},
    "officer": {"email": "wang@pinghu.gov.cn", "name": "王五", "cockpit_role": "officer", "cockpit_town": TOWN},
    "nobody": {"email": "zhao@pinghu.gov.cn", "name": "赵六"},
}


@pytest.fixture(scope="module")
def provider():
    """The identity provider: oidc-provider-mock's OIDC server on a free local port, with three people."""
    import oidc_provider_mock
    import werkzeug.serving

    app = oidc_provider_mock.app(user_claims=[oidc_provider_mock.User(sub=sub, claims=claims)
                                             for sub, claims in USERS.items()])
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def market_db(pg_admin_url, demo_url):
    """The small demo with two requests at the market still open (the small demo has none): so the market
    page has merchants' names and phones to show, and a view of them to audit. Its URL."""
    from tests.conftest import _drop_database, demo_copy
    from tests.factories import insert_rows

    url = demo_copy(pg_admin_url, demo_url)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            item, dept = conn.execute(sa.text(
                "SELECT item_code, dept_code FROM cockpit.market_service_item ORDER BY item_code LIMIT 1")).one()
        now = dt.datetime.now(dt.UTC)
        insert_rows(engine, "market_request", [
            {"request_id": 990000 + n, "item_code": item, "dept_code": dept, "channel": "onsite", "zone_code": None,
             "stall_no": f"Z9-00{n}", "merchant_name": f"测试商户{n}", "merchant_phone": f"1390000000{n}",
             "lat": 30.7230, "lon": 120.9660, "submitted_at": now - dt.timedelta(days=n), "first_response_at": None,
             "resolved_at": None, "outcome": None, "satisfaction": None} for n in (1, 2)])
        with engine.connect() as conn:
            open_now = conn.execute(sa.text("SELECT count(*) FROM cockpit.market_request_valid "
                                            "WHERE resolved_at IS NULL OR resolved_at > now()")).scalar()
    finally:
        engine.dispose()
    yield url, min(open_now, 15)
    _drop_database(pg_admin_url, url)


@pytest.fixture(scope="module")
def signed(market_db, provider, tmp_path_factory):
    """The app with `[auth]` pointing at the provider, one registered wall device and its own audit log:
    (base URL, the device's token, the audit log's path)."""
    demo_url, _ = market_db
    folder = tmp_path_factory.mktemp("identity")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-cookie-secret-for-the-tests-only-0123456789"\n'
        'client_id = "cockpit"\nclient_secret = "cockpit-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    token, digest = identity.new_device_token()
    audit = folder / "audit.jsonl"
    with running_app(demo_url, name="identity", args=(f"--secrets.files={secrets}",),
                     COCKPIT_AUDIT_LOG=str(audit), COCKPIT_WALL_DEVICES=f"hall-1:{digest}") as base:
        yield base, token, audit


@pytest.fixture
def page(browser):
    """A page in a fresh browser context: no cookie of another test's sign-in."""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(WAIT_MS)
    p = ctx.new_page()
    yield p
    ctx.close()


def sign_in(page, base: str, sub: str) -> None:
    """From the login page through the provider's form (one of its predefined people) back to the app."""
    page.goto(base + "/", wait_until="domcontentloaded")
    page.get_by_text("驾驶舱仅供局内人员使用").wait_for()
    page.get_by_role("button", name="统一身份认证登录").click()
    page.wait_for_url("**/oauth2/authorize?**")
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(base + "/**")


def test_sign_in_with_the_role_from_the_claim_and_sign_out(signed, page):
    base, _, audit = signed
    sign_in(page, base, "leader")
    page.get_by_text("当前用户：李局（领导）").wait_for()
    assert page.get_by_text("筛选已按您的职责锁定").count() == 0
    # leadership: every town; the longest open requests are in the market page's speed part
    page.goto(base + f"/market?town={OTHER_TOWN}&section=speed", wait_until="domcontentloaded")
    page.get_by_text("商户姓名与电话已脱敏显示").wait_for()  # leadership sees them masked: nothing to audit
    assert page.get_by_text("已被拒绝").count() == 0
    page.wait_for_url(f"**town={OTHER_TOWN}**")
    assert all(line["who"] != "li@pinghu.gov.cn" for line in identity.read(audit))

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/oauth2/end_session?**")  # the provider's session ends too
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(base + "/**")
    page.get_by_text("驾驶舱仅供局内人员使用").wait_for()
    page.goto(base + "/market", wait_until="domcontentloaded")  # signed out: no page without signing in
    page.get_by_text("驾驶舱仅供局内人员使用").wait_for()
    assert page.get_by_text("服装城").count() == 0


def test_a_town_officer_is_kept_to_their_town_and_their_views_are_audited(signed, market_db, page):
    base, _, audit = signed
    sign_in(page, base, "officer")
    page.get_by_text("当前用户：王五（执法人员）").wait_for()
    page.get_by_text("筛选已按您的职责锁定").wait_for()
    page.wait_for_url(f"**town={TOWN}**")  # the page's URL says which town it shows
    page.goto(base + f"/?town={OTHER_TOWN}", wait_until="domcontentloaded")
    page.get_by_text(f"链接参数 town={OTHER_TOWN} 已被拒绝").wait_for()
    assert page.locator(".st-key-overview_daily").count() == 0  # refused: no figure of the other town

    before = len(identity.read(audit))
    page.goto(base + "/market?section=speed", wait_until="domcontentloaded")  # the part with the merchants
    page.get_by_text("当前角色可查看商户完整姓名与电话").wait_for()
    lines = identity.read(audit)[before:]
    assert len(lines) == 1, lines
    [line] = lines
    assert {k: line[k] for k in ("who", "subject", "name", "role", "source", "page", "fields")} == {
        "who": "wang@pinghu.gov.cn", "subject": "officer", "name": "王五", "role": "officer", "source": "oidc",
        "page": "market", "fields": ["merchant_name", "merchant_phone"]}
    assert line["filters"]["town_code"] == TOWN and line["rows"] == market_db[1] >= 2
    page.reload(wait_until="domcontentloaded")  # a new load of the page is a new view
    page.get_by_text("当前角色可查看商户完整姓名与电话").wait_for()
    assert [line["who"] for line in identity.read(audit)[before:]] == ["wang@pinghu.gov.cn"] * 2


def test_someone_without_a_role_is_refused(signed, page):
    base, _, _ = signed
    sign_in(page, base, "nobody")
    page.get_by_text("没有驾驶舱角色").wait_for()
    assert "zhao" in page.get_by_text("没有驾驶舱角色").inner_text()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no menu, no page
    page.get_by_role("button", name="退出登录").wait_for()


def test_the_wall_opens_with_its_device_token_and_never_with_a_login_page(signed, page):
    base, token, _ = signed
    for query in ({"mode": "wall", "device": token}, {"device": token}):  # a device sees the wall only
        page.goto(f"{base}/?{urllib.parse.urlencode(query)}", wait_until="domcontentloaded")
        page.locator("[data-panel='market']").wait_for()
        assert page.get_by_text("统一身份认证登录").count() == 0
    page.goto(f"{base}/?mode=wall", wait_until="domcontentloaded")
    page.get_by_text("大屏需使用设备凭证打开").wait_for()
    assert page.get_by_text("统一身份认证登录").count() == 0  # no sign-in on a wall
    page.goto(f"{base}/?mode=wall&device=not-{token}", wait_until="domcontentloaded")
    page.get_by_text("此大屏设备未登记").wait_for()
    assert page.get_by_text("统一身份认证登录").count() == 0


def test_the_wall_token_as_the_kiosk_s_header(signed, browser):  # noqa: F811
    """A kiosk (or the proxy in front of it) sends the token as a header: no token in the URL."""
    base, token, _ = signed
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900},
                              extra_http_headers={"X-Cockpit-Device": token})
    ctx.set_default_timeout(WAIT_MS)
    try:
        page = ctx.new_page()
        page.goto(f"{base}/?mode=wall", wait_until="domcontentloaded")
        page.locator("[data-panel='market']").wait_for()
        assert page.get_by_text("大屏需使用设备凭证打开").count() == 0
    finally:
        ctx.close()

"""The one set of UI helpers: page context, header, banners, KPI cards, number formats.

Pages call these and stay thin. Every query a page runs goes through `Context.run`, so the
header knows whether anything on the page is stale and how old the data is.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field, replace
from typing import Callable

import pandas as pd
import streamlit as st

from cockpit import filters as flt
from cockpit import i18n, kpi, settings
from cockpit import identity as idn
from cockpit.gateway import NOW, UNAVAILABLE, DataUnavailable, Gateway, Result
from cockpit.markup import escape  # noqa: F401 - the one escaping helper, for pages too
from cockpit.runtime import Runtime, get_runtime
from cockpit.settings import SH

REFRESH_SECONDS = 60
STALE_DATA_MINUTES = 30        # by day: no new event for this long means the feed may be broken
STALE_NIGHT_MINUTES = 180      # 22:00–07:00 the city is quiet: an hour without a case is normal


def stale_after_minutes(local_now: dt.datetime) -> int:
    """How old the newest event may be before the page warns that the data feed may have stopped."""
    return STALE_NIGHT_MINUTES if local_now.hour >= 22 or local_now.hour < 7 else STALE_DATA_MINUTES
FILTER_KEYS = ("from", "to", "town", "squadron", "lang")


# -- formats ---------------------------------------------------------------------------------------
def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def fmt_int(value, unit: str = "") -> str:
    if _missing(value):
        return "—"
    text = f"{int(round(float(value))):,}"
    return f"{text} {unit}".strip()


def fmt_pct(value, digits: int = 1) -> str:
    return "—" if _missing(value) else f"{float(value):.{digits}f}%"


def fmt_num(value, unit: str = "", digits: int = 1) -> str:
    if _missing(value):
        return "—"
    return f"{float(value):,.{digits}f} {unit}".strip()


def number_formats(df: pd.DataFrame) -> dict:
    """A table's number columns as shown: thousands separators, counts (whole numbers) without decimals,
    other numbers with the decimals they were rounded to (at most 2). For st.dataframe's column_config."""
    return {column: st.column_config.NumberColumn(format="%,d" if digits == 0 else f"%,.{digits}f")
            for column, digits in _number_digits(df).items()}


def _number_digits(df: pd.DataFrame) -> dict:
    """Each number column's decimals as rounded (0 for whole numbers, at most 2)."""
    out = {}
    for column in df.columns:
        values = df[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        present = values.dropna().astype(float)
        out[column] = next((d for d in (0, 1, 2) if (present.round(d) - present).abs().max() < 1e-9), 2) \
            if not present.empty else 0
    return out


def display_table(df: pd.DataFrame):
    """A table as shown: missing numbers read "—" (not Streamlit's "None"), formatted as number_formats."""
    missing = {c: d for c, d in _number_digits(df).items() if df[c].isna().any()}
    if not missing:
        return df
    return df.style.format({c: (lambda v, d=d: f"{v:,.{d}f}") for c, d in missing.items()}, na_rep="—")


def fmt_age(seconds: float, lang: str) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return i18n.t("age_seconds", lang, n=seconds)
    if seconds < 2 * 3600:
        return i18n.t("age_minutes", lang, n=seconds // 60)
    return i18n.t("age_hours", lang, n=seconds // 3600)


# -- page context ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DataHealth:
    """What a page's results say about the data behind it, worked out once (`Context.health`).

    down_since: the oldest fetch time (epoch s) of stale results whose database is unreachable, or None.
    waiting: the database is unreachable and a result has never arrived (nothing to show yet).
    local_missing / local_stale: results that failed on their own (timeout, lock, error) with the database
    reachable: none yet, or shown from an older fetch (oldest_local_at)."""

    down_since: float | None = None
    waiting: bool = False
    local_missing: int = 0
    local_stale: int = 0
    oldest_local_at: float | None = None

    @property
    def down(self) -> bool:
        return self.down_since is not None or self.waiting

    @property
    def partial(self) -> bool:
        return bool(self.local_missing or self.local_stale)


@dataclass
class Context:
    runtime: Runtime
    gateway: Gateway
    filters: flt.Filters
    now: dt.datetime
    results: list[Result] = field(default_factory=list)
    # queries that returned nothing, by name -> why (gateway.UNAVAILABLE | TIMEOUT | ERROR)
    unavailable: dict[str, str] = field(default_factory=dict)
    # query name -> epoch seconds before which a cached result is too old (the wall's change check,
    # cockpit/live.py); None: each query's TTL alone
    fresh_after: Callable[[str], float | None] | None = None

    @property
    def lang(self) -> str:
        return self.filters.lang

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def t(self, key: str, /, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def health(self) -> DataHealth:
        """Down (the database is unreachable: red) against local failures (one query's timeout or
        error: a yellow note, the other figures stand), for the page banner and the wall alike."""
        down = [r for r in self.results if r.is_stale and (r.error_kind or UNAVAILABLE) == UNAVAILABLE]
        local_stale = [r for r in self.results if r.is_stale and r.error_kind not in (None, UNAVAILABLE)]
        return DataHealth(
            down_since=min((r.fetched_at for r in down), default=None),
            waiting=not down and UNAVAILABLE in self.unavailable.values(),
            local_missing=sum(1 for kind in self.unavailable.values() if kind != UNAVAILABLE),
            local_stale=len(local_stale),
            oldest_local_at=min((r.fetched_at for r in local_stale), default=None))

    def run(self, name: str, /, *, wait_seconds: float | None = None, **params) -> pd.DataFrame | None:
        """A query's rows through the shared gateway; None when it failed and nothing was cached."""
        extra = {} if wait_seconds is None else {"wait_seconds": wait_seconds}
        if self.fresh_after is not None and (after := self.fresh_after(name)) is not None:
            extra["fresh_after"] = after
        try:
            result = self.gateway.run(name, **extra, **params)
        except DataUnavailable as exc:
            self.unavailable[name] = exc.kind
            return None
        self.results.append(result)
        return result.df

    def prefetch(self, *calls: tuple[str, dict]) -> None:
        """Start the page's next queries, as (name, params), side by side in the background; the page's
        own run() calls with the same name and params then find them done or wait for them."""
        if self.fresh_after is None:
            self.gateway.prefetch(*calls)
        else:
            self.gateway.prefetch(*calls, fresh_after=self.fresh_after)

    def start(self, **calls: tuple[str, dict]) -> Started:
        """Prefetch named calls, `key=(query name, params)`; `started[key]` is then the run() of one."""
        self.prefetch(*calls.values())
        return Started(self, calls)

    def one(self, name: str, **params) -> dict | None:
        return first_row(self.run(name, **params))


def first_row(df: pd.DataFrame | None) -> dict | None:
    """A result's first row as a dict; None when it has no rows or the database is down."""
    return None if df is None or df.empty else df.iloc[0].to_dict()


@dataclass
class Started:
    """Queries a page started together (Context.start): `started[key]` waits for one and returns its rows."""
    ctx: Context
    calls: dict[str, tuple[str, dict]]

    def __getitem__(self, key: str) -> pd.DataFrame | None:
        name, params = self.calls[key]
        return self.ctx.run(name, **params)

    def one(self, key: str) -> dict | None:
        return first_row(self[key])


# -- who is looking (the rules: cockpit/identity.py) -------------------------------------------------
DEVICE_HEADER = "X-Cockpit-Device"  # a wall's device token, set by its kiosk or the proxy in front of it
DEVICE_PARAM = "device"             # … or in the wall's URL: ?mode=wall&device=TOKEN


def auth_configured() -> bool:
    """Whether `[auth]` (Streamlit's OIDC login) is in the secrets."""
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # noqa: BLE001 - no secrets file is the normal case of the demo
        return False


def _installation_role() -> str | None:
    role = settings.get().role
    if role:
        return role
    try:
        return st.secrets.get("cockpit_role")
    except Exception:  # noqa: BLE001 - no secrets file
        return None


def _device_token() -> str | None:
    try:
        headers = st.context.headers
    except RuntimeError:  # no server runtime (a script run outside `streamlit run`): no request headers
        headers = None
    token = headers.get(DEVICE_HEADER) if headers is not None else None
    return token or st.query_params.get(DEVICE_PARAM) or None


def current_identity(wall_mode: bool = False) -> idn.Identity:
    """Who is looking: a wall's device token, else the signed-in person (with `[auth]`), else the
    installation's role (COCKPIT_ROLE). Raises identity.IdentityConfigError for a broken setting."""
    conf = settings.get()
    devices = idn.parse_devices(conf.wall_devices)  # a broken list stops the app on every page, not on a wall
    token = _device_token()
    if token:
        return idn.device(token, devices)
    if not auth_configured():
        return idn.local(_installation_role())
    if not st.user.is_logged_in:  # a wall never gets the login page: it needs its device token
        return idn.refused(idn.DEVICE_NEEDED if wall_mode else idn.LOGIN)
    return idn.from_claims(st.user.to_dict(), role_claim=conf.role_claim, town_claim=conf.town_claim,
                           squadron_claim=conf.squadron_claim, role_map=idn.load_role_map(conf.role_map))


def gate(lang: str, wall_mode: bool = False) -> idn.Identity:
    """The identity of this run, or the login page / a clear refusal, and a stop."""
    who = current_identity(wall_mode)
    if not who.refused:
        return who
    if who.reason == idn.LOGIN:
        st.title(i18n.t("login_title", lang))
        st.write(i18n.t("login_intro", lang))
        if st.button(i18n.t("login_button", lang), type="primary", icon=":material/login:", key="login"):
            st.login()
    else:
        st.title(i18n.t("refused_title", lang))
        st.error(i18n.t(f"refused_{who.reason}", lang, who=escape(who.who)), icon=":material/block:")
        if who.source == idn.SOURCE_OIDC:
            logout_button(lang)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def logout_button(lang: str) -> None:
    if st.button(i18n.t("logout_button", lang), icon=":material/logout:", key="logout"):
        st.logout()


def _refuse_scope(who: idn.Identity, refused: list[tuple[str, str]], lang: str,
                  towns: dict[str, dict], squadrons: dict[str, dict]) -> None:
    """A URL asked for a town or squadron outside the role: a clear page, a link to their own, a stop."""
    name_col = "name_zh" if lang == "zh" else "name_en"
    names = {"town": towns, "squadron": squadrons}
    own = "、".join(str(names[k].get(v, {}).get(name_col) or v) for k, v in who.locks.items())
    st.title(i18n.t("refused_title", lang))
    for key, value in refused:
        st.error(i18n.t("refused_scope", lang, own=escape(own), key=key, value=escape(value)), icon=":material/block:")
    st.session_state.pop("filter_params", None)
    if st.button(i18n.t("refused_scope_link", lang, own=escape(own)), key="own_scope"):
        for key, _ in refused:
            st.query_params[key] = who.locks[key]
        st.rerun()
    st.stop()


def personal_data(wall: bool = False) -> str:
    """How much personal data this run may show (identity.HIDDEN, MASKED, FULL); never more on a wall."""
    return idn.HIDDEN if wall else current_identity().personal


def audit_view(ctx: Context, page: str, fields: tuple[str, ...], rows: int, **page_filters) -> bool:
    """Record a view of unmasked personal data in the audit log (once per person, page and filters in
    AUDIT_REPEAT_SECONDS); False when the log cannot be written, and then the page must mask."""
    view = idn.View(at=dt.datetime.now(SH), identity=current_identity(), page=page,
                    filters={**ctx.filters.sql_params(), **page_filters}, fields=fields, rows=rows)
    last = st.session_state.get("_audit_last")
    if not idn.is_new_view(last, view):
        return True
    try:
        idn.append(settings.get().audit_log, view)
    except OSError:
        st.warning(ctx.t("audit_failed"), icon=":material/lock:")
        return False
    st.session_state["_audit_last"] = (view.key(), view.at)
    return True


def current_lang() -> str:
    lang = st.query_params.get("lang") or st.session_state.get("lang") or "zh"
    return lang if lang in flt.LANGS else "zh"


def show_bootstrap(runtime: Runtime, lang: str) -> None:
    """While the embedded demo starts: a progress bar, and a rerun every half second until it is ready."""
    if runtime.state == "failed":
        st.error(i18n.t("bootstrap_failed", lang, error=escape(runtime.error)))
        time.sleep(5)
        st.rerun()
    title = i18n.t("loading_demo" if runtime.state == "loading" else "starting_db", lang)
    st.info(title)
    message = runtime.message if runtime.message not in i18n.TEXT else i18n.t(runtime.message, lang)
    st.progress(runtime.fraction, text=f"{message} · {runtime.fraction:.0%}")
    time.sleep(0.5)
    st.rerun()


def page_context() -> Context:
    """Runtime, filters from the URL (validated), the sidebar, and 'now' — or the bootstrap screen."""
    runtime = get_runtime()
    lang = current_lang()
    if not runtime.ready:
        show_bootstrap(runtime, lang)
        st.stop()
    gateway = runtime.gateway
    now = dt.datetime.now(SH)

    towns = _lookup(gateway, "common.towns", "town_code")
    squadrons = _lookup(gateway, "common.squadrons", "squadron_code")
    who = current_identity()
    source = {k: st.query_params.get(k) for k in FILTER_KEYS if k in st.query_params}
    if not source:  # switching pages drops the URL parameters: keep the session's filters
        source = dict(st.session_state.get("filter_params", {}))
    source, outside = idn.lock(who, source)  # a URL never widens a role
    if outside:
        _refuse_scope(who, outside, lang, towns, squadrons)
    locks = who.locks
    parsed = flt.parse(source, today=now.date(), town_codes=set(towns) | {locks.get("town")} - {None},
                       squadron_codes=set(squadrons) | {locks.get("squadron")} - {None})
    filters = _sidebar(parsed.filters, towns, squadrons, now.date(), who)
    filters = _locked(filters, locks)
    for key, value in parsed.problems:
        st.warning(i18n.t("bad_param", filters.lang, key=key, value=escape(value)), icon=":material/warning:")

    params = filters.to_query_params(now.date())
    st.session_state["filter_params"] = params
    st.session_state["lang"] = filters.lang
    i18n.use(filters.lang)  # the language of this run: every text lookup below reads it
    _write_url(FILTER_KEYS, params)
    return Context(runtime=runtime, gateway=gateway, filters=filters, now=now)


def wall_context() -> Context:
    """The wall screen's context: no sidebar; town and language from the URL (refused values are dropped
    quietly and listed in `unavailable`-free `problems` by the caller)."""
    runtime = get_runtime()
    lang = current_lang()
    if not runtime.ready:
        show_bootstrap(runtime, lang)
        st.stop()
    now = dt.datetime.now(SH)
    towns = _lookup(runtime.gateway, "common.towns", "town_code")
    who = current_identity(wall_mode=True)
    source = {k: st.query_params.get(k) for k in ("town", "lang") if k in st.query_params}
    source, outside = idn.lock(who, source)
    source.pop("squadron", None)  # the wall has no squadron filter
    if outside and any(key == "town" for key, _ in outside):
        _refuse_scope(who, [o for o in outside if o[0] == "town"], lang, towns, {})
    own_town = who.locks.get("town")
    parsed = flt.parse(source, today=now.date(), town_codes=set(towns) | ({own_town} if own_town else set()),
                       squadron_codes=set())
    filters = _locked(parsed.filters, {"town": own_town} if own_town else {})
    ctx = Context(runtime=runtime, gateway=runtime.gateway, filters=filters, now=now)
    ctx.problems = parsed.problems  # type: ignore[attr-defined]
    st.session_state["lang"] = parsed.filters.lang  # the fragment's reruns read the language from here
    i18n.use(parsed.filters.lang)
    return ctx


def _locked(filters: flt.Filters, locks: dict[str, str]) -> flt.Filters:
    """The filters with the role's locks, whatever the widgets or a missing lookup said."""
    changes = {f"{key}_code": value for key, value in locks.items()}
    return replace(filters, **changes) if changes else filters


def _write_url(keys: tuple[str, ...], params: dict[str, str]) -> None:
    """Make the URL hold exactly `params` among `keys` (other parameters stay)."""
    for key in keys:
        if key in params:
            if st.query_params.get(key) != params[key]:
                st.query_params[key] = params[key]
        elif key in st.query_params:
            del st.query_params[key]


def _follow_url(widget_key: str, current) -> None:
    """Keep a URL-backed widget's key stable across runs (a changing key loses the user's next choice) and
    let the URL win only when it changed from outside: a link, a map click, another page. `current` is the
    URL's value now; the value this widget last wrote is remembered beside it."""
    written = f"{widget_key}__url"
    if widget_key not in st.session_state or st.session_state.get(written, current) != current:
        st.session_state[widget_key] = current
    st.session_state[written] = current


def _written(widget_key: str, value) -> None:
    st.session_state[f"{widget_key}__url"] = value


def url_choice(ctx: Context, key: str, options: dict[str, str], label: str) -> str | None:
    """A page's own filter: a select box whose value lives in the URL under `key`, validated against `options`."""
    raw = st.query_params.get(key)
    if raw is not None and raw not in options:
        st.warning(ctx.t("bad_param", key=key, value=escape(raw)), icon=":material/warning:")
        raw = None
    choices = [None, *options]
    widget = f"url_{key}"
    _follow_url(widget, raw)
    if st.session_state[widget] not in choices:  # an option that is gone (another town's list)
        st.session_state[widget] = None
    # None is "all": shown as such, also where the box reads no choice (its placeholder)
    value = st.selectbox(label, choices, key=widget, placeholder=ctx.t("all"),
                         format_func=lambda c: ctx.t("all") if c is None else options[c])
    _written(widget, value)
    _write_url((key,), {} if value is None else {key: value})
    return value


def url_radio(ctx: Context, key: str, options: dict[str, str], label: str, default: str) -> str:
    """A page's own one-of-a-few choice (radio) whose value lives in the URL under `key` (default left out)."""
    return _url_one_of(ctx, key, options, default, lambda choices, widget: st.radio(
        label, choices, key=widget, horizontal=True, format_func=lambda c: options[c]))


def url_section(ctx: Context, page: str) -> str:
    """The part of a long page to show (cockpit/sections.py): a segmented control across the page whose
    value lives in the URL under `section`; an unknown value gets a message and the first part."""
    from cockpit import sections

    parts = sections.of(page)
    options = {part: ctx.t(sections.label_key(page, part)) for part in parts}
    return _url_one_of(ctx, sections.URL_KEY, options, parts[0], lambda choices, widget: st.segmented_control(
        ctx.t("part_label"), choices, key=widget, required=True, format_func=lambda c: options[c],
        label_visibility="collapsed", width="stretch"))


def _url_one_of(ctx: Context, key: str, options: dict[str, str], default: str,
                draw: Callable[[list[str], str], str | None]) -> str:
    """The mechanics of a URL-backed one-of choice: the URL's value validated (a message and the default
    for anything else), the widget's key stable, the URL written back (the default left out). `draw`
    makes the widget from the choices and the widget key and returns its value."""
    raw = st.query_params.get(key)
    if raw is not None and raw not in options:
        st.warning(ctx.t("bad_param", key=key, value=escape(raw)), icon=":material/warning:")
        raw = None
    current = raw or default
    choices = list(options)
    widget = f"url_{key}"
    _follow_url(widget, current)
    if st.session_state[widget] not in choices:  # e.g. a day that has left the 14-day list
        st.session_state[widget] = current if current in choices else default
    value = draw(choices, widget)
    value = value if value in options else default
    _written(widget, value)
    _write_url((key,), {} if value == default else {key: value})
    return value


def set_url(values: dict[str, str | None]) -> None:
    """Set (or, for None, remove) URL parameters and rerun: how a click on a map changes the filters."""
    for key, value in values.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        else:
            st.query_params[key] = value
    params = dict(st.session_state.get("filter_params", {}))
    for key, value in values.items():
        if key in FILTER_KEYS:
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
    st.session_state["filter_params"] = params
    st.rerun()


def _lookup(gateway: Gateway, name: str, key: str) -> dict[str, dict]:
    try:
        df = gateway.run(name).df
    except DataUnavailable:
        return {}
    return {row[key]: row for row in df.to_dict("records")}


def _sidebar(initial: flt.Filters, towns: dict[str, dict], squadrons: dict[str, dict],
             today: dt.date, who: idn.Identity | None = None) -> flt.Filters:
    lang = initial.lang
    name_col = "name_zh" if lang == "zh" else "name_en"
    locks = who.locks if who is not None else {}
    if "town" in locks:  # an officer's own town only: the select box shows it, and cannot change
        towns = {locks["town"]: towns.get(locks["town"]) or {"name_zh": locks["town"], "name_en": locks["town"]}}
    if "squadron" in locks:
        squadrons = {locks["squadron"]: squadrons.get(locks["squadron"])
                     or {"name_zh": locks["squadron"], "name_en": locks["squadron"]}}
    with st.sidebar:
        if who is not None and who.source == idn.SOURCE_OIDC:
            st.caption(i18n.t("signed_in_as", lang, name=escape(who.name or who.who),
                              role=i18n.t(f"role_{who.role}", lang)))
            logout_button(lang)
        st.subheader(i18n.t("filters", lang))
        period = st.date_input(
            i18n.t("period", lang), value=(initial.date_from, initial.date_to),
            min_value=flt.EARLIEST_DATE, max_value=today, key=f"period_{initial.date_from}_{initial.date_to}",
            format="YYYY-MM-DD",
        )
        date_from, date_to = initial.date_from, initial.date_to
        if isinstance(period, (list, tuple)) and len(period) == 2:
            date_from, date_to = period
        town_options = [*towns] if "town" in locks else [None, *towns]
        town = st.selectbox(
            i18n.t("town", lang), town_options, index=town_options.index(initial.town_code),
            format_func=lambda c: i18n.t("all", lang) if c is None else towns[c][name_col],
            disabled="town" in locks,
        )
        squadron_options = [*squadrons] if "squadron" in locks else [None, *squadrons]
        squadron = st.selectbox(
            i18n.t("squadron", lang), squadron_options, index=squadron_options.index(initial.squadron_code),
            format_func=lambda c: i18n.t("all", lang) if c is None else squadrons[c][name_col],
            disabled="squadron" in locks,
        )
        if locks:
            st.caption(i18n.t("scope_locked", lang))
        new_lang = st.radio(i18n.t("language", lang), flt.LANGS, index=flt.LANGS.index(lang),
                            format_func=lambda c: "中文" if c == "zh" else "English", horizontal=True)
        st.caption(i18n.t("share_hint", lang))
    return flt.Filters(date_from, date_to, town, squadron, new_lang)


# -- header and banners ------------------------------------------------------------------------------
def header(ctx: Context, title_key: str) -> None:
    """Title, 'data as of' with age, the demo badge and the data-quality count."""
    ctx.prefetch(("common.freshness", {"as_of": NOW}),
                 ("common.data_quality_recent", {"as_of": NOW, "days": DQ_DAYS}))
    meta = ctx.one("common.contract_meta")
    fresh = ctx.run("common.freshness", as_of=NOW)
    dq = ctx.run("common.data_quality_recent", as_of=NOW, days=DQ_DAYS)
    left, right = st.columns([3, 2])
    with left:
        st.title(ctx.t(title_key))
    with right:
        badges = []
        if meta and meta.get("is_demo"):
            badges.append(f":orange-badge[{ctx.t('demo_badge')}]")
        st.markdown(" ".join(badges) or "&nbsp;")
        _freshness_line(ctx, fresh)
        _data_quality_popover(ctx, dq)
    history_note(ctx)


def history_note(ctx: Context) -> None:
    """While the embedded demo's older history loads behind its recent days: say so, with its progress
    (figures over longer periods are low until it is in); when it could not be loaded, a warning."""
    runtime = ctx.runtime
    if runtime.history == "filling":
        st.caption(ctx.t("history_filling", days=runtime.first_days, pct=f"{runtime.history_fraction:.0%}"))
    elif runtime.history == "failed":
        st.warning(ctx.t("history_failed", days=runtime.first_days), icon=":material/history:")


def _freshness_line(ctx: Context, fresh: pd.DataFrame | None) -> None:
    fetched = min((r.fetched_at for r in ctx.results), default=None)
    parts = []
    if fetched is not None:
        local = dt.datetime.fromtimestamp(fetched, SH)
        age = fmt_age(time.time() - fetched, ctx.lang)
        parts.append(f"{ctx.t('data_updated')} {local:%H:%M:%S}" + (f"（{age}）" if ctx.lang == "zh" else f" ({age})"))
    if fresh is None and "common.freshness" in ctx.unavailable:
        parts.append(f"{ctx.t('newest_event')} {ctx.t('header_unknown')}")  # its query failed or timed out
    elif fresh is not None and not fresh.empty and fresh["newest_at"].notna().any():
        newest = fresh["newest_at"].max()
        parts.append(f"{ctx.t('newest_event')} {newest:%m-%d %H:%M}")
        age_min = (ctx.now - newest.to_pydatetime()).total_seconds() / 60
        if age_min > stale_after_minutes(ctx.now):
            st.warning(ctx.t("data_old", n=int(age_min)), icon=":material/schedule:")
    st.caption(" · ".join(parts), help=None)


def _data_quality_popover(ctx: Context, dq: pd.DataFrame | None) -> None:
    if dq is None:
        if "common.data_quality_recent" in ctx.unavailable:
            st.caption(ctx.t("dq_unknown"))  # its query failed or timed out: the page goes on
        return
    total = int(dq["row_count"].sum()) if not dq.empty else 0
    label = ctx.t("dq_count", n=f"{total:,}") if total else ctx.t("dq_none")
    with st.popover(label, icon=":material/rule:" if total else ":material/check_circle:"):
        st.markdown(f"**{ctx.t('dq_detail_title', days=DQ_DAYS)}**")
        if dq.empty:
            st.write(ctx.t("dq_none"))
        else:
            table = data_quality_table(dq)
            st.dataframe(table, hide_index=True, width="stretch", column_config=number_formats(table))


def status_banner(ctx: Context) -> None:
    """Call after the page's queries: a clear banner when the data shown is stale or missing.

    Red, "the database is unreachable", only when the database is (no connection, no answer); a query
    that ran past its time limit, waited too long on a lock or failed is that query's own failure: a
    yellow note that says so, and the other figures stand."""
    health = ctx.health()
    if health.down_since is not None:
        oldest = health.down_since
        local = dt.datetime.fromtimestamp(oldest, SH)
        st.error(ctx.t("db_down", time=f"{local:%H:%M:%S}", age=fmt_age(time.time() - oldest, ctx.lang)),
                 icon=":material/cloud_off:")
    elif health.waiting:
        st.error(ctx.t("db_unavailable"), icon=":material/cloud_off:")
    if health.local_missing:
        st.warning(ctx.t("query_failed_local", n=health.local_missing), icon=":material/hourglass_disabled:")
    if health.local_stale:
        oldest = health.oldest_local_at
        st.warning(ctx.t("query_stale_local", n=health.local_stale,
                         time=f"{dt.datetime.fromtimestamp(oldest, SH):%H:%M:%S}",
                         age=fmt_age(time.time() - oldest, ctx.lang)), icon=":material/hourglass_disabled:")


# -- KPI cards -------------------------------------------------------------------------------------
def kpi_definition(ctx: Context, key: str) -> None:
    """The KPI's definition behind one click."""
    item = kpi.KPIS[key]
    colon, unit = i18n.colon(ctx.lang), item.unit_in(ctx.lang)
    with st.popover(ctx.t("definition"), icon=":material/info:"):
        st.markdown(f"**{item.name(ctx.lang)}**")
        st.markdown(f"{ctx.t('formula')}{colon}{item.formula(ctx.lang)}")
        st.markdown(f"{ctx.t('unit')}{colon}{unit or ctx.t('unit_count')}")
        if item.target is not None:
            st.markdown(f"{ctx.t('target')}{colon}{'≥' if item.higher_is_better else '≤'} {item.target:g} {unit}".rstrip())
        st.markdown(f"{ctx.t('direction')}{colon}{ctx.t('higher_better' if item.higher_is_better else 'lower_better')}")
        if item.source(ctx.lang):
            st.caption(f"{ctx.t('source')}{colon}{item.source(ctx.lang)}")


def data_quality_table(dq: pd.DataFrame) -> pd.DataFrame:
    """Rows left out of the figures, by relation and issue, with their names in the current language."""
    return pd.DataFrame({
        i18n.t("relation"): [i18n.label(i18n.RELATIONS, r) for r in dq["relation_name"]],
        i18n.t("issue"): [i18n.label(i18n.ISSUES, c) for c in dq["issue_code"]],
        i18n.t("rows"): dq["row_count"].astype(int),
    })


DQ_DAYS = 30  # the header's data-quality count covers the rows of the last 30 days
COUNT_UNITS = ("件", "起", "条", "架次", "家", "次", "个")


def kpi_card(ctx: Context, key: str, value: float | None, *, previous: float | None = None,
             label: str | None = None, text: str | None = None, delta_label: str | None = None,
             caption: str | None = None) -> None:
    """A bordered metric: value with unit, change against `previous`, target status, definition one click away."""
    item = kpi.KPIS[key]
    shown_unit = item.unit_in(ctx.lang)
    if text is None:
        text = fmt_pct(value) if item.unit == "%" else fmt_num(value, shown_unit, 1 if item.unit == "分" else 0)
    delta = None
    if value is not None and previous is not None and not _missing(previous):
        diff = float(value) - float(previous)
        unit = " pp" if item.unit == "%" else f" {shown_unit}".rstrip()
        digits = 0 if item.unit in COUNT_UNITS else 1
        delta = f"{diff:+,.{digits}f}{unit} {delta_label or ctx.t('vs_previous')}"
    with st.container(border=True, key=f"kpi_{key}_{label or ''}".replace(" ", "_")):
        st.metric(label or item.name(ctx.lang), text, delta=delta,
                  delta_color="normal" if item.higher_is_better else "inverse")
        if item.target is not None:
            sign = "≥" if item.higher_is_better else "≤"
            state = item.status(value)  # the one red/amber/green rule (cockpit.kpi.Kpi.status)
            status = "" if state is None else f" · :{STATUS_MARKDOWN[state]}[{ctx.t(f'status_{state}')}]"
            target = f"{item.target:g}{'' if item.unit == '%' else ' '}{shown_unit}".rstrip()
            st.caption(f"{ctx.t('target')} {sign} {target}{status}")
        if caption:
            st.caption(caption)
        kpi_definition(ctx, key)


STATUS_MARKDOWN = {"green": "green", "amber": "orange", "red": "red"}  # the status's colour in st.markdown


# -- the "empty or chart" block every page repeats ----------------------------------------------------
def _is_empty(df: pd.DataFrame | None, is_empty) -> bool:
    if df is None or df.empty:
        return True
    return bool(is_empty(df)) if is_empty is not None else False


def chart_or_empty(df: pd.DataFrame | None, build, *, key: str, is_empty=None, empty_key: str = "empty",
                   ok_when_empty: bool = False, **kwargs) -> bool:
    """`build(df)`'s plotly figure, or the empty state when there are no rows (or `is_empty(df)`):
    an info box, or a green one when `ok_when_empty` (nothing to report is good news). True when drawn."""
    if _is_empty(df, is_empty):
        (st.success if ok_when_empty else st.info)(i18n.t(empty_key, **kwargs))
        return False
    st.plotly_chart(build(df), width="stretch", key=key)
    return True


def table_or_empty(df: pd.DataFrame | None, build, *, key: str, is_empty=None, empty_key: str = "empty",
                   ok_when_empty: bool = False, **kwargs) -> bool:
    """`build(df)`'s display table, or the empty state (as `chart_or_empty`). True when drawn."""
    if _is_empty(df, is_empty):
        (st.success if ok_when_empty else st.info)(i18n.t(empty_key, **kwargs))
        return False
    table = build(df)
    if isinstance(table, pd.DataFrame):
        st.dataframe(display_table(table), hide_index=True, width="stretch", key=key,
                     column_config=number_formats(table))
    else:
        st.dataframe(table, hide_index=True, width="stretch", key=key)
    return True

"""UI text in Chinese (the default) and English: one table, one lookup."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

TEXT: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("平湖市综合行政执法局 · 指挥中心驾驶舱", "Pinghu Law-Enforcement Command Centre"),
    "app_short": ("指挥驾驶舱", "Cockpit"),
    "section_overview": ("总览", "Overview"),
    "section_reference": ("说明", "Reference"),
    "page_overview": ("总览", "Overview"),
    "page_about": ("指标与数据说明", "KPIs and data"),
    # header
    "data_updated": ("数据更新于", "Data as of"),
    "age_seconds": ("{n} 秒前", "{n} s ago"),
    "age_minutes": ("{n} 分钟前", "{n} min ago"),
    "age_hours": ("{n} 小时前", "{n} h ago"),
    "newest_event": ("最新事件", "Newest event"),
    "demo_badge": ("演示数据 / demo data", "demo data / 演示数据"),
    "dq_count": ("数据质量：{n} 条异常记录未计入", "Data quality: {n} bad rows left out"),
    "dq_none": ("数据质量：无异常记录", "Data quality: no bad rows"),
    "dq_detail_title": ("未计入统计的异常记录（近 {days} 天及无时间的记录）", "Rows left out of every figure (last {days} days and rows without a time)"),
    "db_down": ("数据库暂时无法连接，页面显示的是 {time} 的最后一次有效数据（{age}）。恢复后将自动更新。",
                "The database cannot be reached; showing the last good data from {time} ({age}). "
                "The page updates by itself when it returns."),
    "db_unavailable": ("数据库暂时无法连接，尚无可显示的数据。页面将自动重试。",
                       "The database cannot be reached and there is no data to show yet. Retrying by itself."),
    "data_old": ("数据已超过 {n} 分钟未更新，请检查数据接入。", "No new data for {n} minutes: check the data feed."),
    "loading": ("正在加载…", "Loading…"),
    "starting_db": ("正在启动内置数据库…", "Starting the embedded database…"),
    "loading_demo": ("首次运行：正在生成并载入演示数据", "First run: generating and loading demo data"),
    "history_filling": ("演示数据：最近 {days} 天已就绪，更早的历史正在后台载入（{pct}），载入前跨度更长的数字偏小。",
                        "Demo data: the last {days} days are in; the older history is loading behind them ({pct}), "
                        "so figures over longer periods are low until it is."),
    "history_failed": ("演示数据：更早的历史未能载入，目前只有最近 {days} 天的数据；重启后将继续载入。",
                       "Demo data: the older history could not be loaded, only the last {days} days are in; "
                       "a restart carries on loading it."),
    "settings_invalid": ("配置有误，驾驶舱无法启动：{error}", "A setting is not valid, so the cockpit cannot start: {error}"),
    "bootstrap_failed": ("内置数据库启动失败：{error}", "The embedded database failed to start: {error}"),
    # identity
    "login_title": ("请登录", "Please sign in"),
    "login_intro": ("驾驶舱仅供局内人员使用，请使用局统一身份认证登录。",
                    "The cockpit is for the bureau's staff: sign in with the bureau's identity provider."),
    "login_button": ("统一身份认证登录", "Sign in"),
    "logout_button": ("退出登录", "Sign out"),
    "refused_title": ("无法访问驾驶舱", "No access to the cockpit"),
    "refused_no_role": ("账号 {who} 没有驾驶舱角色。如需访问，请联系指挥中心管理员开通。",
                        "The account {who} has no cockpit role. Ask the command centre's administrator for one."),
    "refused_unknown_role": ("账号 {who} 的角色不是驾驶舱的角色（领导、镇街道或中队执法人员、大屏）。请联系管理员。",
                             "The account {who} has a role the cockpit does not know (leadership, officer, wall). "
                             "Ask the administrator."),
    "refused_officer_without_scope": ("账号 {who} 为执法人员，但未配置所属镇街道或中队。请联系管理员。",
                                      "The account {who} is an officer without a town or squadron. Ask the administrator."),
    "refused_device_unknown": ("此大屏设备未登记（设备凭证无效）。请联系指挥中心管理员。",
                               "This wall display is not registered (its device token is not valid). "
                               "Ask the command centre's administrator."),
    "refused_device_needed": ("大屏需使用设备凭证打开（链接中的 device 参数或设备请求头）。",
                              "The wall screen opens with a device token (the URL's device parameter or the "
                              "device header)."),
    "refused_scope": ("您的角色只能查看{own}，链接参数 {key}={value} 已被拒绝。",
                      "Your role sees {own} only: the URL parameter {key}={value} is refused."),
    "refused_scope_link": ("查看{own}", "Open {own}"),
    "signed_in_as": ("当前用户：{name}（{role}）", "Signed in: {name} ({role})"),
    "role_leadership": ("领导", "leadership"),
    "role_officer": ("执法人员", "officer"),
    "role_wall": ("大屏", "wall"),
    "scope_locked": ("筛选已按您的职责锁定。", "The filters are locked to your duty."),
    "audit_failed": ("访问记录无法写入，个人信息已脱敏显示。", "The access log cannot be written: personal data is masked."),
    "audit_note": ("本次查看个人信息已记入访问日志。", "This view of personal data is recorded in the access log."),
    # filters
    "filters": ("筛选", "Filters"),
    "period": ("统计时段", "Period"),
    "town": ("镇街道", "Town/street"),
    "squadron": ("中队", "Squadron"),
    "all": ("全部", "All"),
    "language": ("语言 / Language", "Language / 语言"),
    "bad_param": ("链接参数 {key}={value} 无效，已改用默认值。", "URL parameter {key}={value} is not valid; using the default."),
    "share_hint": ("当前筛选已写入链接，可直接复制分享。", "The filters are in the URL: copy it to share this view."),
    # KPI cards
    "target": ("目标", "Target"),
    "vs_previous": ("较上一时段", "vs previous period"),
    "vs_yesterday": ("较昨日同时", "vs yesterday by now"),
    "definition": ("定义", "Definition"),
    "formula": ("公式", "Formula"),
    "source": ("依据", "Source"),
    "unit": ("单位", "Unit"),
    "unit_count": ("个", "count"),
    "direction": ("方向", "Direction"),
    "higher_better": ("越高越好", "higher is better"),
    "lower_better": ("越低越好", "lower is better"),
    "no_value": ("无数据", "no data"),
    "meets_target": ("达标", "on target"),
    "misses_target": ("未达标", "below target"),
    "status_green": ("达标", "on target"),
    "status_amber": ("接近目标", "near target"),
    "status_red": ("未达标", "off target"),
    # overview
    "overview_title": ("总览", "Overview"),
    "cases_block": ("网格案件", "Grid cases"),
    "received_today": ("今日受理", "Received today"),
    "received_week": ("本周受理", "Received this week"),
    "received_year": ("本年受理", "Received this year"),
    "overdue_open": ("超期未结案", "Overdue, still open"),
    "due_24h": ("24 小时内到期 {n} 件", "{n} due within 24 h"),
    "kpi_block": ("考核指标（所选时段上报的案件）", "Evaluation KPIs (cases reported in the period)"),
    "trend_title": ("每日受理与结案", "Received and closed per day"),
    "received": ("受理", "Received"),
    "closed": ("结案", "Closed"),
    "day": ("日期", "Day"),
    "cases_unit": ("件", "cases"),
    "town_ranking": ("各镇街道考核排名", "Towns ranked by composite score"),
    "rank": ("排名", "Rank"),
    "map_title": ("各镇街道受理密度（件/平方公里，所选时段）", "Cases per km² by town (period)"),
    "drone_block": ("无人机巡航", "Drone patrol"),
    "sorties_today": ("今日架次", "Sorties today"),
    "sorties_week": ("本周架次", "Sorties this week"),
    "coverage_7d": ("近 7 天网格覆盖率", "Grid coverage, 7 days"),
    "nests_state": ("机巢：飞行 {f} · 待命 {i} · 离线/维护 {d}", "Nests: flying {f} · idle {i} · offline/maintenance {d}"),
    "waste_block": ("垃圾分类（今日）", "Waste (today)"),
    "collected_today": ("今日收运", "Collected today"),
    "disposed_today": ("今日进入末端处置", "Received at disposal today"),
    "capacity": ("设计日处理能力", "Design capacity per day"),
    "tonnes": ("吨", "t"),
    "category": ("类别", "Category"),
    "parking_block": ("违停治理", "Parking"),
    "violations_today": ("今日违停", "Violations today"),
    "violations_period": ("时段内违停", "Violations in period"),
    "ecapture_share": ("电子抓拍占比 {p}", "e-capture share {p}"),
    "persuade_rate": ("劝离率", "Persuaded to leave"),
    "market_block": ("服装城联勤", "Clothing-market service"),
    "market_open": ("在办诉求", "Requests open"),
    "market_received": ("时段内新增 {n} 件 · 办结 {m} 件", "{n} received · {m} resolved in period"),
    "satisfaction": ("满意度 {s} / 5", "satisfaction {s} / 5"),
    "empty": ("所选条件下暂无数据。", "No data for this selection."),
    "section_areas": ("业务专题", "Areas"),
    # the parts of the long pages (cockpit/sections.py): short labels of the segmented control
    "part_label": ("页面分区", "Section"),
    "part_cases_map": ("网格地图", "Map"),
    "part_cases_workflow": ("流转环节", "Workflow"),
    "part_cases_ranking": ("考核排名", "Ranking"),
    "part_cases_overdue": ("超期临期", "Overdue"),
    "part_cases_categories": ("类别与来源", "Categories"),
    "part_cases_shops": ("商铺三色码", "Shop code"),
    "part_drones_map": ("巡航地图", "Map"),
    "part_drones_blind": ("盲区与覆盖", "Blind spots"),
    "part_drones_nests": ("机巢", "Nests"),
    "part_drones_detections": ("AI 识别", "Detections"),
    "part_waste_map": ("站点与流向", "Map"),
    "part_waste_throughput": ("收运量", "Tonnes"),
    "part_waste_rule": ("不过午不过夜", "Noon & night rule"),
    "part_waste_vehicles": ("车辆与站点", "Vehicles & stations"),
    "part_parking_map": ("违停热点", "Hotspots"),
    "part_parking_roads": ("严管路段", "Roads"),
    "part_parking_reminders": ("提醒成效", "Reminders"),
    "part_parking_rhythm": ("规律与供给", "Rhythm & supply"),
    "part_parking_recent": ("最新记录", "Latest records"),
    "part_market_trend": ("趋势与渠道", "Trend"),
    "part_market_map": ("诉求分布", "Map"),
    "part_market_speed": ("办理时效", "Speed"),
    "part_market_duty": ("今日值守", "On duty"),
    "part_market_outcomes": ("结果与满意度", "Outcomes"),
    "part_market_ip": ("知识产权", "IP protection"),
    "part_weekly_headlines": ("核心指标", "Headlines"),
    "part_weekly_trend": ("指标走势", "Trends"),
    "part_weekly_movers": ("变化最大", "Largest movers"),
    "part_weekly_act": ("督办与超期", "Who must act"),
    "part_weekly_ranking": ("考核排名", "Ranking"),
    "part_weekly_town": ("分镇街道", "By town"),
    # about
    "about_title": ("指标与数据说明", "KPIs and data"),
    "kpi_definitions": ("指标定义", "KPI definitions"),
    "kpi": ("指标", "KPI"),
    "data_quality": ("数据质量", "Data quality"),
    "relation": ("数据表", "Relation"),
    "issue": ("问题", "Issue"),
    "rows": ("记录数", "Rows"),
    "contract": ("数据契约", "Data contract"),
    "contract_version": ("契约版本 {v}（应用于 {t}）", "Contract version {v} (applied {t})"),
    "contract_doc": ("各数据表与字段的含义、单位与取值见 docs/data-contract.md。",
                     "Every relation and column is documented in docs/data-contract.md."),
    # -- wall mode (app_pages/wall.py)
    "wall_title": ("平湖市综合行政执法指挥中心", "Pinghu Law-Enforcement Command Centre"),
    "wall_overview": ("运行总览", "Overview"),
    "wall_cases": ("网格案件", "Grid cases"),
    "wall_drones": ("无人机巡航", "Drone patrols"),
    "wall_waste": ("垃圾分类收运", "Waste collection"),
    "wall_parking": ("违停治理", "Parking"),
    "wall_parking_legend": ("近 7 天违停（起）与严管道路", "Violations in 7 days (records) and strict roads"),
    "wall_market": ("服装城联勤", "Clothing-market service"),
    "wall_overdue": ("超期未结", "Overdue open"),
    "wall_open_cases": ("在办案件", "Open cases"),
    "wall_last_30d": ("近 30 天", "last 30 days"),
    "wall_last_7d": ("近 7 天", "last 7 days"),
    "wall_nests": ("机巢 飞行/待命/离线", "Nests flying/idle/down"),
    "wall_nests_note": ("个", "nests"),
    "wall_collection_rule": ("今日按时清运率", "On-time collection today"),
    "wall_rule_note": ("不过午、不过夜", "before noon, before night"),
    "wall_violations_today": ("今日违停", "Violations today"),
    "wall_violations_7d": ("近 7 天违停", "Violations, 7 days"),
    "wall_market_open": ("在办诉求", "Open requests"),
    "wall_market_received": ("受理诉求", "Requests received"),
    "wall_market_resolved": ("已办结", "Resolved"),
    "wall_received_7d": ("近 7 天受理（件）", "Received, 7 days (cases)"),
    "wall_density_7d": ("近 7 天案件热度（件）", "Case density, 7 days (cases)"),
    "wall_updated": ("数据更新于 {time}", "Data as of {time}"),
    "wall_stale": ("数据已 {n} 分钟未更新", "Data not updated for {n} min"),
    "wall_history_filling": ("历史数据载入中（{pct}），较长时段的数字偏小", "History loading ({pct}): longer-period figures are low"),
    "wall_down": ("数据库连接中断，显示 {time} 的数据，恢复后自动更新", "Database unreachable: showing data from {time}; recovers by itself"),
    "wall_waiting": ("正在连接数据库…", "Connecting to the database…"),
    "wall_next": ("{n} 秒后切换", "next view in {n} s"),
    "wall_bad_option": ("大屏参数 {key}={value} 无效，已用默认值", "Wall option {key}={value} is not valid; using the default"),
    # the composed screen (layout=screen, cockpit/screen.py)
    "wall_screen_closed_today": ("今日结案", "Closed today"),
    "wall_screen_due_24h": ("24 小时内到期", "Due within 24 h"),
    "wall_screen_trend": ("近 7 天受理与结案", "Received and closed, 7 days"),
    "wall_screen_flying": ("机巢 飞行", "Nests flying"),
    "wall_screen_standby": ("待命", "Standby"),
    "wall_screen_down": ("离线/维护", "Down"),
    "wall_screen_coverage_note": ("近 7 天覆盖网格 {covered} / {total}", "Grids covered in 7 days: {covered} / {total}"),
    "wall_screen_breaches": ("超时未清运", "Breaches now"),
    "wall_screen_disposed": ("今日处置", "Disposed today"),
    "wall_screen_by_category": ("今日末端处置 / 设计能力（按品类）", "Received at disposal / capacity today, by category"),
    "wall_screen_reminded": ("近 7 天提醒", "Reminded, 7 days"),
    "wall_screen_hot_roads": ("近 7 天违停最多的道路", "Roads with most violations, 7 days"),
    "wall_screen_market_30d": ("近 30 天受理", "Received, 30 days"),
    "wall_screen_market_resolved": ("近 30 天办结", "Resolved, 30 days"),
    "wall_screen_empty": ("暂无数据", "No data"),
    "wall_screen_age": ("最新记录 {age}", "newest record {age}"),
    "alarm_title": ("告警", "Alarms"),
    "alarm_none": ("当前无告警", "No alarms"),
    "alarm_more": (" 等 {n} 处", " and {n} more"),
    "alarm_since": ("自 {time}", "since {time}"),
    "alarm_db_down": ("数据库无法连接", "Database unreachable"),
    "alarm_db_where": ("运营数据库", "operational database"),
    "alarm_nest_offline": ("机巢离线", "Nest offline"),
    "alarm_nest_maintenance": ("机巢维护中", "Nest in maintenance"),
    "alarm_overdue": ("超期未结案 {n} 件（≥ {limit} 件告警）", "{n} cases overdue (alarm at {limit})"),
    "alarm_missed": ("{n} 个投放点过截止时间未清运", "{n} stations past their collection cut-off"),
    "alarm_market": ("诉求已等待 {h} 个工作小时", "Request open for {h} working hours"),
    "ticker_title": ("实时事件", "Live events"),
    "ticker_empty": ("近 24 小时无新事件", "No events in 24 hours"),
    "ev_cases_reported": ("上报", "reported"),
    "ev_cases_closed": ("结案", "closed"),
    "ev_drones_took_off": ("起飞巡航", "took off"),
    "ev_parking_observed": ("发现违停", "violation seen"),
    "ev_market_received": ("受理诉求", "request received"),
    "ev_market_resolved": ("办结诉求", "request resolved"),
    "ev_area_cases": ("案件", "Case"),
    "ev_area_drones": ("无人机", "Drone"),
    "ev_area_parking": ("违停", "Parking"),
    "ev_area_market": ("服装城", "Market"),
    "wall_screen_sources": ("今日来源", "Sources today"),
    "wall_screen_blind": ("盲区网格（{days} 天未巡）", "Blind grids (not flown {days} days)"),
    "wall_screen_blind_value": ("{n} 个 · 较上周 {delta}", "{n} · {delta} on last week"),
    "wall_screen_oldest": ("最久等待", "Oldest waiting"),
    "wall_screen_oldest_value": ("{item} · {h} 工作小时", "{item} · {h} working h"),
    "wall_screen_panel_age": ("数据 {time}", "data {time}"),
    "wall_screen_panel_missing": ("暂无数据", "no data"),
    # -- end wall mode
    # -- trust: cli (the weekly pack's command line refuses a week without data) --
    "wk_error_no_data": ("{value} 无数据：数据库中还没有任何事件。",
                         "no data for week {value}: the database holds no events yet."),
    "wk_error_before_data": ("{value} 无数据：数据从 {first} 开始。",
                             "no data for week {value}: the data begins {first}."),
    "wk_error_after_data": ("{value} 无数据：最新数据在 {last}。",
                            "no data for week {value}: the newest data is from {last}."),
    "wk_error_empty_week": ("{value} 无数据（现有数据为 {first} 至 {last}）。",
                            "no data for week {value} (the data runs from {first} to {last})."),
    # -- trust: gateway --
    "query_failed_local": ("{n} 项数据查询超时或出错，相应图表暂无数据；数据库连接正常，其余数据不受影响。",
                           "{n} figure(s) timed out or failed; they show no data. The database is reachable and "
                           "the other figures are unaffected."),
    "query_stale_local": ("{n} 项数据刷新超时或出错，显示的是 {time} 的数据（{age}）；其余数据正常。",
                          "{n} figure(s) could not be refreshed (timed out or failed) and show data from {time} "
                          "({age}); the other figures are current."),
    "header_unknown": ("—", "—"),
    "dq_unknown": ("数据质量：—", "Data quality: —"),
    "wall_partial": ("部分数据查询超时", "Some figures timed out"),
}

ISSUES: dict[str, tuple[str, str]] = {
    "missing_time": ("缺少时间", "missing time"),
    "future_time": ("时间在未来", "time in the future"),
    "impossible_time": ("时间先后矛盾", "impossible order of times"),
    "missing_location": ("缺少坐标", "missing coordinates"),
    "out_of_area": ("坐标在平湖以外", "coordinates outside Pinghu"),
    "unknown_source": ("未知来源代码", "unknown source code"),
    "unknown_category": ("未知类别代码", "unknown category code"),
    "unknown_grid": ("未知网格代码", "unknown grid code"),
    "unknown_site": ("未知站点", "unknown site"),
    "unknown_road": ("未知道路", "unknown road"),
    "unknown_method": ("未知采集方式", "unknown method"),
    "unknown_stage": ("未知环节", "unknown stage"),
    "unknown_nest": ("未知机巢", "unknown nest"),
    "unknown_item": ("未知服务事项", "unknown service item"),
    "unknown_department": ("未知部门", "unknown department"),
    "non_positive_weight": ("重量为零或负数", "zero or negative weight"),
    "absurd_weight": ("重量异常（超过 50 吨）", "absurd weight (over 50 t)"),
    "duplicate": ("重复记录", "duplicate"),
    # -- trust: bad geometry and dates --
    "ancient_time": ("时间早于 2000 年（无效时间）", "time before 2000 (invalid)"),
    "swapped_lat_lon": ("经纬度颠倒", "latitude and longitude swapped"),
    "invalid_location": ("坐标不是有效数值", "coordinates not valid numbers"),
    "missing_geometry": ("缺少边界或线路", "missing boundary or path"),
    "invalid_geometry": ("边界或线路几何无效", "invalid boundary or path geometry"),
    "invalid_bounds": ("网格范围或中心点无效", "invalid grid bounding box or centroid"),
}

RELATIONS: dict[str, tuple[str, str]] = {
    "grid_case": ("网格案件", "grid cases"),
    "waste_weighing": ("垃圾称重记录", "waste weighings"),
    "parking_violation": ("违停记录", "parking violations"),
    "drone_flight": ("无人机航次", "drone flights"),
    "drone_track_point": ("无人机航迹点", "drone track points"),
    "market_request": ("服装城诉求", "market requests"),
    # -- trust: bad geometry and dates --
    "town": ("镇街道", "towns/streets"),
    "unit_grid": ("单元网格", "unit grids"),
    "parking_road": ("停车管理道路", "parking roads"),
}


def _merge_area_texts() -> None:
    """Each area keeps its texts beside its code (cockpit/<area>/texts.py); one table serves them all.
    A key defined twice is a mistake, not an override."""
    from cockpit.cases import texts as cases
    from cockpit.drones import texts as drones
    from cockpit.market import texts as market
    from cockpit.meeting import texts as meeting
    from cockpit.parking import texts as parking
    from cockpit.waste import texts as waste

    for module in (cases, drones, waste, parking, market, meeting):
        twice = TEXT.keys() & module.TEXT.keys()
        if twice:
            raise RuntimeError(f"{module.__name__} defines texts that exist already: {sorted(twice)}")
        TEXT.update(module.TEXT)


_merge_area_texts()

# -- the current language: set once per script run (or per pack), read by every text lookup ------------
LANGS = ("zh", "en")
_current: ContextVar[str | None] = ContextVar("cockpit_lang", default=None)


def use(lang: str) -> None:
    """The language of the rest of this run (this thread's context): the page context sets it."""
    _current.set(lang if lang in LANGS else "zh")


@contextmanager
def language(lang: str) -> Iterator[str]:
    """`with language("en"):` — a pack or a test in one language, restored afterwards."""
    token = _current.set(lang if lang in LANGS else "zh")
    try:
        yield lang
    finally:
        _current.reset(token)


def current() -> str:
    """The language of this run: what `use`/`language` set; in a Streamlit fragment's rerun (which does
    not run the page's top) the session's language; else Chinese."""
    lang = _current.get()
    if lang is not None:
        return lang
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        if ctx is not None:
            stored = ctx.session_state["lang"] if "lang" in ctx.session_state else None
            if stored in LANGS:
                return stored
    except Exception:  # noqa: BLE001 - outside Streamlit, or a Streamlit without these internals
        pass
    return "zh"


def t(key: str, lang: str | None = None, /, **values: object) -> str:
    """The text for `key` in `lang` (default: the current language), with `{name}` placeholders filled."""
    zh, en = TEXT[key]
    text = zh if (lang or current()) == "zh" else en
    return text.format(**values) if values else text


# the units of the KPI register and of the area figures (cockpit/kpi.py keeps them in Chinese)
UNITS: dict[str, str] = {
    "件": "cases", "起": "records", "条": "SMS", "架次": "sorties", "家": "shops", "次": "rounds",
    "个": "", "分": "points", "工作小时": "working h", "小时": "h", "吨": "t", "天": "days", "%": "%",
}


def unit(zh_unit: str, lang: str | None = None, /) -> str:
    """A unit in the current language: the register's Chinese unit, or its English word."""
    if (lang or current()) == "zh":
        return zh_unit
    return UNITS.get(zh_unit, zh_unit)


def with_unit(name: str, unit_text: str, lang: str | None = None, /) -> str:
    """A column or axis title with its unit: "受理（件）" in Chinese, "Received (cases)" in English."""
    if not unit_text:
        return name
    return f"{name}（{unit_text}）" if (lang or current()) == "zh" else f"{name} ({unit_text})"


def colon(lang: str | None = None, /) -> str:
    """The colon after a label: full width in Chinese, ": " in English."""
    return "：" if (lang or current()) == "zh" else ": "


def label(table: dict[str, tuple[str, str]], code: str, lang: str | None = None) -> str:
    """A code's label from one of the code tables, or the code itself when unknown."""
    pair = table.get(code)
    if pair is None:
        return code
    return pair[0] if (lang or current()) == "zh" else pair[1]

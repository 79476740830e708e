"""UI text in Chinese (the default) and English: one table, one lookup."""

from __future__ import annotations

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
    "dq_detail_title": ("未计入统计的异常记录", "Rows left out of every figure"),
    "db_down": ("数据库暂时无法连接，页面显示的是 {time} 的最后一次有效数据（{age}）。恢复后将自动更新。",
                "The database cannot be reached; showing the last good data from {time} ({age}). "
                "The page updates by itself when it returns."),
    "db_unavailable": ("数据库暂时无法连接，尚无可显示的数据。页面将自动重试。",
                       "The database cannot be reached and there is no data to show yet. Retrying by itself."),
    "data_old": ("数据已超过 {n} 分钟未更新，请检查数据接入。", "No new data for {n} minutes: check the data feed."),
    "loading": ("正在加载…", "Loading…"),
    "starting_db": ("正在启动内置数据库…", "Starting the embedded database…"),
    "loading_demo": ("首次运行：正在生成并载入演示数据", "First run: generating and loading demo data"),
    "bootstrap_failed": ("内置数据库启动失败：{error}", "The embedded database failed to start: {error}"),
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
    "direction": ("方向", "Direction"),
    "higher_better": ("越高越好", "higher is better"),
    "lower_better": ("越低越好", "lower is better"),
    "no_value": ("无数据", "no data"),
    "meets_target": ("达标", "on target"),
    "misses_target": ("未达标", "below target"),
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
    # grid cases page
    "page_cases": ("网格案件", "Grid cases"),
    "section_areas": ("业务专题", "Areas"),
    "section_meetings": ("会议", "Meetings"),
    "page_drones": ("无人机巡航", "Drone patrols"),
    "page_waste": ("垃圾分类", "Waste"),
    "page_parking": ("违停治理", "Parking"),
    "page_market": ("服装城联勤", "Clothing-market service"),
    "page_weekly": ("周例会", "Weekly meeting"),
    "cases_title": ("网格案件：闭环流转与考核", "Grid cases: workflow and KPIs"),
    "category_filter": ("案件类别", "Category"),
    "source_filter": ("案件来源", "Source"),
    "cases_map": ("单元网格分布", "Unit grids"),
    "measure": ("着色指标", "Colour by"),
    "measure_received": ("受理案件数（件）", "Cases received (cases)"),
    "measure_density": ("受理密度（件/平方公里）", "Cases per km²"),
    "measure_overdue": ("超期未结案（件）", "Overdue open (cases)"),
    "measure_ontime": ("按期结案率（%）", "On-time closure rate (%)"),
    "hexagons": ("案件热度（六边形聚合）", "Case density (hexagons)"),
    "workflow": ("流转环节", "Workflow"),
    "stage_now": ("在办案件所处环节（当前）", "Open cases by stage (now)"),
    "stage_durations": ("各环节用时（工作时间，按工作日历）", "Time per stage (working time by the calendar)"),
    "side_paths": ("返工 {r} · 延期 {e} · 缓办 {d} · 作废 {j}（件）", "Rework {r} · extension {e} · deferral {d} · rejected {j} (cases)"),
    "ranking": ("考核排名", "KPI ranking"),
    "by_town": ("按镇街道", "By town/street"),
    "by_squadron": ("按中队", "By squadron"),
    "by_department": ("按处置部门", "By department"),
    "overdue_title": ("超期及临期案件（按超期时长排序）", "Overdue and nearly due cases (most late first)"),
    "overdue_none": ("当前没有超期或 2 小时内到期的案件。", "No case is overdue or due within 2 hours."),
    "col_case": ("案件编号", "Case"),
    "col_category": ("类别", "Category"),
    "col_grid": ("网格", "Grid"),
    "col_holder": ("处置部门", "Holder"),
    "col_deadline": ("结案时限", "Deadline"),
    "col_late": ("超期（小时）", "Late (h)"),
    "col_age": ("已用时（小时）", "Age (h)"),
    "categories_title": ("类别与来源", "Categories and sources"),
    "top_categories": ("高发类别（前 15）", "Top categories (15)"),
    "sources": ("案件来源构成", "Sources"),
    "rhythm": ("时段规律（星期 × 小时）", "Rhythm (weekday × hour)"),
    "shop_code": ("沿街商铺三色码", "Street-shop three-colour code"),
    "shop_rule": ("规则：初始绿码；累计 3–4 次违规转黄码，5 次及以上转红码；连续 30 天无违规降一级。",
                  "Rule: green at start; 3–4 violations → yellow; 5 or more → red; 30 days without a violation → one colour down."),
    "shops_green": ("绿码商铺", "Green shops"),
    "shops_yellow": ("黄码商铺", "Yellow shops"),
    "shops_red": ("红码商铺", "Red shops"),
    "shops_unit": ("家", "shops"),
    "red_this_week": ("本周转为红码：{n} 家", "Turned red this week: {n}"),
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
    # -- drone page (pages/drones.py)
    # -- end drone page
    # -- waste page (pages/waste.py)
    # -- end waste page
    # -- parking page (pages/parking.py)
    # -- end parking page
    # -- market page (pages/market.py)
    # -- end market page
    # -- wall mode (pages/wall.py)
    # -- end wall mode
    # -- weekly meeting (pages/weekly.py)
    # -- end weekly meeting
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
}

RELATIONS: dict[str, tuple[str, str]] = {
    "grid_case": ("网格案件", "grid cases"),
    "waste_weighing": ("垃圾称重记录", "waste weighings"),
    "parking_violation": ("违停记录", "parking violations"),
    "drone_flight": ("无人机航次", "drone flights"),
    "drone_track_point": ("无人机航迹点", "drone track points"),
    "market_request": ("服装城诉求", "market requests"),
}


def t(key: str, lang: str = "zh", /, **values: object) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled."""
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def label(table: dict[str, tuple[str, str]], code: str, lang: str = "zh") -> str:
    """A code's label from one of the code tables, or the code itself when unknown."""
    pair = table.get(code)
    if pair is None:
        return code
    return pair[0] if lang == "zh" else pair[1]

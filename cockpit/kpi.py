"""KPI definitions and formulas, defined once (GB/T 30428 evaluation KPIs and Pinghu's own).

Every rate is a sum over a sum, so the counts returned by SQL roll up to any level (grid, town,
squadron, department) by adding them before dividing. Targets marked "ours" are the cockpit's
defaults where the bureau publishes none; the published figure they rest on is named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Kpi:
    key: str
    name_zh: str
    name_en: str
    formula_zh: str
    formula_en: str
    unit: str  # "%", "件", "points", ...
    target: float | None  # in the KPI's unit
    higher_is_better: bool
    source_zh: str = ""  # standard or published figure behind the definition and target
    source_en: str = ""
    unit_en: str = ""  # the unit in English where the shared word (cockpit.i18n.UNITS) does not fit

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def unit_in(self, lang: str) -> str:
        """The unit as shown in `lang` (Chinese: the register's unit)."""
        from cockpit import i18n

        if lang == "zh":
            return self.unit
        return self.unit_en or i18n.unit(self.unit, lang)

    def formula(self, lang: str) -> str:
        return self.formula_zh if lang == "zh" else self.formula_en

    def source(self, lang: str) -> str:
        return self.source_zh if lang == "zh" else self.source_en

    def meets_target(self, value: float | None) -> bool | None:
        if value is None or self.target is None or _isnan(value):
            return None
        return value >= self.target if self.higher_is_better else value <= self.target

    @property
    def margin(self) -> float | None:
        """The amber band of the status rule, in the KPI's unit (see `status`)."""
        if self.target is None:
            return None
        return AMBER_MARGIN.get(self.unit, abs(self.target) * AMBER_SHARE)

    def status(self, value: float | None) -> str | None:
        """红黄绿 The one red/amber/green rule (page, pack and PDF): GREEN on target (at or better than the
        target), AMBER off target by no more than `margin` (5 percentage points for a rate, else 5 % of the
        target: 4.5 points of the composite score), RED further off; None without a target or a value. `value` is
        the figure as shown (rounded), so the status agrees with the number beside it."""
        met = self.meets_target(value)
        if met is None:
            return None
        if met:
            return GREEN
        return AMBER if abs(float(value) - self.target) <= self.margin + 1e-9 else RED


GREEN, AMBER, RED = "green", "amber", "red"
STATUSES = (GREEN, AMBER, RED)
AMBER_MARGIN = {"%": 5.0}  # unit → the amber band: 5 percentage points for a rate
AMBER_SHARE = 0.05         # other units (scores, hours): the amber band is 5 % of the target


def status(key: str, value: float | None) -> str | None:
    """The status of KPI `key` at `value` (Kpi.status): green | amber | red | None."""
    return KPIS[key].status(value)


def _isnan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    if denominator is None or denominator == 0 or _isnan(float(denominator)):
        return None
    return float(numerator) / float(denominator)


def percent(numerator: float, denominator: float) -> float | None:
    value = ratio(numerator, denominator)
    return None if value is None else 100.0 * value


GB = "GB/T 30428 数字化城市管理信息系统 评价指标"
GB_EN = "GB/T 30428 digital urban management, evaluation KPIs"

KPIS: dict[str, Kpi] = {
    k.key: k
    for k in (
        Kpi("close_rate", "结案率", "Closure rate",
            "结案数 ÷ 应结案数 × 100%（应结案数：已立案、未作废、未缓办，且已结案或结案时限已到）",
            "closed ÷ due to close × 100% (due: registered, not rejected or deferred, closed or past the closing deadline)",
            "%", 95.0, True, GB + "；目标为本系统默认值", GB_EN + "; target is the cockpit's default"),
        Kpi("ontime_close_rate", "按期结案率", "On-time closure rate",
            "按期结案数 ÷ 应结案数 × 100%（按期：结案时间不晚于结案时限，时限按工作时间计）",
            "closed by the deadline ÷ due to close × 100% (deadlines in working time)",
            "%", 90.0, True, GB, GB_EN),
        Kpi("dispose_rate", "处置率", "Disposal rate",
            "处置数 ÷ 应处置数 × 100%（应处置数：已派遣且已处置或处置时限已到）",
            "disposed ÷ due to dispose × 100% (due: dispatched, disposed or past the disposal deadline)",
            "%", 98.0, True, GB + "；2023年平湖线索处置率 99.38%", GB_EN + "; Pinghu 2023: 99.38%"),
        Kpi("ontime_dispose_rate", "按期处置率", "On-time disposal rate",
            "按期处置数 ÷ 应处置数 × 100%", "disposed by the deadline ÷ due to dispose × 100%",
            "%", 90.0, True, GB, GB_EN),
        Kpi("rework_rate", "返工率", "Rework rate",
            "返工数 ÷ 经处置数 × 100%（返工：核查未通过被退回至少一次）",
            "reworked ÷ disposed × 100% (reworked: sent back at least once after a failed check)",
            "%", 5.0, False, GB, GB_EN),
        Kpi("composite_score", "综合指标值", "Composite score",
            "按期处置率 × 60 + 结案率 × 30 + (1 − 返工率) × 10（0–100 分）",
            "on-time disposal rate × 60 + closure rate × 30 + (1 − rework rate) × 10 (0–100)",
            "分", 90.0, True, GB, GB_EN),
        Kpi("auto_close_rate", "自动流转结案率", "Auto-routing closure rate",
            "自动流转结案数 ÷ 结案数 × 100%", "closed by automatic routing ÷ closed × 100%",
            "%", 89.71, True, "平湖智慧城管 2024 年公布值 89.71%", "Pinghu smart city management, 2024: 89.71%"),
        Kpi("overdue_open", "超期未结案数", "Overdue and still open",
            "未结案、未作废、未缓办，且已过结案时限的案件数（不限上报日期）",
            "cases not closed, rejected or deferred whose closing deadline has passed (any report date)",
            "件", None, False, GB, GB_EN),
        Kpi("cases_received", "受理案件数", "Cases received",
            "上报时间在所选时段内的有效案件数", "valid cases reported in the period",
            "件", None, True, "2024 年智慧城管受理 53 万余件", "2024: 530,000+ cases"),
        Kpi("drone_coverage", "网格覆盖率（近7天）", "Grid coverage (7 days)",
            "近 7 天航迹经过（距网格边界不超过机巢相机覆盖半径）的单元网格数 ÷ 单元网格总数 × 100%",
            "grids passed by a track within the nest camera's footprint radius in 7 days ÷ all grids × 100%",
            "%", 60.0, True,
            "“消除巡查盲区”；目标 60% 是本系统设定的巡查目标，尚未达到：固定航线只经过各机巢周边数公里内的网格"
            "（演示数据中航线所及的网格约占全部网格的 20%，近 7 天覆盖率约 12%）",
            "'eliminate patrol blind spots'; the 60% target is the cockpit's goal, not yet met: fixed routes only pass "
            "the grids within a few km of each nest (in the demo, about 20% of all grids lie under a route and the "
            "7-day coverage is about 12%)"),
        Kpi("drone_sorties", "无人机架次", "Drone sorties",
            "起飞时间在时段内的有效航次数", "valid flights started in the period",
            "架次", None, True, "2024年8–12月服装城区域 500 余架次", "Aug–Dec 2024: 500+ sorties"),
        Kpi("waste_load", "末端处置负荷率", "Disposal load",
            "今日进入末端处置的吨数 ÷ 设计日处理能力 × 100%（按类别）",
            "tonnes received at disposal sites today ÷ design daily capacity × 100% (per category)",
            "%", 100.0, False, "生态能源项目：生活垃圾 1000 吨/日、餐厨 180 吨/日", "Eco-energy plant: 1,000 t/day household, 180 t/day kitchen"),
        Kpi("parking_persuade_rate", "劝离率", "Persuaded to leave",
            "提醒后 10 分钟内驶离的违停数 ÷ 已发送提醒的违停数 × 100%",
            "violations whose car left within 10 minutes of the reminder ÷ violations with a reminder × 100%",
            "%", 68.0, True, "2021 年电子抓拍 19 万余起、劝离 13 万余起（约 68%）", "2021: 190,000+ captures, 130,000+ persuaded (≈68%)"),
        Kpi("parking_violations", "违停记录数", "Parking violations",
            "时段内的有效违停记录数（人工 + 电子抓拍）", "valid parking records in the period (manual + e-capture)",
            "起", None, False, "2023 年人工贴单 16194 起、电子抓拍 14379 起", "2023: 16,194 manual, 14,379 e-capture"),
        Kpi("parking_ecapture_share", "电子抓拍占比", "E-capture share",
            "时段内电子抓拍违停记录数 ÷ 违停记录数 × 100%（不受采集方式筛选影响）",
            "e-captured records ÷ all parking records in the period × 100% (ignores the method filter)",
            "%", None, True, "7 条电子抓拍道路抓拍量占总量 47%", "7 capture roads: 47% of all records"),
        Kpi("parking_reminders", "短信提醒", "SMS reminders",
            "时段内已发送短信提醒的有效违停记录数", "valid parking records in the period with an SMS reminder sent",
            "条", None, True, "一年发送违停提醒短信 53195 条", "53,195 reminders sent in a year"),
        Kpi("parking_tickets", "提醒后开单", "Tickets after a reminder",
            "已发送提醒、10 分钟后仍未驶离，并在提醒满 10 分钟时或之后开具罚单的违停记录数（提醒后不足 10 分钟开单、"
            "车已驶离或是否驶离未知的不计）",
            "records with a reminder whose car had not left and got a ticket 10 minutes or more after the reminder"
            " (a ticket within 10 minutes, or to a car that left or whose leaving is unknown, is not counted)",
            "起", None, False, "“10 分钟提醒”：提醒后 10 分钟未驶离方开单", "the 10-minute rule: a ticket only if still there"),
        Kpi("parking_warnings", "首违警告", "First-violation warnings",
            "半年内首次违停（同一车牌此前 180 天内无其他有效违停）、提醒后未驶离、予以警告且未开罚单的记录数"
            "（已罚款、已驶离或车牌不明的不计）",
            "first violations (no other valid record of the plate in the 180 days before) whose car had not left"
            " after the reminder and got a warning, no ticket (fined, gone or plate unknown: not counted)",
            "起", None, True, "首违不罚：半年内首次违停予以警告", "first violation in half a year: warning, not a fine"),
        Kpi("shop_red", "红码商铺", "Red-code shops",
            "按三色码规则当前为红码的沿街商铺数（累计 5 次及以上违规，连续 30 天无违规降一级）",
            "street shops currently red by the three-colour rule (5+ violations; 30 clean days step down)",
            "家", None, False, "平湖沿街商铺“三色码”", "Pinghu street-shop three-colour code"),
        Kpi("market_open", "服装城在办诉求", "Market requests open",
            "尚未办结的商户诉求数", "merchant requests not yet resolved",
            "件", None, False, "服装城联勤中心已解决商户诉求 120 余件", "120+ merchant requests resolved", unit_en="requests"),
    )
}


def case_rates(counts: Mapping[str, float]) -> dict[str, float | None]:
    """The case KPIs (in %, composite in points) from summed counts.

    `counts` holds: due_close, closed, closed_on_time, due_dispose, disposed, disposed_on_time,
    reworked, auto_closed (as returned by the case KPI queries, summed to any level).
    """
    close = percent(counts["closed"], counts["due_close"])
    ontime_close = percent(counts["closed_on_time"], counts["due_close"])
    dispose = percent(counts["disposed"], counts["due_dispose"])
    ontime_dispose = percent(counts["disposed_on_time"], counts["due_dispose"])
    rework = percent(counts["reworked"], counts["disposed"])
    auto = percent(counts["auto_closed"], counts["closed"])
    return {
        "close_rate": close,
        "ontime_close_rate": ontime_close,
        "dispose_rate": dispose,
        "ontime_dispose_rate": ontime_dispose,
        "rework_rate": rework,
        "composite_score": composite_score(ontime_dispose, close, rework),
        "auto_close_rate": auto,
    }


def composite_score(ontime_dispose_pct: float | None, close_pct: float | None,
                    rework_pct: float | None) -> float | None:
    """综合指标值 = 按期处置率×60 + 结案率×30 + (1−返工率)×10, rates as fractions; 0–100."""
    if ontime_dispose_pct is None or close_pct is None:
        return None
    rework = 0.0 if rework_pct is None else rework_pct / 100.0
    return ontime_dispose_pct / 100.0 * 60 + close_pct / 100.0 * 30 + (1 - rework) * 10


def change_percent(current: float | None, previous: float | None) -> float | None:
    """Relative change in % (环比), None when the previous value is missing or zero."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous * 100.0


# -- market page (app_pages/market.py): clothing-market joint service
_MARKET = "服装城联勤中心；目标为本系统默认值"
_MARKET_EN = "Clothing-market joint-service centre; target is the cockpit's default"
KPIS.update({
    k.key: k
    for k in (
        Kpi("market_received", "收到诉求", "Requests received",
            "提交时间在所选时段内的有效商户诉求数（现场、线上、工单）",
            "valid merchant requests submitted in the period (on site, online, work order)",
            "件", None, True, "已解决商户诉求 120 余件", "120+ merchant requests resolved", unit_en="requests"),
        Kpi("market_waiting", "待响应诉求", "Waiting for a first response",
            "截至当前已提交、尚无首次响应且未办结的诉求数", "requests submitted, not yet answered and not resolved",
            "件", None, False, _MARKET, _MARKET_EN, unit_en="requests"),
        Kpi("market_overdue_open", "超承诺时限在办", "Open beyond the promised time",
            "未办结且已用工作时间超过该事项承诺时限的诉求数（不限提交日期）",
            "open requests whose working time so far exceeds their item's promised working hours (any date)",
            "件", None, False, "28 项监管服务清单承诺时限（工作小时）", "promised working hours of the 28-item list", unit_en="requests"),
        Kpi("market_within_promise_rate", "承诺时限内办结率", "Resolved within the promised time",
            "承诺时限内办结数 ÷ 应办结数 × 100%（时段内提交的诉求；应办结：已办结，或已用工作时间超过该事项承诺时限；"
            "时限按工作日历计）",
            "resolved within the item's promised working hours ÷ due × 100% (requests submitted in the period; "
            "due: resolved, or open beyond the promised working hours; working calendar)",
            "%", 90.0, True, _MARKET, _MARKET_EN),
        Kpi("market_first_response_hours", "首次响应用时（中位数）", "Time to first response (median)",
            "时段内提交并已响应的诉求，提交至首次响应的工作时间中位数（按工作日历，工作小时）",
            "median working time from submission to first response of the requests submitted in the period "
            "(working calendar)",
            "工作小时", 2.0, False, _MARKET, _MARKET_EN),
        Kpi("market_resolution_hours", "办结用时（中位数）", "Time to resolution (median)",
            "时段内提交并已办结的诉求，提交至办结的工作时间中位数（按工作日历，工作小时）",
            "median working time from submission to resolution of the requests submitted in the period "
            "(working calendar)",
            "工作小时", None, False, "版权登记周期由 5 个月缩短至 7 天", "copyright registration: 5 months → 7 days"),
        Kpi("market_satisfaction", "平均满意度", "Average satisfaction",
            "时段内办结且已评价诉求的满意度评分之和 ÷ 评价数（1–5 分）",
            "sum of ratings ÷ ratings of the requests resolved in the period (1–5)",
            "分", 4.5, True, _MARKET, _MARKET_EN),
        Kpi("market_no_trip_share", "零次跑占比", "No-trip share ('zero trips')",
            "线上提交与工单派件的诉求数 ÷ 时段内收到诉求数 × 100%",
            "requests submitted online or by work order ÷ requests received in the period × 100%",
            "%", None, True, "“零次跑”：民声线上提交通道、工单派件", "'zero trips': online channel and work orders"),
        Kpi("market_repeat_share", "重复诉求占比", "Repeat requests",
            "时段内同一摊位提交 2 件及以上的诉求数 ÷ 时段内诉求数 × 100%",
            "requests from stalls with two or more requests in the period ÷ requests in the period × 100%",
            "%", None, False, _MARKET, _MARKET_EN),
        Kpi("market_waiting_absent", "待不在岗部门响应", "Waiting for an absent department",
            "待首次响应、且承办部门今日不在中心值守（排班表无当日记录）的诉求数",
            "requests waiting for a first response whose department is not on site today (no duty row today)",
            "件", None, False, "常驻 + 轮驻 + 预约", "resident + rotating + by appointment", unit_en="requests"),
    )
})
# -- end market page


# -- weekly meeting (app_pages/weekly.py): figures of one ISO week, judged at the week's end (cockpit/meeting/weekly.py)
_WEEK = "ISO 周（周一至周日，北京时间），按该周结束时统计"
_WEEK_EN = "ISO week (Monday–Sunday, Asia/Shanghai), as known at the week's end"
KPIS.update({
    k.key: k
    for k in (
        Kpi("week_cases_closed", "本周结案", "Closed this week",
            "结案时间在本周内的有效案件数（不限上报日期）", "valid cases closed during the week (any report date)",
            "件", None, True, _WEEK, _WEEK_EN),
        Kpi("week_overdue_open", "周末超期未结案", "Overdue open at week end",
            "截至周末（下周一 0 时）未结案、未作废、未缓办且已过结案时限的案件数（不限上报日期）",
            "cases not closed, rejected or deferred at the week's end whose closing deadline had passed (any report date)",
            "件", None, False, GB, GB_EN),
        Kpi("week_escalated", "升级督办", "Escalated",
            "周末超期未结案中，超过结案时限 72 小时以上或返工 2 次及以上的案件数",
            "overdue open cases at the week's end more than 72 h past the closing deadline or sent back twice or more",
            "件", None, False, "本系统定义（契约无督办字段）", "the cockpit's definition (the contract has no escalation flag)"),
        Kpi("week_waste_tonnes", "垃圾收运量", "Waste collected",
            "本周投放站有效收运称重（collect）净重之和", "sum of valid collect weighings at drop-off stations in the week",
            "吨", None, True, "智慧环卫监管系统：622 个投放站", "Smart sanitation: 622 drop-off stations"),
        Kpi("week_collection_compliance", "按时清运率", "Collected on time",
            "按时班次 ÷ 应清运班次 × 100%（定时定点投放站每日早晚两班，“不过午、不过夜”，见 cockpit/waste/rules.py）",
            "rounds on time ÷ rounds due × 100% (timed stations, two rounds a day, before noon and before night; see cockpit/waste/rules.py)",
            "%", 95.0, True, "“不过午、不过夜”；目标为本系统默认值", "'never past noon, never overnight'; target is the cockpit's default"),
        Kpi("week_parking_reminders", "违停提醒", "Parking reminders",
            "本周已发送短信提醒的有效违停数", "valid parking violations with an SMS reminder in the week",
            "条", None, True, "2023 年发送提醒短信 53195 条", "2023: 53,195 SMS reminders"),
        Kpi("week_drone_detections", "AI 识别问题", "AI detections",
            "本周起飞的有效航次上的 AI 识别记录数", "AI detections on valid flights that took off during the week",
            "个", None, True, "无人机巡航 AI 识别", "drone AI recognition"),
        Kpi("week_detection_cases", "识别转案件", "Detections dispatched as cases",
            "本周 AI 识别记录中已生成网格案件的数量", "AI detections of the week that became grid cases",
            "件", None, True, "2024年8–12月派发处置问题 28 个", "Aug–Dec 2024: 28 problems dispatched"),
        Kpi("week_market_received", "受理诉求", "Requests received",
            "提交时间在本周内的有效商户诉求数", "valid merchant requests submitted during the week",
            "件", None, True, "服装城联勤中心", "Clothing-market joint-service centre", unit_en="requests"),
        Kpi("week_market_resolved", "办结诉求", "Requests resolved",
            "办结时间在本周内的有效商户诉求数（不限提交日期）", "valid merchant requests resolved during the week (any submission date)",
            "件", None, True, "已解决商户诉求 120 余件", "120+ merchant requests resolved", unit_en="requests"),
    )
})
# -- end weekly meeting


# -- drone page (app_pages/drones.py): nests, coverage, blind spots, detections (rules in cockpit/drones/rules.py)
_DRONE_SRC = ("“拓宽监管视野、消除巡查盲区”；覆盖定义见 cockpit/drones/rules.py",
              "'eliminate patrol blind spots'; coverage defined in cockpit/drones/rules.py")
KPIS.update({
    k.key: k
    for k in (
        Kpi("drone_coverage_1d", "网格覆盖率（近1天）", "Grid coverage (1 day)",
            "近 1 天被有效航段覆盖（航段距网格边界不超过机巢相机覆盖半径）的单元网格数 ÷ 单元网格总数 × 100%",
            "grids covered by an unbroken track segment (within the nest camera's radius of the grid's boundary) in the "
            "last day ÷ all grids × 100%", "%", None, True, *_DRONE_SRC),
        Kpi("drone_coverage_30d", "网格覆盖率（近30天）", "Grid coverage (30 days)",
            "近 30 天被有效航段覆盖的单元网格数 ÷ 单元网格总数 × 100%",
            "grids covered by an unbroken track segment in the last 30 days ÷ all grids × 100%",
            "%", None, True, *_DRONE_SRC),
        Kpi("drone_blind_spots", "巡查盲区", "Blind spots",
            "所选天数内没有任何有效航段覆盖的单元网格数（较一周前比较）",
            "unit grids no unbroken track segment covered in the chosen number of days (compared with a week earlier)",
            "个", None, False, *_DRONE_SRC),
        Kpi("drone_nests", "机巢状态", "Nest states",
            "按机巢最近上报状态计数：飞行中 / 待命 / 停用（离线或维护）",
            "nests by their last reported state: flying / idle / down (offline or maintenance)",
            "个", None, True, "固定机巢", "fixed nests"),
        Kpi("drone_utilisation", "机巢利用率（近7天）", "Nest utilisation (7 days)",
            "近 7 天飞行小时 ÷（7 天 × 每日 10 小时巡航时段 × 机巢数）× 100%",
            "hours flown in the last 7 days ÷ (7 days × 10 patrol hours a day × nests) × 100%",
            "%", None, True, "每日巡航时段为本系统默认值", "the daily patrol window is the cockpit's default"),
        Kpi("drone_detection_cases", "识别转案件", "Detections → cases",
            "所选时段起飞的有效航次上的 AI 识别中已生成网格案件的数量；并按每百架次计",
            "AI detections on valid sorties of the period that became grid cases; also per 100 sorties",
            "件", None, True, "2024年8–12月 500 余架次派发处置问题 28 个（约 5.6 件/百架次）",
            "Aug–Dec 2024: 500+ sorties, 28 problems dispatched (about 5.6 per 100 sorties)"),
    )
})
# -- end drone page


# -- waste page (app_pages/waste.py)
KPIS.update({
    k.key: k
    for k in (
        Kpi("waste_collected", "收运量", "Tonnes collected",
            "在投放站称重收运（stage collect）的有效称重吨数合计", "tonnes of valid collect weighings at drop-off stations",
            "吨", None, True, "垃圾分类监管系统：622 个投放站、185 辆车、19 个转运站、4 个末端处置",
            "Supervision system: 622 drop-off stations, 185 vehicles, 19 transfer stations, 4 disposal sites"),
        Kpi("waste_perishable_share", "易腐垃圾占比", "Perishable share",
            "易腐（厨余）垃圾收运吨数 ÷ 收运总吨数 × 100%", "perishable tonnes collected ÷ all tonnes collected × 100%",
            "%", None, True, "生态能源项目餐厨处理 180 吨/日", "Eco-energy plant: 180 t/day kitchen waste"),
        Kpi("waste_recycling_rate", "回收利用率", "Recycling rate",
            "（可回收物 + 易腐垃圾）吨数 ÷ 收运总吨数 × 100%；系统无“产生量”，以投放站收运量代替",
            "(recyclable + perishable tonnes) ÷ tonnes collected × 100%; tonnes collected stand in for tonnes "
            "generated, which the system does not record",
            "%", 35.0, True, "GB/T 19095 生活垃圾分类；回收利用率 35% 为国家阶段目标",
            "GB/T 19095; 35% is the national interim target"),
        Kpi("waste_compliance", "按时清运率", "On-time collection",
            "定时定点投放站上午、晚间两次收运中，已过截止时间（12:00、22:00）的轮次里按时收运的轮次 ÷ 已过截止时间的轮次 × 100%"
            "（截止前已收运的轮次到截止时间后才计入；当天 12:00 前尚无轮次到期，显示“—”）",
            "timed drop-off rounds past their cut-off (12:00, 22:00) that were collected on time ÷ rounds past their"
            " cut-off × 100% (a round collected early counts once its cut-off passes; before 12:00 no round of"
            " the day is due yet, shown as \"—\")",
            "%", 95.0, True, "“不过午、不过夜”；目标为本系统默认值", "before noon, before night; the target is the cockpit's default"),
        Kpi("waste_breaches", "今日违规轮次", "Breaches today",
            "今日已过截止时间仍未按时收运的轮次数（未收或迟收）", "rounds today past their cut-off not collected on time (missed or late)",
            "次", 0.0, False, "“不过午、不过夜”", "before noon, before night"),
    )
})

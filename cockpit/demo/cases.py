"""Grid cases for the demo generator: case sources and categories (GB/T 30428 小类 with their time
limits), the shops on the strict-management roads and their shop-front violations, and the grid cases with
their workflow (automatic routing or the full stage-by-stage workflow, deadlines in working hours)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from cockpit import places
from cockpit.demo.calendar import DAY_S, local_midnight_epoch
from cockpit.demo.common import (
    HOUR_S,
    MINUTE_S,
    OUT_OF_AREA_POINTS,
    PROFILE_CITIZEN,
    PROFILE_OFFICE,
    PROFILE_SHOP,
    PROFILE_VIDEO,
    PROFILE_WORKER,
    bad_row_count,
    interleave_bad,
    one_of,
    pick,
    to_timestamps,
)
from cockpit.demo.geography import along_road, road_polyline

# ------------------------------------------------------------------ volumes at scale 1
GRID_CASES_PER_YEAR = 530_000
# 自动流转结案率 as published for one year: the card's definition is auto-closed ÷ closed (closed and
# registered, neither rejected nor deferred: cockpit.grid_case_at), not auto-routed ÷ all cases
AUTO_CLOSE_RATE = 0.8971
SHOP_VIOLATIONS_PER_SHOP_MONTH = 0.35  # mean; gamma-distributed across shops
SHOP_CLEARED_IN_TIME_SHARE = 0.78
SHOP_CLEAR_WINDOW_MINUTES = 15
SHOPS = 1_200
SHOPS_ON_XINHUA_ROAD = 296

# ------------------------------------------------------------------ workflow (working hours unless named)
CLOSE_MARGIN_WORKING_HOURS = 2.0       # 结案时限 = 处置时限 + 2 working hours for feedback and check
MANUAL_REJECTED_SHARE = 0.07
MANUAL_DEFERRED_SHARE = 0.03
MANUAL_EXTENDED_SHARE = 0.06
MANUAL_REWORK_SHARE = 0.15
MANUAL_STUCK_SHARE = 0.004             # never disposed: long-overdue open work
# the share of cases routed automatically that gives AUTO_CLOSE_RATE: of the other (manual) cases only
# those neither rejected, deferred nor stuck close, so auto ÷ (auto + manual closed) = AUTO_CLOSE_RATE
MANUAL_CLOSED_SHARE = 1.0 - MANUAL_REJECTED_SHARE - MANUAL_DEFERRED_SHARE - MANUAL_STUCK_SHARE
AUTO_CLOSED_SHARE = (AUTO_CLOSE_RATE * MANUAL_CLOSED_SHARE
                     / (1.0 - AUTO_CLOSE_RATE + AUTO_CLOSE_RATE * MANUAL_CLOSED_SHARE))
MANUAL_DISPOSE_RATIO_MEDIAN = 0.45     # disposal time ÷ limit, lognormal; P(late) ≈ 14%
MANUAL_DISPOSE_RATIO_SIGMA = 0.75

CASE_SOURCES = (
    # code, zh, en, share of generated cases, rest-day factor, diurnal profile,
    # location mix (road, named place, town background)
    ("grid_worker", "网格员", "Grid worker", 0.46, 0.45, PROFILE_WORKER, (0.12, 0.05, 0.83)),
    ("video_ai", "视频AI", "Video AI", 0.38, 0.90, PROFILE_VIDEO, (0.40, 0.20, 0.40)),
    ("drone", "无人机", "Drone", 0.0, 1.0, PROFILE_OFFICE, (0.0, 0.0, 1.0)),
    ("patrol", "巡查（行走平湖）", "Patrol (Walking Pinghu)", 0.04, 0.30, PROFILE_OFFICE,
     (0.30, 0.20, 0.50)),
    ("citizen", "群众（浙里办/12345/平治110）", "Citizen (Zheliban / 12345 / Pingzhi 110)", 0.11, 1.10,
     PROFILE_CITIZEN, (0.20, 0.15, 0.65)),
    ("supervision", "两单一函（督办）", "Supervision letters", 0.01, 0.05, PROFILE_OFFICE,
     (0.10, 0.10, 0.80)),
)


@dataclass(frozen=True)
class Category:
    code: str
    kind: str          # component | event
    major_name_zh: str
    minor_name_zh: str
    minor_name_en: str
    limit_hours: float  # working hours
    weight: float       # relative frequency among grid-worker reports
    is_video_ai: bool = False
    video_weight: float = 0.0
    partner: str | None = None   # partner department that usually handles it
    partner_share: float = 0.0


_C, _E = "component", "event"
CATEGORIES: tuple[Category, ...] = (
    # 事件 01 市容环境
    Category("E0101", _E, "市容环境", "私搭乱建", "Illegal sheds", 37.5, 1.2),
    Category("E0102", _E, "市容环境", "暴露垃圾", "Exposed rubbish", 4, 10.0, True, 9.0),
    Category("E0103", _E, "市容环境", "积存垃圾渣土", "Accumulated rubbish and muck", 8, 2.5),
    Category("E0104", _E, "市容环境", "道路不洁", "Dirty road", 4, 6.0, True, 5.0),
    Category("E0105", _E, "市容环境", "水域不洁", "Dirty waterway", 8, 1.5,
             partner="D-SL", partner_share=0.5),
    Category("E0106", _E, "市容环境", "绿地脏乱", "Littered green space", 8, 2.0),
    Category("E0107", _E, "市容环境", "垃圾满溢", "Overflowing bins", 2, 5.0, True, 6.0),
    Category("E0108", _E, "市容环境", "打包垃圾", "Bagged rubbish left out", 4, 3.0, True, 5.0),
    Category("E0109", _E, "市容环境", "沿街晾挂", "Laundry hung along the street", 2, 3.0, True, 4.0),
    Category("E0110", _E, "市容环境", "杂物堆放", "Clutter piled up", 4, 8.0, True, 11.0),
    Category("E0111", _E, "市容环境", "非机动车乱停放", "Disorderly non-motor parking", 2, 6.0, True, 10.0),
    Category("E0112", _E, "市容环境", "违规撑伞", "Umbrellas set up outside", 2, 1.5, True, 3.0),
    # 事件 02 宣传广告
    Category("E0201", _E, "宣传广告", "违规户外广告", "Illegal outdoor advertising", 16, 2.0, True, 3.0),
    Category("E0202", _E, "宣传广告", "乱张贴", "Illegal posters", 4, 4.0, True, 4.0),
    Category("E0203", _E, "宣传广告", "乱涂写", "Graffiti and painted ads", 8, 1.5),
    Category("E0204", _E, "宣传广告", "非法悬挂横幅", "Illegal banners", 8, 1.0),
    # 事件 03 施工管理
    Category("E0301", _E, "施工管理", "施工占道", "Construction occupying the road", 8, 1.5, True, 3.0,
             partner="D-ZJ", partner_share=0.2),
    Category("E0302", _E, "施工管理", "道路遗撒", "Spillage from trucks", 8, 1.2),
    Category("E0303", _E, "施工管理", "乱倒建筑垃圾", "Illegal dumping of construction waste", 8, 1.0),
    Category("E0304", _E, "施工管理", "违法建设", "Illegal construction", 150, 0.8,
             partner="D-ZRZY", partner_share=0.2),
    Category("E0305", _E, "施工管理", "夜间施工扰民", "Night-time construction noise", 4, 0.6),
    # 事件 04 街面秩序
    Category("E0401", _E, "街面秩序", "占道经营", "Street vending", 2, 9.0, True, 12.0),
    Category("E0402", _E, "街面秩序", "店外经营", "Business outside the shop", 2, 7.0, True, 11.0),
    Category("E0403", _E, "街面秩序", "游商", "Mobile hawkers", 1, 3.0, True, 4.0),
    Category("E0404", _E, "街面秩序", "机动车违章停放", "Illegally parked vehicles", 1, 6.0, True, 12.0,
             partner="D-JJ", partner_share=0.1),
    Category("E0405", _E, "街面秩序", "占用消防通道", "Fire lane blocked", 2, 0.8,
             partner="D-XF", partner_share=0.2),
    Category("E0406", _E, "街面秩序", "露天烧烤", "Open-air barbecue", 2, 1.2),
    Category("E0407", _E, "街面秩序", "流浪犬只", "Stray dogs", 8, 0.8),
    # 事件 05 突发事件
    Category("E0501", _E, "突发事件", "路面塌陷", "Road collapse", 2, 0.3, partner="D-ZJ", partner_share=0.7),
    Category("E0502", _E, "突发事件", "道路积水", "Road flooding", 2, 0.5, partner="D-ZJ", partner_share=0.5),
    Category("E0503", _E, "突发事件", "树木倒伏", "Fallen trees", 2, 0.4),
    # 事件 06 其他
    Category("E0601", _E, "其他事件", "噪声扰民", "Noise nuisance", 4, 1.5,
             partner="D-STHJ", partner_share=0.2),
    Category("E0602", _E, "其他事件", "餐饮油烟", "Cooking fumes", 16, 1.0,
             partner="D-STHJ", partner_share=0.3),
    # 部件 01 公用设施
    Category("C0101", _C, "公用设施", "上水井盖", "Water-main manhole cover", 8, 0.8,
             partner="D-SW", partner_share=0.8),
    Category("C0102", _C, "公用设施", "污水井盖", "Sewer manhole cover", 8, 0.8,
             partner="D-ZJ", partner_share=0.7),
    Category("C0103", _C, "公用设施", "雨水井盖", "Storm-drain manhole cover", 8, 0.9,
             partner="D-ZJ", partner_share=0.7),
    Category("C0104", _C, "公用设施", "电力井盖", "Power manhole cover", 8, 0.5,
             partner="D-GD", partner_share=0.9),
    Category("C0105", _C, "公用设施", "通信井盖", "Telecom manhole cover", 8, 0.5,
             partner="D-TX", partner_share=0.9),
    Category("C0106", _C, "公用设施", "燃气井盖", "Gas manhole cover", 4, 0.3,
             partner="D-RQ", partner_share=0.9),
    Category("C0107", _C, "公用设施", "消防栓", "Fire hydrant", 8, 0.3, partner="D-XF", partner_share=0.8),
    Category("C0108", _C, "公用设施", "路灯", "Street light", 16, 1.5, partner="D-ZJ", partner_share=0.7),
    Category("C0109", _C, "公用设施", "电力设施", "Power equipment", 8, 0.4,
             partner="D-GD", partner_share=0.9),
    # 部件 02 道路交通
    Category("C0201", _C, "道路交通", "交通信号灯", "Traffic light", 4, 0.4,
             partner="D-JJ", partner_share=0.9),
    Category("C0202", _C, "道路交通", "交通标志牌", "Traffic sign", 16, 0.4,
             partner="D-JJ", partner_share=0.8),
    Category("C0203", _C, "道路交通", "道路护栏", "Road railing", 16, 0.6, partner="D-ZJ", partner_share=0.6),
    Category("C0204", _C, "道路交通", "人行道板", "Sidewalk paving", 24, 1.0,
             partner="D-ZJ", partner_share=0.6),
    Category("C0205", _C, "道路交通", "公交站亭", "Bus shelter", 16, 0.3, partner="D-JT", partner_share=0.8),
    Category("C0206", _C, "道路交通", "非机动车停放设施", "Non-motor parking racks", 16, 0.3),
    # 部件 03 市容环境
    Category("C0301", _C, "市容环境", "公共厕所", "Public toilet", 8, 0.5, partner="D-HW", partner_share=0.6),
    Category("C0302", _C, "市容环境", "垃圾箱", "Litter bin", 8, 1.2, partner="D-HW", partner_share=0.5),
    Category("C0303", _C, "市容环境", "广告牌匾", "Shop signboard", 16, 0.6),
    # 部件 04 园林绿化
    Category("C0401", _C, "园林绿化", "行道树", "Street tree", 16, 0.8, partner="D-ZJ", partner_share=0.5),
    Category("C0402", _C, "园林绿化", "绿地设施", "Green-space fixtures", 16, 0.5,
             partner="D-ZJ", partner_share=0.5),
    # 部件 05 房屋土地 / 06 其他设施
    Category("C0501", _C, "房屋土地", "宣传栏", "Notice board", 24, 0.2),
    Category("C0601", _C, "其他设施", "健身设施", "Fitness equipment", 24, 0.3),
    Category("C0602", _C, "其他设施", "景观灯", "Decorative lights", 16, 0.3,
             partner="D-ZJ", partner_share=0.5),
)
CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}
# Citizens and supervision letters report a different mix than grid workers.
CITIZEN_WEIGHTS = {"E0601": 8.0, "E0602": 5.0, "E0305": 4.0, "E0401": 8.0, "E0404": 8.0, "E0406": 3.0,
                   "E0107": 5.0, "E0102": 5.0, "C0108": 4.0, "C0103": 2.0, "E0502": 2.0, "E0407": 2.0}
SUPERVISION_WEIGHTS = {"E0304": 5.0, "E0101": 4.0, "E0401": 3.0, "E0102": 2.0, "E0303": 2.0, "E0602": 1.0}

PARTNER_DEPARTMENTS = (
    ("D-SCJG", "市场监管局", "Market Supervision Bureau"),
    ("D-ZJ", "住建局", "Housing and Construction Bureau"),
    ("D-JJ", "交警大队", "Traffic Police Brigade"),
    ("D-SL", "水利局", "Water Resources Bureau"),
    ("D-GD", "供电公司", "Power Supply Company"),
    ("D-ZRZY", "自然资源和规划局", "Natural Resources and Planning Bureau"),
    ("D-STHJ", "生态环境分局", "Ecology and Environment Branch"),
    ("D-XF", "消防救援大队", "Fire and Rescue Brigade"),
    ("D-JT", "交通运输局", "Transport Bureau"),
    ("D-HW", "环卫处", "Sanitation Office"),
    ("D-SW", "自来水公司", "Water Supply Company"),
    ("D-RQ", "燃气公司", "Gas Company"),
    ("D-TX", "通信运营商", "Telecom Operators"),
)

# Shops per road (296 on 新华路, DOMAIN.md §1); the rest spread over busy streets.
SHOPS_PER_ROAD = {"新华路": SHOPS_ON_XINHUA_ROAD, "解放路": 120, "当湖路": 110, "建国路步行街": 90,
                  "南市路": 60,
                  "三港路": 60, "城南西路": 55, "梅园路": 45, "环城西路": 40, "胜利路": 50, "人民路": 50,
                  "服装城路": 100, "钟埭大道": 40, "曹桥中路": 40, "新埭中路": 24, "独山港大道": 20}
SHOP_NAME_HEADS = ("老王", "美佳", "鑫源", "兴隆", "华联", "金鑫", "好运来", "丽人", "新世纪", "阿强", "小李",
                   "平湖", "当湖", "福满", "佳佳", "乐购", "顺发", "永盛", "大众", "东方", "明珠", "恒丰",
                   "江南", "嘉禾", "宏达", "诚信", "天天", "便民", "一品", "百味")
SHOP_NAME_TAILS = ("面馆", "服饰", "超市", "五金店", "水果店", "理发店", "奶茶店", "药房", "手机店", "烟酒店",
                   "早餐店", "洗衣店", "小吃店", "羽绒服", "鞋业", "眼镜店", "母婴店", "花店", "烘焙",
                   "茶叶店")
SHOP_VIOLATION_KINDS = np.array(["clutter_box", "out_of_door", "sign", "other"])
SHOP_VIOLATION_KIND_SHARES = np.array([0.55, 0.30, 0.08, 0.07])
STAGE_COLUMNS = ("accepted_at", "registered_at", "dispatched_at", "disposed_at", "feedback_at", "verified_at",
                 "closed_at")


class CaseRelations:
    """case_source, case_category, shop, shop_violation and grid_case (a mixin of DemoGenerator)."""

    def case_source(self) -> pd.DataFrame:
        return pd.DataFrame([{"source_code": c, "name_zh": zh, "name_en": en}
                             for c, zh, en, *_ in CASE_SOURCES])

    def case_category(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "category_code": c.code, "kind": c.kind, "major_code": c.code[1:3], "minor_code": c.code[3:5],
            "major_name_zh": c.major_name_zh, "minor_name_zh": c.minor_name_zh,
            "minor_name_en": c.minor_name_en,
            "dispose_limit_hours": float(c.limit_hours), "is_video_ai": c.is_video_ai,
        } for c in CATEGORIES])

    # ---------------------------------------------------------------- shops and their violations
    @cached_property
    def _shops(self) -> pd.DataFrame:
        rng = self.rng("shop")
        roads = {r.name_zh: r for r in places.ROADS}
        names_road, lats, lons = [], [], []
        for road_name, count in SHOPS_PER_ROAD.items():
            road = roads[road_name]
            length_m = road_polyline(road)[2][-1]
            # shop fronts 18-25 m from the centre line, on either side
            side = np.where(rng.random(count) < 0.5, -1.0, 1.0)
            lat, lon = along_road(road, rng.random(count) * length_m, side * rng.uniform(18.0, 25.0, count))
            lats.append(lat)
            lons.append(lon)
            names_road += [road_name] * count
        lat = np.concatenate(lats)
        lon = np.concatenate(lons)
        n = lat.size
        fallback = self.geo.locate(lat, lon)
        fallback = np.where(fallback >= 0, fallback, pick(rng, self.hotspots.grid_weights, n))
        lat, lon, gi = self.geo.snap_into_grids(lat, lon, fallback)
        heads = np.array(SHOP_NAME_HEADS)[rng.integers(0, len(SHOP_NAME_HEADS), n)]
        tails = np.array(SHOP_NAME_TAILS)[rng.integers(0, len(SHOP_NAME_TAILS), n)]
        names = pd.Series(np.char.add(heads, tails))
        dup = names.groupby(names).cumcount().to_numpy()
        names = np.where(dup > 0, names + "（" + pd.Series(dup + 1).astype(str) + "号店）", names)
        first_open = dt.date(2008, 1, 1).toordinal()
        last_open = max(self._end_date.toordinal() - 60, first_open + 1)
        opened = [dt.date.fromordinal(int(o)) for o in rng.integers(first_open, last_open, n)]
        return pd.DataFrame({"shop_id": np.arange(1, n + 1, dtype=np.int64), "name_zh": names,
                             "road_name": names_road, "lat": np.round(lat, 6), "lon": np.round(lon, 6),
                             "grid_code": self.geo.grid_code[gi], "opened_on": opened, "_grid": gi})

    def shop(self) -> pd.DataFrame:
        return self._shops.drop(columns="_grid").copy()

    @cached_property
    def _shop_violations(self) -> pd.DataFrame:
        rng = self.rng("shop_violation")
        shops = self._shops
        n_shops = len(shops)
        monthly = rng.gamma(0.5, SHOP_VIOLATIONS_PER_SHOP_MONTH / 0.5, n_shops)
        total = monthly.sum() * 12 * self.years * self.scale
        times = self._event_times(rng, total, PROFILE_SHOP, 0.9)
        shop_idx = pick(rng, monthly, times.size)
        opened_s = np.array([local_midnight_epoch(d) for d in shops["opened_on"]])
        open_then = times >= opened_s[shop_idx]  # no violations before the shop opened
        times, shop_idx = times[open_then], shop_idx[open_then]
        kind = SHOP_VIOLATION_KINDS[pick(rng, SHOP_VIOLATION_KIND_SHARES, times.size)]
        cleared = rng.random(times.size) < SHOP_CLEARED_IN_TIME_SHARE
        known = times + SHOP_CLEAR_WINDOW_MINUTES * MINUTE_S <= self.end_s
        cleared_col = pd.array(np.where(known, cleared, False), dtype="boolean")
        cleared_col[~known] = pd.NA
        becomes_case = known & ~cleared
        case_delay = rng.integers(15 * MINUTE_S, 25 * MINUTE_S, times.size)
        case_at = times + case_delay
        becomes_case &= case_at <= self.end_s
        category = np.where(kind == "out_of_door", "E0402", np.where(kind == "sign", "E0201", "E0110"))
        return pd.DataFrame({"violation_id": np.arange(1, times.size + 1, dtype=np.int64),
                             "shop_id": shops["shop_id"].to_numpy()[shop_idx], "observed_at_s": times,
                             "kind_code": kind, "was_cleared_in_time": cleared_col,
                             "_becomes_case": becomes_case, "_case_at": case_at, "_category": category,
                             "_lat": shops["lat"].to_numpy()[shop_idx],
                             "_lon": shops["lon"].to_numpy()[shop_idx],
                             "_grid": shops["_grid"].to_numpy()[shop_idx]})

    def shop_violation(self) -> pd.DataFrame:
        v = self._shop_violations
        case_id = pd.array(np.full(len(v), 0), dtype="Int64")
        case_id[:] = pd.NA
        ids = self._grid_cases["seed_case_ids"]["shop"]
        case_id[np.flatnonzero(v["_becomes_case"].to_numpy())] = ids
        return pd.DataFrame({"violation_id": v["violation_id"], "shop_id": v["shop_id"],
                             "observed_at": to_timestamps(v["observed_at_s"].to_numpy()),
                             "kind_code": v["kind_code"], "was_cleared_in_time": v["was_cleared_in_time"],
                             "case_id": case_id})

    # ---------------------------------------------------------------- grid cases
    @cached_property
    def _grid_cases(self) -> dict:
        """All grid cases (valid and bad) as arrays of epoch seconds, plus the ids of the seeded cases."""
        rng = self.rng("grid_case")
        geo = self.geo
        cats = CATEGORIES
        cat_codes = np.array([c.code for c in cats])
        limit = np.array([c.limit_hours for c in cats], dtype=float)
        # --- seeded cases: shop violations not cleared in time, drone detections dispatched
        sv = self._shop_violations[self._shop_violations["_becomes_case"]]
        dd = self._detections[self._detections["_becomes_case"]]
        d_lat, d_lon = dd["lat"].to_numpy(), dd["lon"].to_numpy()
        d_grid = geo.locate(d_lat, d_lon)
        d_fb = np.where(d_grid >= 0, d_grid, pick(rng, self.hotspots.grid_weights, len(dd)))
        d_lat, d_lon, d_grid = geo.snap_into_grids(d_lat, d_lon, d_fb)
        seeded = {
            "reported": np.concatenate([sv["_case_at"], dd["_case_at"]]).astype(np.int64),
            "source": np.array(["video_ai"] * len(sv) + ["drone"] * len(dd), dtype=object),
            "category": np.concatenate([sv["_category"], dd["category_code"]]).astype(object),
            "lat": np.concatenate([sv["_lat"].to_numpy(), d_lat]),
            "lon": np.concatenate([sv["_lon"].to_numpy(), d_lon]),
            "grid": np.concatenate([sv["_grid"].to_numpy(), d_grid]).astype(np.int64),
            "origin": np.array([1] * len(sv) + [2] * len(dd), dtype=np.int8),
        }
        # --- generated cases per source
        target_total = GRID_CASES_PER_YEAR * self.years * self.scale - seeded["reported"].size
        parts = []
        video_w = np.array([c.video_weight for c in cats])
        base_w = np.array([c.weight for c in cats])
        for code, _zh, _en, share, rest_factor, profile, mix in CASE_SOURCES:
            if share <= 0:
                continue
            src_rng = self.rng(f"grid_case:{code}")
            times = self._event_times(src_rng, target_total * share, profile, rest_factor)
            n = times.size
            if code == "video_ai":
                w = video_w
            elif code == "citizen":
                w = np.array([CITIZEN_WEIGHTS.get(c.code, 0.2 * c.weight) for c in cats])
            elif code == "supervision":
                w = np.array([SUPERVISION_WEIGHTS.get(c.code, 0.0) for c in cats])
            else:
                w = base_w
            cat_i = pick(src_rng, w, n)
            lat, lon, gi = self.hotspots.points(src_rng, n, mix)
            parts.append({"reported": times, "source": np.full(n, code, dtype=object),
                          "category": cat_codes[cat_i].astype(object), "lat": lat, "lon": lon, "grid": gi,
                          "origin": np.zeros(n, dtype=np.int8)})
        parts.append(seeded)
        cases = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        order = np.argsort(cases["reported"], kind="stable")
        cases = {k: v[order] for k, v in cases.items()}
        n = cases["reported"].size
        cat_index = pd.Index(cat_codes).get_indexer(cases["category"])
        lim = limit[cat_index]
        # --- workflow
        wf = self._workflow(rng, cases["reported"], lim, cases["source"])
        # --- departments
        partner = np.array([c.partner or "" for c in cats], dtype=object)[cat_index]
        partner_share = np.array([c.partner_share for c in cats])[cat_index]
        squadron = geo.squadron_of_grid[cases["grid"]]
        handler = np.where((partner != "") & (rng.random(n) < partner_share), partner, squadron)
        minor = np.array([c.minor_name_zh for c in cats], dtype=object)[cat_index]
        town_names = {t.code: t.name_zh for t in places.TOWNS}
        where = pd.Series(geo.town_of_grid[cases["grid"]]).map(town_names).fillna("").to_numpy(dtype=object)
        src = cases["source"]
        desc = np.where(src == "video_ai", "视频AI识别：" + minor,
                        np.where(src == "drone", "无人机巡航发现：" + minor,
                                 where + "发现" + minor
                                 + np.where(src == "citizen", "，群众反映，请尽快处理", "，请处置")))
        frame = pd.DataFrame({
            "source_code": cases["source"], "category_code": cases["category"], "description": desc,
            "lat": cases["lat"], "lon": cases["lon"], "grid_code": geo.grid_code[cases["grid"]],
            "handler_dept_code": handler, "squadron_code": squadron, **wf,
            "_origin": cases["origin"],
        })
        frame = self._bad_grid_cases(rng, frame)
        frame.insert(0, "case_id", np.arange(1, len(frame) + 1, dtype=np.int64))
        origin = frame.pop("_origin").to_numpy()
        # ids of the seeded cases, in the order of their source rows (stable sort keeps that order)
        seeded_ids = frame["case_id"].to_numpy()[origin == 1], frame["case_id"].to_numpy()[origin == 2]
        # origin order within each kind follows reported time; map back to the source rows' order
        shop_rows = np.argsort(np.argsort(sv["_case_at"].to_numpy(), kind="stable"), kind="stable")
        drone_rows = np.argsort(np.argsort(dd["_case_at"].to_numpy(), kind="stable"), kind="stable")
        return {"frame": frame,
                "seed_case_ids": {"shop": seeded_ids[0][shop_rows], "drone": seeded_ids[1][drone_rows]}}

    def _workflow(self, rng: np.random.Generator, reported: np.ndarray, limit_h: np.ndarray,
                  source: np.ndarray) -> dict[str, np.ndarray]:
        """Stage timestamps (float epoch s, NaN = not yet / never), deadlines and flags for every case."""
        n = reported.size
        clock = self.clock
        rep = reported.astype(np.float64)
        nan = np.full(n, np.nan)
        auto = rng.random(n) < AUTO_CLOSED_SHARE
        auto &= source != "drone"  # drone findings are dispatched to a squadron
        manual = ~auto
        u = rng.random(n)
        rejected = manual & (u < MANUAL_REJECTED_SHARE)
        deferred = manual & ~rejected & (u < MANUAL_REJECTED_SHARE + MANUAL_DEFERRED_SHARE)
        stuck = manual & ~rejected & ~deferred & (rng.random(n) < MANUAL_STUCK_SHARE)
        extended = manual & ~rejected & (rng.random(n) < MANUAL_EXTENDED_SHARE)
        rework = np.where(manual & ~rejected & ~deferred & (rng.random(n) < MANUAL_REWORK_SHARE),
                          np.where(rng.random(n) < 0.8, 1, 2), 0)
        # acceptance and registration: the command centre runs around the clock
        accepted = rep + np.where(auto, rng.integers(5, 120, n),
                                  np.minimum(rng.lognormal(np.log(600), 0.9, n), 6 * HOUR_S))
        registered = accepted + np.where(auto, rng.integers(1, 60, n), rng.integers(60, 20 * MINUTE_S, n))
        dispatched = registered + np.where(auto, rng.integers(1, 60, n),
                                           np.minimum(rng.lognormal(np.log(600), 0.8, n), 4 * HOUR_S))
        ext_hours = np.where(extended, limit_h * rng.uniform(1.0, 2.0, n), 0.0)
        dispatched_i = np.round(dispatched).astype(np.int64)
        dispose_deadline = clock.add_working_hours(dispatched_i, limit_h + ext_hours).astype(np.float64)
        close_deadline = clock.add_working_hours(
            dispatched_i, limit_h + ext_hours + CLOSE_MARGIN_WORKING_HOURS).astype(np.float64)
        # disposal
        # automatic routing closes within minutes to hours, inside the category's limit
        auto_minutes = np.minimum(rng.lognormal(np.log(30), 0.8, n), np.minimum(0.8 * limit_h * 60, 10 * 60))
        ratio = rng.lognormal(np.log(MANUAL_DISPOSE_RATIO_MEDIAN), MANUAL_DISPOSE_RATIO_SIGMA, n)
        ratio = np.where(extended, (limit_h + ext_hours) / limit_h * rng.lognormal(np.log(0.7), 0.3, n),
                         ratio)
        ratio *= 1.0 + 0.4 * rework
        ratio = np.where(deferred, ratio * 6.0, ratio)
        manual_disposed = clock.add_working_hours(dispatched_i,
                                                  np.maximum(limit_h * ratio, 0.05)).astype(np.float64)
        disposed = np.where(auto, dispatched + auto_minutes * MINUTE_S, manual_disposed)
        feedback = disposed + np.where(auto, rng.integers(30, 600, n),
                                       rng.integers(5 * MINUTE_S, 60 * MINUTE_S, n))
        verify_wh = rng.uniform(0.2, 3.0, n)
        verified = np.where(auto, feedback + rng.integers(60, 1800, n),
                            clock.add_working_hours(np.round(feedback).astype(np.int64),
                                                    verify_wh).astype(np.float64))
        closed = verified + np.where(auto, rng.integers(10, 300, n), rng.integers(MINUTE_S, 30 * MINUTE_S, n))
        # rejected: accepted, never registered; deferred: mostly left hanging; stuck: never disposed
        never_registered = rejected
        hanging = (deferred & (rng.random(n) < 0.7)) | stuck
        stages = {"accepted_at": accepted, "registered_at": registered, "dispatched_at": dispatched,
                  "disposed_at": disposed, "feedback_at": feedback, "verified_at": verified,
                  "closed_at": closed}
        for name in STAGE_COLUMNS[1:]:
            stages[name] = np.where(never_registered, np.nan, stages[name])
        for name in STAGE_COLUMNS[3:]:
            stages[name] = np.where(hanging, np.nan, stages[name])
        stages = {k: np.round(v) for k, v in stages.items()}
        # nothing after `end`: a stage after the end has not happened yet, nor have the ones after it
        later_nan = np.zeros(n, dtype=bool)
        for name in STAGE_COLUMNS:
            later_nan |= stages[name] > self.end_s
            stages[name] = np.where(later_nan, np.nan, stages[name])
        has_dispatch = ~np.isnan(stages["dispatched_at"])
        closed_now = ~np.isnan(stages["closed_at"])
        return {
            "reported_at": rep, **stages,
            "dispose_deadline_at": np.where(has_dispatch, dispose_deadline, nan),
            "close_deadline_at": np.where(has_dispatch, close_deadline, nan),
            "rework_count": np.where(np.isnan(stages["disposed_at"]), 0, rework).astype(np.int32),
            "is_extended": extended & has_dispatch,
            "is_deferred": deferred & has_dispatch,
            "is_rejected": rejected & ~np.isnan(stages["accepted_at"]),
            "is_auto_closed": auto & closed_now,
        }

    def _bad_grid_cases(self, rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
        n_bad = bad_row_count(len(frame))
        if not n_bad:
            return frame
        base = rng.integers(0, len(frame), n_bad)
        bad = frame.iloc[base].copy().reset_index(drop=True)
        bad["_origin"] = 0
        kinds = ["missing_time", "future_time", "impossible_time", "missing_location", "out_of_area",
                 "unknown_source", "unknown_category", "unknown_grid"]
        shares = [0.10, 0.15, 0.10, 0.20, 0.15, 0.08, 0.10, 0.12]
        kind = np.array(kinds)[rng.choice(len(kinds), n_bad, p=shares)]
        stage_cols = [*STAGE_COLUMNS, "dispose_deadline_at", "close_deadline_at"]
        m = kind == "missing_time"
        bad.loc[m, "reported_at"] = np.nan
        m = kind == "future_time"
        bad.loc[m, "reported_at"] = self._future_times(rng, int(m.sum())).astype(float)
        bad.loc[m, stage_cols] = np.nan
        m = kind == "impossible_time"
        bad.loc[m, "closed_at"] = bad.loc[m, "reported_at"] - rng.integers(HOUR_S, 3 * DAY_S, int(m.sum()))
        m = kind == "missing_location"
        bad.loc[m, ["lat", "lon"]] = np.nan
        m = kind == "out_of_area"
        pts = np.array(OUT_OF_AREA_POINTS)[rng.integers(0, len(OUT_OF_AREA_POINTS), int(m.sum()))]
        bad.loc[m, "lat"], bad.loc[m, "lon"] = pts[:, 0], pts[:, 1]
        m = kind == "unknown_source"
        bad.loc[m, "source_code"] = one_of(rng, ("wechat_v1", "hotline", "app"), int(m.sum()))
        m = kind == "unknown_category"
        bad.loc[m, "category_code"] = one_of(rng, ("E9999", "X0101", "E01"), int(m.sum()))
        m = kind == "unknown_grid"
        bad.loc[m, "grid_code"] = np.where(rng.random(int(m.sum())) < 0.5, None, "33048299999901")
        # interleave by the base row's time so ids look like those of a live system
        return interleave_bad(frame, bad, base)

    def grid_case(self) -> pd.DataFrame:
        f = self._grid_cases["frame"]
        out = f.copy()
        for col in ("reported_at", *STAGE_COLUMNS, "dispose_deadline_at", "close_deadline_at"):
            out[col] = to_timestamps(f[col].to_numpy(dtype=np.float64))
        out["lat"] = out["lat"].astype(float)
        out["lon"] = out["lon"].astype(float)
        return out

"""The demo generator: a year of Pinghu, as pandas DataFrames for every relation of the contract.

Deterministic: the same (seed, end, days, scale) gives identical rows. Every relation draws from its
own numpy Generator seeded by (seed, relation name), so generating one relation never shifts
another. Everything is vectorised numpy/pandas; the grid lookup uses a shapely STRtree.

Calibration: which published figure (DOMAIN.md) drives which volume, at scale 1
--------------------------------------------------------------------------------
- grid_case: 530,000 a year (2024 智慧城管 "530,000+ cases"), ≈1,450 a day, of which 89.71% closed
  by automatic routing (2024 "89.71% 自动流转结案"). The rest follow the GB/T 30428 workflow with
  time limits in working hours per 小类 (e.g. 暴露垃圾 4 h); about one in seven of them is disposed
  late. Rhythm: morning and afternoon peaks, low at night; grid workers and patrols work less at
  weekends and holidays; hotspots along the named roads, around the named places and in 当湖街道.
- shop / shop_violation: 1,200 shops with 296 on 新华路 ("1,000+ shops recorded, 290+ on 新华路");
  violations at a heavy-tailed rate per shop so the three-colour code has a few yellow and red shops;
  a violation not cleared within 15 minutes becomes a video-AI grid case (the shop-front rule).
- drone_flight: 100 sorties a month (Aug–Dec 2024: "500+ sorties"), half of them from the two
  clothing-city nests; a track point every 10 s; detections becoming cases at 28 per 500 sorties.
- waste: exactly 622 drop-off stations of which 377 timed-and-fixed-point (定时定点, collected twice a
  day, "不过午、不过夜", with ~2% of rounds late and ~1% missed), 19 transfer stations, 4 disposal
  sites (the eco-energy plant: 1,000 t/day of 'other' waste; kitchen waste 180 t/day), 185 vehicles.
  Station tonnage is set so that 'other' waste reaching the plant is ≈700 t/day and perishable waste
  ≈140 t/day: plausible loads against the published capacities.
- parking_violation: 240,000 a year (2021: 60,000+ sidewalk violations and 190,000+ electronic
  captures), 47% by electronic capture (2023: 14,379 of 30,573) and only on the 7 capture roads;
  68% of reminded cars leave within 10 minutes (2021: 130,000+ of 190,000+ persuaded to leave);
  tickets only after a reminder and 10 minutes; first offence in half a year → warning (首违警告).
- parking_supply: 24 shared units with 970 spaces, 6 temporary lots, non-motor areas.
- market: 28 service items (the published list of 28), six stationed departments in the modes
  常驻/轮驻/预约, about 480 requests a year ("120+ enforcement requests resolved" and more services).

`scale` multiplies the event volumes (cases, shop violations, parking, weighings, flights, market
requests); reference data (towns, grids, sites, vehicles, roads, nests, items) never changes. For
waste, scale < 1 keeps a fixed share of the drop-off stations (each kept station keeps its full
schedule); scale > 1 cannot add collections, so weighings stay at scale 1.

Time limits: deadlines are computed with cockpit.demo.calendar.WorkClock, an exact vectorised
working-time clock over the generated work_calendar (holidays, make-up days, 08:30-12:00 and
13:30-17:30), the same rule as cockpit.worktime.

Bad rows: every fact relation checked by contract/02_checked_views.sql gets a small share
(BAD_ROW_SHARE, ≈0.6%, at least one row once a relation has 60 rows) of rows that the checked view
flags, each built to hit exactly one issue code: missing or future times, impossible order,
missing or out-of-area coordinates, unknown codes (source, category, grid, site, stage, road,
method, nest, item, department), non-positive or absurd weights, duplicate weighings (an exact
copy with a larger id). Most are extra copies of valid rows; drone track points are corrupted in
place (GPS glitches). Future times lie 3 hours to 5 days after `future_after` (the loader passes the
later of `end` and the wall clock, so they are in the future when loaded; the checked views compare
with now(), so they count as valid once that time has passed).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import shapely

from cockpit import places
from cockpit.db import CONTRACT_VERSION, ROOT
from cockpit.demo.calendar import (
    DAY_S,
    UTC_OFFSET_S,
    WorkClock,
    calendar_span,
    local_midnight_epoch,
    work_calendar_frame,
)
from cockpit.parking import rules as parking_rules

ASSETS_DIR = ROOT / "assets"
TZ = "Asia/Shanghai"
HOUR_S = 3600
MINUTE_S = 60
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(30.70))

# ------------------------------------------------------------------ volumes at scale 1 (see docstring)
GRID_CASES_PER_YEAR = 530_000
AUTO_CLOSED_SHARE = 0.8971
PARKING_VIOLATIONS_PER_YEAR = 240_000
ECAPTURE_SHARE = 0.47
REMINDED_SHARE = 0.88                 # violations with an SMS reminder (plate readable and registered)
LEFT_WITHIN_10MIN_SHARE = 0.68        # of reminded cars
TICKET_DELAY_MIN_MINUTES = parking_rules.TICKET_WAIT_MINUTES  # a ticket only 10 minutes after the reminder
FIRST_WARNING_WINDOW_DAYS = parking_rules.FIRST_WARNING_WINDOW_DAYS  # first violation in half a year: warning
PLATE_POOL_SIZE = 90_000               # cars that ever park illegally
HABITUAL_OFFENDERS, HABITUAL_OFFENDER_SHARE = 3_000, 0.25  # a few thousand cars make a quarter of the records
CAPTURE_ROAD_BOOST = {"新华路": 3.5, "解放路": 3.0, "当湖路": 2.5, "城南西路": 1.5, "三港路": 1.5}
DRONE_SORTIES_PER_MONTH = 100
DRONE_DETECTIONS_PER_SORTIE = 0.45
DRONE_CASES_PER_SORTIE = 28 / 500
DRONE_TRACK_INTERVAL_S = 10
DRONE_NO_FLY_DAY_SHARE = 0.10          # rain and wind days without sorties
MARKET_REQUESTS_PER_YEAR = 480
SHOP_VIOLATIONS_PER_SHOP_MONTH = 0.35  # mean; gamma-distributed across shops
SHOP_CLEARED_IN_TIME_SHARE = 0.78
SHOP_CLEAR_WINDOW_MINUTES = 15

# ------------------------------------------------------------------ reference counts (published)
DROPOFF_SITES = 622
TIMED_FIXED_SITES = 377
TIMED_FIXED_COMMUNITIES = 165
TRANSFER_SITES = 19
WASTE_VEHICLES = 185
SHOPS = 1_200
SHOPS_ON_XINHUA_ROAD = 296
SHARED_PARKING_UNITS, SHARED_PARKING_SPACES = 24, 970
TEMPORARY_PARKING_LOTS = 6
NONMOTOR_AREAS = 15
MARKET_SERVICE_ITEMS = 28

# ------------------------------------------------------------------ workflow (working hours unless named)
CLOSE_MARGIN_WORKING_HOURS = 2.0       # 结案时限 = 处置时限 + 2 working hours for feedback and check
MANUAL_REJECTED_SHARE = 0.07
MANUAL_DEFERRED_SHARE = 0.03
MANUAL_EXTENDED_SHARE = 0.06
MANUAL_REWORK_SHARE = 0.15
MANUAL_STUCK_SHARE = 0.004             # never disposed: long-overdue open work
MANUAL_DISPOSE_RATIO_MEDIAN = 0.45     # disposal time ÷ limit, lognormal; P(late) ≈ 14%
MANUAL_DISPOSE_RATIO_SIGMA = 0.75

# ------------------------------------------------------------------ bad rows
BAD_ROW_SHARE = 0.006
BAD_ROW_MIN_RELATION_ROWS = 60
FUTURE_OFFSET_MIN_S, FUTURE_OFFSET_MAX_S = 3 * HOUR_S, 5 * DAY_S
OUT_OF_AREA_POINTS = ((0.0, 0.0), (31.2304, 121.4737), (121.0160, 30.7000), (30.2741, 120.1551))

# ------------------------------------------------------------------ waste tonnage per collection round
WASTE_ROUND_TONNES = {  # (timed morning, timed evening, other stations' single round), before station size
    "other": (0.70, 0.50, 0.85),
    "perishable": (0.17, 0.13, 0.09),
    "recyclable": (0.15, 0.15, 0.15),
    "hazardous": (0.02, 0.02, 0.02),
}
WASTE_ROUND_PROBABILITY = {  # chance that a round carries the category (timed, other stations)
    "other": (1.0, 1.0), "perishable": (1.0, 0.6), "recyclable": (0.12, 0.12), "hazardous": (0.005, 0.005),
}
WASTE_LATE_ROUND_SHARE = 0.02
WASTE_MISSED_ROUND_SHARE = 0.01
WASTE_VEHICLES_BY_CATEGORY = {"other": 92, "perishable": 58, "recyclable": 25, "hazardous": 10}
WASTE_VEHICLE_CAPACITY_TONNES = {"other": 8.0, "perishable": 5.0, "recyclable": 4.0, "hazardous": 1.5}
WASTE_TRUCK_TONNES_TO_DISPOSAL = {"other": 20.0, "perishable": 10.0, "recyclable": 8.0, "hazardous": 2.0}

# ------------------------------------------------------------------ diurnal profiles (24 local hours)
_PROFILE_WORKER = np.array([0.05, 0.03, 0.02, 0.02, 0.03, 0.1, 0.35, 0.9, 1.8, 2.3, 2.2, 1.6,
                            0.8, 1.0, 1.9, 2.2, 2.0, 1.4, 0.7, 0.45, 0.3, 0.2, 0.12, 0.08])
_PROFILE_VIDEO = np.array([0.15, 0.1, 0.08, 0.08, 0.1, 0.3, 0.7, 1.2, 1.6, 1.8, 1.8, 1.6,
                           1.4, 1.4, 1.6, 1.7, 1.7, 1.6, 1.4, 1.2, 1.0, 0.7, 0.4, 0.25])
_PROFILE_CITIZEN = np.array([0.15, 0.08, 0.05, 0.05, 0.08, 0.2, 0.5, 1.0, 1.5, 1.7, 1.6, 1.3,
                             1.0, 1.1, 1.4, 1.5, 1.4, 1.3, 1.3, 1.3, 1.1, 0.8, 0.5, 0.3])
_PROFILE_PARKING = np.array([0.05, 0.03, 0.02, 0.02, 0.03, 0.1, 0.4, 1.4, 2.0, 1.8, 1.5, 1.7,
                             1.6, 1.3, 1.3, 1.4, 1.6, 1.9, 1.8, 1.3, 0.8, 0.4, 0.15, 0.08])
_PROFILE_OFFICE = np.array([0, 0, 0, 0, 0, 0, 0.05, 0.3, 1.6, 2.2, 2.2, 1.3,
                            0.5, 1.5, 2.1, 2.1, 1.8, 0.8, 0.2, 0.1, 0.05, 0, 0, 0], dtype=float)
_PROFILE_SHOP = np.array([0, 0, 0, 0, 0, 0, 0.1, 0.5, 1.0, 1.6, 1.8, 1.6,
                          1.2, 1.1, 1.2, 1.3, 1.5, 1.8, 1.9, 1.6, 1.0, 0.4, 0.1, 0], dtype=float)

# ------------------------------------------------------------------ lookup tables
CASE_SOURCES = (
    # code, zh, en, share of generated cases, rest-day factor, diurnal profile,
    # location mix (road, named place, town background)
    ("grid_worker", "网格员", "Grid worker", 0.46, 0.45, _PROFILE_WORKER, (0.12, 0.05, 0.83)),
    ("video_ai", "视频AI", "Video AI", 0.38, 0.90, _PROFILE_VIDEO, (0.40, 0.20, 0.40)),
    ("drone", "无人机", "Drone", 0.0, 1.0, _PROFILE_OFFICE, (0.0, 0.0, 1.0)),
    ("patrol", "巡查（行走平湖）", "Patrol (Walking Pinghu)", 0.04, 0.30, _PROFILE_OFFICE,
     (0.30, 0.20, 0.50)),
    ("citizen", "群众（浙里办/12345/平治110）", "Citizen (Zheliban / 12345 / Pingzhi 110)", 0.11, 1.10,
     _PROFILE_CITIZEN, (0.20, 0.15, 0.65)),
    ("supervision", "两单一函（督办）", "Supervision letters", 0.01, 0.05, _PROFILE_OFFICE,
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

WASTE_CATEGORIES = (
    ("perishable", "易腐垃圾", "Perishable (kitchen) waste"),
    ("other", "其他垃圾", "Other waste"),
    ("recyclable", "可回收物", "Recyclables"),
    ("hazardous", "有害垃圾", "Hazardous waste"),
)
DISPOSAL_SITES = (
    # site_id, name, town, lat, lon, capacity t/day, category
    ("WD01", "平湖市生态能源有限公司（垃圾焚烧发电）", "330482103", 30.6420, 121.1520, 1000.0, "other"),
    ("WD02", "平湖市易腐垃圾（餐厨）处理中心", "330482400", 30.6800, 121.0720, 180.0, "perishable"),
    ("WD03", "平湖市再生资源分拣中心", "330482002", 30.7120, 120.9820, 120.0, "recyclable"),
    ("WD04", "平湖市有害垃圾暂存处置中心", "330482400", 30.6740, 121.0640, 5.0, "hazardous"),
)

DRONE_NESTS = (
    # nest_id, name, town, lat, lon, camera radius m, routes: (name, purpose)
    ("N01", "服装城北机巢", "330482002", 30.7262, 120.9655, 220.0,
     (("服装城消防通道巡查", "fire_lane"), ("服装城周边建筑垃圾巡查", "construction_waste"),
      ("服装城综合巡航", "general"))),
    ("N02", "服装城南机巢", "330482002", 30.7178, 120.9718, 220.0,
     (("嘉荟城夜市周边巡航", "general"), ("钟埭河道巡查", "river"), ("服装城违建巡查", "illegal_building"))),
    ("N03", "东湖机巢", "330482001", 30.7078, 121.0335, 200.0,
     (("东湖水域巡查", "river"), ("老城区违建巡查", "illegal_building"), ("城区综合巡航", "general"))),
    ("N04", "曹桥机巢", "330482003", 30.7705, 121.0455, 200.0,
     (("曹桥河道巡查", "river"), ("曹桥建筑垃圾巡查", "construction_waste"))),
    ("N05", "新埭机巢", "330482101", 30.8140, 121.1085, 200.0,
     (("新埭河道巡查", "river"), ("新埭违建巡查", "illegal_building"))),
    ("N06", "独山港机巢", "330482103", 30.6235, 121.1795, 240.0,
     (("独山港工业区巡航", "general"), ("独山港建筑垃圾巡查", "construction_waste"))),
    ("N07", "广陈机巢", "330482104", 30.7985, 121.1990, 200.0,
     (("广陈河道巡查", "river"), ("广陈违建巡查", "illegal_building"))),
    ("N08", "经开区机巢", "330482400", 30.6885, 121.0605, 220.0,
     (("经开区消防通道巡查", "fire_lane"), ("经开区综合巡航", "general"))),
)
DRONE_NEST_WEIGHTS = {"N01": 0.27, "N02": 0.23, "N03": 0.12, "N04": 0.07, "N05": 0.07, "N06": 0.08,
                      "N07": 0.06, "N08": 0.10}
DRONE_NEST_IN_MAINTENANCE = "N07"
DRONE_DETECTION_CATEGORIES = {
    "river": ("E0105",), "fire_lane": ("E0405", "E0404"), "construction_waste": ("E0303", "E0103", "E0302"),
    "illegal_building": ("E0304", "E0101"), "general": ("E0102", "E0401", "E0301", "E0110"),
}

MARKET_DEPARTMENTS = (
    ("zhifa", "综合执法", "Comprehensive enforcement", "resident"),
    ("shijian", "市场监管", "Market supervision", "resident"),
    ("gongan", "公安", "Public security", "rotating"),
    ("xiaofang", "消防", "Fire and rescue", "rotating"),
    ("sifa", "司法", "Justice", "appointment"),
    ("zongzhi", "综治", "Social governance", "rotating"),
)
ROTATION_WEEKDAYS = {"gongan": (0, 2, 4), "xiaofang": (1, 3), "zongzhi": (0, 3)}  # Monday = 0
APPOINTMENT_WEEKDAYS = {"sifa": (1, 3)}
MARKET_SERVICE_ITEMS_LIST = (
    # code, group, name zh, name en, dept, promised working hours, relative demand
    ("MS01", "法律服务", "法律咨询", "Legal advice", "sifa", 4, 8.0),
    ("MS02", "法律服务", "司法调解", "Judicial mediation", "sifa", 37.5, 4.0),
    ("MS03", "法律服务", "人民调解", "People's mediation", "zongzhi", 22.5, 4.0),
    ("MS04", "法律服务", "法律援助", "Legal aid", "sifa", 37.5, 1.5),
    ("MS05", "法律服务", "公证服务", "Notarisation", "sifa", 15, 2.0),
    ("MS06", "法律服务", "合同纠纷咨询", "Contract dispute advice", "sifa", 7.5, 3.0),
    ("MS07", "知识产权", "知识产权保护", "IP protection", "shijian", 37.5, 4.0),
    ("MS08", "知识产权", "版权登记", "Copyright registration", "shijian", 52.5, 5.0),
    ("MS09", "知识产权", "商标侵权", "Trademark infringement", "shijian", 37.5, 4.0),
    ("MS10", "知识产权", "商业秘密", "Trade secrets", "shijian", 75, 1.0),
    ("MS11", "知识产权", "专利纠纷", "Patent disputes", "shijian", 75, 1.0),
    ("MS12", "知识产权", "产权保护", "Property-rights protection", "shijian", 37.5, 1.5),
    ("MS13", "市场监管", "举报投诉", "Reports and complaints", "shijian", 15, 9.0),
    ("MS14", "市场监管", "产品质量检查", "Product quality checks", "shijian", 22.5, 3.0),
    ("MS15", "市场监管", "价格监督", "Price supervision", "shijian", 15, 2.0),
    ("MS16", "市场监管", "证照办理指导", "Licence guidance", "shijian", 7.5, 4.0),
    ("MS17", "市场监管", "直播电商合规指导", "Live-stream e-commerce compliance", "shijian", 15, 3.0),
    ("MS18", "安全", "消防安全检查", "Fire-safety inspection", "xiaofang", 15, 4.0),
    ("MS19", "安全", "消防隐患举报", "Fire-hazard reports", "xiaofang", 4, 2.0),
    ("MS20", "安全", "治安求助", "Public-security help", "gongan", 2, 3.0),
    ("MS21", "安全", "电信诈骗防范", "Telecom-fraud prevention", "gongan", 7.5, 1.5),
    ("MS22", "秩序", "占道经营整治", "Street-vending control", "zhifa", 4, 5.0),
    ("MS23", "秩序", "停车秩序", "Parking order", "zhifa", 4, 5.0),
    ("MS24", "秩序", "市容环境卫生", "Cleanliness and streetscape", "zhifa", 4, 4.0),
    ("MS25", "秩序", "户外广告审批指导", "Outdoor-advertising guidance", "zhifa", 15, 2.0),
    ("MS26", "综合服务", "矛盾纠纷化解", "Dispute resolution", "zongzhi", 22.5, 3.0),
    ("MS27", "综合服务", "行政执法咨询", "Enforcement enquiries", "zhifa", 4, 4.0),
    ("MS28", "综合服务", "涉企服务工单", "Business service work orders", "zongzhi", 15, 3.0),
)
# zone -> (lat, lon) offset of its centre from the clothing city
MARKET_ZONES = {"A区": (0.0012, -0.0012), "B区": (0.0012, 0.0012),
                "C区": (-0.0012, -0.0012), "D区": (-0.0012, 0.0012)}

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
SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN_CHARS = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰斌峰飞鹏辉慧琴云")
STRICT_ROADS_EARLY = ("R01", "R02", "R03")   # the first 3 strict-management roads
STRICT_SINCE_EARLY = dt.date(2019, 7, 1)
STRICT_SINCE_LATER_FROM = dt.date(2021, 3, 1)  # the other 17 roads were added over the following ~2.5 years
SHOP_VIOLATION_KINDS = np.array(["clutter_box", "out_of_door", "sign", "other"])
SHOP_VIOLATION_KIND_SHARES = np.array([0.55, 0.30, 0.08, 0.07])
MARKET_OUTCOMES = np.array(["resolved", "referred", "rejected", "withdrawn"])
MARKET_OUTCOME_SHARES = np.array([0.80, 0.10, 0.04, 0.06])
STAGE_COLUMNS = ("accepted_at", "registered_at", "dispatched_at", "disposed_at", "feedback_at", "verified_at",
                 "closed_at")


# ================================================================== helpers
def _stable_id(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def to_timestamps(epoch_s: np.ndarray) -> pd.Series:
    """Epoch seconds (float, NaN = null) -> tz-aware Series in Asia/Shanghai, second resolution."""
    values = np.asarray(epoch_s, dtype=np.float64)
    nat = np.isnan(values)
    ints = np.where(nat, 0, values).astype(np.int64)
    dt64 = ints.astype("datetime64[s]")
    dt64[nat] = np.datetime64("NaT")
    return pd.Series(dt64).dt.tz_localize("UTC").dt.tz_convert(TZ)


def local_hour(epoch_s: np.ndarray) -> np.ndarray:
    return ((np.asarray(epoch_s, dtype=np.int64) + UTC_OFFSET_S) % DAY_S) // HOUR_S


def local_day_index(epoch_s: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 in local time."""
    return (np.asarray(epoch_s, dtype=np.int64) + UTC_OFFSET_S) // DAY_S


def bad_row_count(n_rows: int) -> int:
    """How many bad rows a relation of n_rows valid rows gets (never more than ~1% above 100 rows)."""
    if n_rows < BAD_ROW_MIN_RELATION_ROWS:
        return 0
    return max(1, int(round(n_rows * BAD_ROW_SHARE)))


def _poisson_times(rng: np.random.Generator, bin_starts: np.ndarray, intensity: np.ndarray,
                   bin_s: int, lo: int, hi: int) -> np.ndarray:
    """Event times for a Poisson process with the given expected count per bin, within [lo, hi)."""
    counts = rng.poisson(np.maximum(intensity, 0.0))
    starts = np.repeat(bin_starts, counts)
    times = starts + rng.integers(0, bin_s, size=starts.size)
    times = times[(times >= lo) & (times < hi)]
    return np.sort(times)


def _one_of(rng: np.random.Generator, values: tuple[str, ...], size: int) -> np.ndarray:
    return np.array(values, dtype=object)[rng.integers(0, len(values), size)]


def _geojson_text(geometry: dict) -> str:
    return json.dumps(geometry, ensure_ascii=False, separators=(",", ":"))


def _pick(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _plates_pool(rng: np.random.Generator, n: int) -> np.ndarray:
    """Fake but well-formed plates: 浙F12345, 浙FA1234, new-energy 浙FD12345, some from elsewhere."""
    letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    five = np.char.zfill(rng.integers(0, 100_000, n).astype(str), 5)
    four = np.char.zfill(rng.integers(0, 10_000, n).astype(str), 4)
    kind = rng.random(n)
    letter = letters[rng.integers(0, len(letters), n)]
    body = np.where(kind < 0.45, five, np.char.add(letter, four))       # 浙F12345 / 浙FA1234
    body = np.where((kind >= 0.80) & (kind < 0.90), np.char.add("D", five), body)  # new energy 浙FD12345
    elsewhere = np.array(["沪A", "浙A", "苏E", "沪B", "浙B"])[rng.integers(0, 5, n)]  # 10% from out of town
    prefix = np.where(kind < 0.90, "浙F", elsewhere)
    return np.unique(np.char.add(prefix, body))


def _fake_names(rng: np.random.Generator, n: int) -> np.ndarray:
    s = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    g1 = np.array(GIVEN_CHARS)[rng.integers(0, len(GIVEN_CHARS), n)]
    g2 = np.array(GIVEN_CHARS)[rng.integers(0, len(GIVEN_CHARS), n)]
    return np.where(rng.random(n) < 0.35, np.char.add(s, g1), np.char.add(np.char.add(s, g1), g2))


def _fake_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = np.array(["170", "171", "162", "165", "167"])[rng.integers(0, 5, n)]  # virtual-operator ranges
    digits = np.array([f"{x:08d}" for x in rng.integers(0, 100_000_000, n)], dtype=object)
    return (prefix.astype(object) + digits).astype(str) if n else np.array([], dtype=str)


# ================================================================== geography
class Geography:
    """Towns and unit grids (from assets/*.geojson or the database), with a vectorised point-to-grid
    lookup."""

    def __init__(self, grids: pd.DataFrame, towns: list[dict] | None = None) -> None:
        """`grids`: one row per grid with the unit_grid columns (boundary as GeoJSON text) and optionally
        community_name_zh; `towns`: GeoJSON features of towns.geojson."""
        self.grids = grids.sort_values("grid_code", kind="stable").reset_index(drop=True)
        self.towns = sorted(towns or [], key=lambda f: f["properties"]["town_code"])
        self.geoms = shapely.from_geojson(self.grids["boundary"].to_numpy())
        self.tree = shapely.STRtree(self.geoms)
        self.grid_code = self.grids["grid_code"].to_numpy().astype(object)
        self.town_of_grid = self.grids["town_code"].to_numpy().astype(object)
        self.squadron_of_grid = self.grids["squadron_code"].to_numpy().astype(object)
        self.min_lat = self.grids["min_lat"].to_numpy(float)
        self.max_lat = self.grids["max_lat"].to_numpy(float)
        self.min_lon = self.grids["min_lon"].to_numpy(float)
        self.max_lon = self.grids["max_lon"].to_numpy(float)
        self.centroid_lat = self.grids["centroid_lat"].to_numpy(float)
        self.centroid_lon = self.grids["centroid_lon"].to_numpy(float)
        self.area_km2 = self.grids["area_km2"].to_numpy(float)

    @classmethod
    def from_assets(cls, assets_dir: Path) -> "Geography":
        with open(assets_dir / "grids.geojson", encoding="utf-8") as fh:
            grids = json.load(fh)["features"]
        with open(assets_dir / "towns.geojson", encoding="utf-8") as fh:
            towns = json.load(fh)["features"]
        props = pd.DataFrame([f["properties"] for f in grids])
        props["boundary"] = [_geojson_text(f["geometry"]) for f in grids]
        return cls(props, towns)

    def locate(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Index of the grid containing each point, -1 when none (exact point-in-polygon)."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        out = np.full(lat.size, -1, dtype=np.int64)
        ok = ~(np.isnan(lat) | np.isnan(lon))
        idx = np.flatnonzero(ok)
        if idx.size == 0:
            return out
        points = shapely.points(lon[idx], lat[idx])
        hit_point, hit_grid = self.tree.query(points, predicate="intersects")
        # a point on a shared edge hits two grids: keep the first (lowest grid index)
        order = np.lexsort((hit_grid, hit_point))
        hit_point, hit_grid = hit_point[order], hit_grid[order]
        first = np.ones(hit_point.size, dtype=bool)
        first[1:] = hit_point[1:] != hit_point[:-1]
        out[idx[hit_point[first]]] = hit_grid[first]
        return out

    def snap_into_grids(self, lat: np.ndarray, lon: np.ndarray,
                        fallback_grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Round points to 6 decimals (~0.1 m) and locate them; those outside every grid move to their
        fallback grid's centroid."""
        lat = np.round(np.asarray(lat, dtype=float), 6)
        lon = np.round(np.asarray(lon, dtype=float), 6)
        gi = self.locate(lat, lon)
        miss = gi < 0
        if miss.any():
            fb = fallback_grid[miss]
            lat[miss] = self.centroid_lat[fb]
            lon[miss] = self.centroid_lon[fb]
            gi2 = self.locate(lat[miss], lon[miss])
            gi[miss] = np.where(gi2 >= 0, gi2, fb)
        return lat, lon, gi

    def random_points_in_grids(self, rng: np.random.Generator,
                               grid_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A point in the inner 90% of the bounding box of each grid (callers locate it exactly)."""
        u = rng.random(grid_idx.size) * 0.9 + 0.05
        v = rng.random(grid_idx.size) * 0.9 + 0.05
        lat = self.min_lat[grid_idx] + u * (self.max_lat[grid_idx] - self.min_lat[grid_idx])
        lon = self.min_lon[grid_idx] + v * (self.max_lon[grid_idx] - self.min_lon[grid_idx])
        return lat, lon


def _road_polyline(road: places.Road) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat = np.array([p[0] for p in road.path])
    lon = np.array([p[1] for p in road.path])
    seg = np.hypot(np.diff(lat) * M_PER_DEG_LAT, np.diff(lon) * M_PER_DEG_LON)
    return lat, lon, np.concatenate([[0.0], np.cumsum(seg)])


def road_length_km(road: places.Road) -> float:
    return float(_road_polyline(road)[2][-1] / 1000.0)


def _along_road(road: places.Road, dist_m: np.ndarray, offset_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points `dist_m` along the road's centre line, moved `offset_m` to its left (negative: right)."""
    lat, lon, cum = _road_polyline(road)
    plat = np.interp(dist_m, cum, lat)
    plon = np.interp(dist_m, cum, lon)
    k = np.clip(np.searchsorted(cum, dist_m, side="right") - 1, 0, len(lat) - 2)
    dy = (lat[k + 1] - lat[k]) * M_PER_DEG_LAT
    dx = (lon[k + 1] - lon[k]) * M_PER_DEG_LON
    norm = np.hypot(dx, dy) + 1e-9
    return plat + (dx / norm) * offset_m / M_PER_DEG_LAT, plon - (dy / norm) * offset_m / M_PER_DEG_LON


def points_along_road(rng: np.random.Generator, road: places.Road, n: int,
                      offset_sd_m: float = 12.0) -> tuple[np.ndarray, np.ndarray]:
    """n points spread along the road, off its centre line by a normal offset (sd offset_sd_m metres)."""
    length_m = _road_polyline(road)[2][-1]
    return _along_road(road, rng.random(n) * length_m, rng.normal(0.0, offset_sd_m, n))


def points_near(rng: np.random.Generator, lat0: np.ndarray, lon0: np.ndarray,
                sigma_m: float) -> tuple[np.ndarray, np.ndarray]:
    n = np.asarray(lat0).size
    return (lat0 + rng.normal(0.0, sigma_m, n) / M_PER_DEG_LAT,
            lon0 + rng.normal(0.0, sigma_m, n) / M_PER_DEG_LON)


class Hotspots:
    """Where things happen: along the named roads, around the named places, and a town background
    (当湖街道 heaviest) spread over the grids by area and boosted near the named places."""

    def __init__(self, geo: Geography) -> None:
        self.geo = geo

    @cached_property
    def grid_weights(self) -> np.ndarray:
        """Background weight of each grid: its town's share spread by area, boosted near named places."""
        town_share = {"330482001": 0.26, "330482002": 0.14, "330482003": 0.09, "330482101": 0.08,
                      "330482102": 0.08, "330482103": 0.09, "330482104": 0.07, "330482105": 0.08,
                      "330482400": 0.11}
        geo = self.geo
        area = np.maximum(geo.area_km2, 1e-4)
        w = np.zeros(len(area))
        for code, share in town_share.items():
            m = geo.town_of_grid == code
            if m.any():
                w[m] = share * area[m] / area[m].sum()
        for lm in places.LANDMARKS:
            d = np.hypot((geo.centroid_lat - lm.lat) * M_PER_DEG_LAT,
                         (geo.centroid_lon - lm.lon) * M_PER_DEG_LON)
            w *= 1.0 + 2.0 * np.exp(-(d / 800.0) ** 2)
        return w / w.sum()

    @cached_property
    def road_weights(self) -> np.ndarray:
        w = np.array([road_length_km(r) * (2.0 if r.town_code == "330482001" else 1.0)
                      * (1.5 if r.has_ecapture else 1.0) for r in places.ROADS])
        return w / w.sum()

    def points(self, rng: np.random.Generator, n: int,
               mix: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """n points from a mixture of roads, named places and the town background (`mix`: the three
        shares); returns lat, lon and grid index."""
        kind = _pick(rng, np.array(mix) + 1e-12, n)
        lat = np.empty(n)
        lon = np.empty(n)
        fallback = _pick(rng, self.grid_weights, n)
        # roads
        on_road = np.flatnonzero(kind == 0)
        road_of = _pick(rng, self.road_weights, on_road.size)
        for r_i, road in enumerate(places.ROADS):
            sel = on_road[road_of == r_i]
            if sel.size:
                lat[sel], lon[sel] = points_along_road(rng, road, sel.size, 15.0)
        # named places
        at_place = np.flatnonzero(kind == 1)
        lm = rng.integers(0, len(places.LANDMARKS), at_place.size)
        lm_lat = np.array([p.lat for p in places.LANDMARKS])[lm]
        lm_lon = np.array([p.lon for p in places.LANDMARKS])[lm]
        lat[at_place], lon[at_place] = points_near(rng, lm_lat, lm_lon, 250.0)
        # background
        bg = np.flatnonzero(kind == 2)
        lat[bg], lon[bg] = self.geo.random_points_in_grids(rng, fallback[bg])
        lat, lon, gi = self.geo.snap_into_grids(lat, lon, fallback)
        return np.round(lat, 6), np.round(lon, 6), gi


# ================================================================== the generator
class DemoGenerator:
    """All relations of the contract for one (seed, end, days, scale)."""

    def __init__(self, *, seed: int, end: dt.datetime, days: int = 365, scale: float = 1.0,
                 assets_dir: Path | None = None, future_after: dt.datetime | None = None,
                 applied_at: dt.datetime | None = None) -> None:
        if end.tzinfo is None:
            raise ValueError("end must be timezone-aware")
        if days < 1:
            raise ValueError("days must be at least 1")
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.seed = int(seed)
        self.end_s = int(end.timestamp())
        self.days = int(days)
        self.scale = float(scale)
        self.start_s = self.end_s - self.days * DAY_S
        self.future_after_s = int((future_after or end).timestamp())
        self.applied_at = applied_at or end
        self.geo = Geography.from_assets(Path(assets_dir) if assets_dir else ASSETS_DIR)
        self.hotspots = Hotspots(self.geo)

    # ---------------------------------------------------------------- plumbing
    def rng(self, name: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, _stable_id(name)])

    @property
    def years(self) -> float:
        return self.days / 365.0

    @property
    def _end_date(self) -> dt.date:
        """The local (Asia/Shanghai) day of `end`."""
        return dt.date(1970, 1, 1) + dt.timedelta(days=int(local_day_index(np.array([self.end_s]))[0]))

    @cached_property
    def calendar(self) -> pd.DataFrame:
        first, last = calendar_span(self.start_s, self.end_s)
        return work_calendar_frame(first, last)

    @cached_property
    def clock(self) -> WorkClock:
        return WorkClock(self.calendar)

    @cached_property
    def _day_info(self) -> pd.DataFrame:
        """One row per local day of the period: midnight epoch, weekday, working day flag, season factor."""
        first_day = local_day_index(np.array([self.start_s]))[0]
        last_day = local_day_index(np.array([self.end_s - 1]))[0]
        idx = np.arange(first_day, last_day + 1)
        midnight = idx * DAY_S - UTC_OFFSET_S
        dates = pd.to_datetime(idx, unit="D")
        cal = self.calendar.set_index(pd.to_datetime(self.calendar["day"]))["is_workday"]
        workday = cal.reindex(dates).fillna(False).to_numpy(dtype=bool)
        doy = dates.day_of_year.to_numpy()
        season = 1.0 + 0.08 * np.sin(2 * np.pi * (doy - 100) / 365.0)
        return pd.DataFrame({"day_index": idx, "midnight_s": midnight,
                             "weekday": dates.day_of_week.to_numpy(), "is_workday": workday,
                             "season": season, "month": dates.month.to_numpy()})

    def _hourly_bins(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Hour bins covering the period: start epoch, local hour, working-day flag, season factor."""
        info = self._day_info
        starts = (info["midnight_s"].to_numpy()[:, None] + np.arange(24)[None, :] * HOUR_S).ravel()
        hours = np.tile(np.arange(24), len(info))
        work = np.repeat(info["is_workday"].to_numpy(), 24)
        season = np.repeat(info["season"].to_numpy(), 24)
        overlap = (np.minimum(starts + HOUR_S, self.end_s) - np.maximum(starts, self.start_s)) / HOUR_S
        keep = overlap > 0
        return starts[keep], hours[keep], work[keep], season[keep] * overlap[keep]

    def _event_times(self, rng: np.random.Generator, total: float, profile: np.ndarray,
                     rest_day_factor: float, extra: np.ndarray | None = None) -> np.ndarray:
        """Times of `total` expected events over the period, with a diurnal profile and a rest-day factor."""
        starts, hours, work, weight = self._hourly_bins()
        w = profile[hours] * np.where(work, 1.0, rest_day_factor) * weight
        if extra is not None:
            w = w * extra
        if w.sum() <= 0 or total <= 0:
            return np.array([], dtype=np.int64)
        intensity = w * (total / w.sum())
        return _poisson_times(rng, starts, intensity, HOUR_S, self.start_s, self.end_s)

    def _future_times(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.future_after_s + rng.integers(FUTURE_OFFSET_MIN_S, FUTURE_OFFSET_MAX_S, size=n)

    # ---------------------------------------------------------------- reference relations
    def contract_version(self) -> pd.DataFrame:
        return pd.DataFrame({"version": [CONTRACT_VERSION],
                             "applied_at": to_timestamps(np.array([self.applied_at.timestamp()])),
                             "is_demo": [True]})

    def work_calendar(self) -> pd.DataFrame:
        return self.calendar.copy()

    def town(self) -> pd.DataFrame:
        rows = []
        for f in self.geo.towns:
            p = f["properties"]
            t = places.TOWN_BY_CODE.get(p["town_code"])
            rows.append({
                "town_code": p["town_code"],
                "name_zh": p.get("name_zh") or (t.name_zh if t else p["town_code"]),
                "name_en": p.get("name_en") or (t.name_en if t else p["town_code"]),
                "seat_lat": t.seat_lat if t else None, "seat_lon": t.seat_lon if t else None,
                "boundary": _geojson_text(f["geometry"]),
                "area_km2": float(p["area_km2"]) if p.get("area_km2") is not None else None,
            })
        return pd.DataFrame(rows)

    def squadron(self) -> pd.DataFrame:
        return pd.DataFrame([{"squadron_code": s.code, "name_zh": s.name_zh, "name_en": s.name_en,
                              "town_code": s.town_code} for s in places.SQUADRONS])

    def department(self) -> pd.DataFrame:
        rows = [{"dept_code": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "kind": "squadron"}
                for s in places.SQUADRONS]
        rows += [{"dept_code": c, "name_zh": zh, "name_en": en, "kind": "partner"}
                 for c, zh, en in PARTNER_DEPARTMENTS]
        return pd.DataFrame(rows)

    def community(self) -> pd.DataFrame:
        g = self.geo.grids
        name_col = "community_name_zh" if "community_name_zh" in g else None
        frame = g.groupby("community_code", sort=True).first().reset_index()
        return pd.DataFrame({"community_code": frame["community_code"], "town_code": frame["town_code"],
                             "name_zh": frame[name_col] if name_col else frame["community_code"]})

    def unit_grid(self) -> pd.DataFrame:
        g = self.geo.grids
        cols = ["grid_code", "community_code", "town_code", "squadron_code", "boundary", "centroid_lat",
                "centroid_lon", "min_lat", "min_lon", "max_lat", "max_lon", "area_km2"]
        return g[cols].copy()

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
            length_m = _road_polyline(road)[2][-1]
            # shop fronts 18-25 m from the centre line, on either side
            side = np.where(rng.random(count) < 0.5, -1.0, 1.0)
            lat, lon = _along_road(road, rng.random(count) * length_m, side * rng.uniform(18.0, 25.0, count))
            lats.append(lat)
            lons.append(lon)
            names_road += [road_name] * count
        lat = np.concatenate(lats)
        lon = np.concatenate(lons)
        n = lat.size
        fallback = self.geo.locate(lat, lon)
        fallback = np.where(fallback >= 0, fallback, _pick(rng, self.hotspots.grid_weights, n))
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
        times = self._event_times(rng, total, _PROFILE_SHOP, 0.9)
        shop_idx = _pick(rng, monthly, times.size)
        opened_s = np.array([local_midnight_epoch(d) for d in shops["opened_on"]])
        open_then = times >= opened_s[shop_idx]  # no violations before the shop opened
        times, shop_idx = times[open_then], shop_idx[open_then]
        kind = SHOP_VIOLATION_KINDS[_pick(rng, SHOP_VIOLATION_KIND_SHARES, times.size)]
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

    # ---------------------------------------------------------------- drones
    @cached_property
    def _routes(self) -> list[dict]:
        """Fixed automatic routes: a loop from the nest through 5-8 waypoints and back, 11-18 km long."""
        routes = []
        for nest_id, _name, _town, lat0, lon0, _radius, nest_routes in DRONE_NESTS:
            for r_i, (route_name, purpose) in enumerate(nest_routes):
                rng = self.rng(f"route:{nest_id}:{r_i}")
                k = int(rng.integers(5, 9))
                heading = rng.uniform(0, 2 * np.pi)
                angles = heading + np.sort(rng.uniform(-1.2, 1.2, k))
                radius = rng.uniform(900.0, 2600.0, k)
                wlat = lat0 + radius * np.sin(angles) / M_PER_DEG_LAT
                wlon = lon0 + radius * np.cos(angles) / M_PER_DEG_LON
                lat = np.concatenate([[lat0], wlat, [lat0]])
                lon = np.concatenate([[lon0], wlon, [lon0]])
                seg = np.hypot(np.diff(lat) * M_PER_DEG_LAT, np.diff(lon) * M_PER_DEG_LON)
                routes.append({"nest_id": nest_id, "route_name": route_name, "purpose": purpose, "lat": lat,
                               "lon": lon, "cum": np.concatenate([[0.0], np.cumsum(seg)])})
        return routes

    @cached_property
    def _flights(self) -> dict:
        rng = self.rng("drone_flight")
        info = self._day_info
        n_days = len(info)
        per_day = DRONE_SORTIES_PER_MONTH * 12 / 365.0 * self.scale
        flyable = rng.random(n_days) >= DRONE_NO_FLY_DAY_SHARE
        lam = per_day / (1 - DRONE_NO_FLY_DAY_SHARE) * flyable * np.where(info["is_workday"], 1.1, 0.8)
        counts = rng.poisson(lam)
        day_mid = np.repeat(info["midnight_s"].to_numpy(), counts)
        n = day_mid.size
        slots = np.array([7.5, 9.0, 10.5, 13.5, 15.0, 16.5]) * HOUR_S  # scheduled take-off windows
        start_of_day = rng.choice(slots, size=n, p=[0.1, 0.25, 0.2, 0.2, 0.15, 0.1]).astype(np.int64)
        started = day_mid + start_of_day + rng.integers(0, 80 * MINUTE_S, n)
        nest_ids = np.array([d[0] for d in DRONE_NESTS])
        nest_w = np.array([DRONE_NEST_WEIGHTS[x] for x in nest_ids])
        nest_i = _pick(rng, nest_w, n)
        routes = self._routes
        route_i = np.empty(n, dtype=np.int64)
        for k, nest in enumerate(nest_ids):
            choices = [i for i, r in enumerate(routes) if r["nest_id"] == nest]
            sel = np.flatnonzero(nest_i == k)
            route_i[sel] = np.array(choices)[rng.integers(0, len(choices), sel.size)]
        n_points = rng.integers(150, 331, n)
        keep = (started >= self.start_s) & (started < self.end_s)
        # a nest flies one sortie at a time: drop sorties overlapping the previous one from the same nest
        order = np.lexsort((started, nest_i))
        started, nest_i, route_i, n_points, keep = (a[order]
                                                    for a in (started, nest_i, route_i, n_points, keep))
        ended_plan = started + (n_points - 1) * DRONE_TRACK_INTERVAL_S
        same_nest = np.r_[False, nest_i[1:] == nest_i[:-1]]
        overlap = same_nest & (started < np.r_[0, ended_plan[:-1]] + 10 * MINUTE_S)
        keep &= ~overlap
        order = np.argsort(started[keep], kind="stable")
        started, nest_i, route_i, n_points = (a[keep][order] for a in (started, nest_i, route_i, n_points))
        ended = started + (n_points - 1) * DRONE_TRACK_INTERVAL_S
        flight_id = np.arange(1, started.size + 1, dtype=np.int64)
        return {"flight_id": flight_id, "started": started, "ended": ended, "nest_i": nest_i,
                "route_i": route_i, "n_points": n_points, "nest_ids": nest_ids}

    @cached_property
    def _track(self) -> pd.DataFrame:
        rng = self.rng("drone_track_point")
        f = self._flights
        n_points = f["n_points"]
        total = int(n_points.sum())
        flight_of = np.repeat(np.arange(n_points.size), n_points)
        first = np.repeat(np.cumsum(n_points) - n_points, n_points)
        seq = np.arange(total) - first
        frac = seq / np.repeat(n_points - 1, n_points)
        lat = np.empty(total)
        lon = np.empty(total)
        for r_i, route in enumerate(self._routes):
            sel = np.flatnonzero(f["route_i"][flight_of] == r_i)
            if sel.size:
                d = frac[sel] * route["cum"][-1]
                lat[sel] = np.interp(d, route["cum"], route["lat"])
                lon[sel] = np.interp(d, route["cum"], route["lon"])
        lat += rng.normal(0, 3.0, total) / M_PER_DEG_LAT
        lon += rng.normal(0, 3.0, total) / M_PER_DEG_LON
        cruise = np.repeat(rng.uniform(95.0, 120.0, n_points.size), n_points)
        ramp = np.minimum(np.minimum(seq, np.repeat(n_points - 1, n_points) - seq) / 6.0, 1.0)
        altitude = np.round(cruise * ramp + rng.normal(0, 1.0, total) * (ramp > 0), 1)
        altitude = np.maximum(altitude, 0.0)
        recorded = np.repeat(f["started"], n_points) + seq * DRONE_TRACK_INTERVAL_S
        keep = recorded <= self.end_s
        frame = pd.DataFrame({"flight_id": f["flight_id"][flight_of], "seq": (seq + 1).astype(np.int32),
                              "recorded_at_s": recorded.astype(np.float64), "lat": np.round(lat, 6),
                              "lon": np.round(lon, 6), "altitude_m": altitude})[keep].reset_index(drop=True)
        # GPS glitches (bad rows, in place): lost fix, a jump out of the area, a clock in the future
        n_bad = bad_row_count(len(frame))
        if n_bad:
            bad = rng.choice(len(frame), n_bad, replace=False)
            kind = rng.choice(3, n_bad, p=[0.45, 0.35, 0.20])
            lat_c, lon_c, rec_c = (frame[c].to_numpy().copy() for c in ("lat", "lon", "recorded_at_s"))
            lost = bad[kind == 0]
            lat_c[lost] = np.nan
            lon_c[lost] = np.nan
            jump = bad[kind == 1]
            pts = np.array(OUT_OF_AREA_POINTS)[rng.integers(0, len(OUT_OF_AREA_POINTS), jump.size)]
            lat_c[jump], lon_c[jump] = pts[:, 0], pts[:, 1]
            fut = bad[kind == 2]
            rec_c[fut] = self._future_times(rng, fut.size)
            frame["lat"], frame["lon"], frame["recorded_at_s"] = lat_c, lon_c, rec_c
        return frame

    def drone_track_point(self) -> pd.DataFrame:
        t = self._track
        return pd.DataFrame({"flight_id": t["flight_id"], "seq": t["seq"],
                             "recorded_at": to_timestamps(t["recorded_at_s"].to_numpy()),
                             "lat": t["lat"], "lon": t["lon"], "altitude_m": t["altitude_m"]})

    def drone_flight(self) -> pd.DataFrame:
        rng = self.rng("drone_flight:rows")
        f = self._flights
        routes = self._routes
        flying = f["ended"] > self.end_s
        ended = np.where(flying, np.nan, f["ended"].astype(np.float64))
        length_km = np.array([r["cum"][-1] / 1000.0 for r in routes])[f["route_i"]]
        distance = np.where(flying, np.nan, np.round(length_km * rng.uniform(0.98, 1.03, length_km.size), 2))
        frame = pd.DataFrame({
            "flight_id": f["flight_id"], "nest_id": f["nest_ids"][f["nest_i"]],
            "route_name": np.array([r["route_name"] for r in routes])[f["route_i"]],
            "purpose_code": np.array([r["purpose"] for r in routes])[f["route_i"]],
            "started_s": f["started"].astype(np.float64), "ended_s": ended, "distance_km": distance,
        })
        # bad rows: copies with new ids (no track points): future start, end before start, unknown nest
        n_bad = bad_row_count(len(frame))
        if n_bad:
            bad = frame.iloc[rng.integers(0, len(frame), n_bad)].copy()
            kind = rng.choice(3, n_bad, p=[0.4, 0.3, 0.3])
            fut = self._future_times(rng, n_bad).astype(np.float64)
            bad["started_s"] = np.where(kind == 0, fut, bad["started_s"])
            bad["ended_s"] = np.where(kind == 0, np.nan,
                                      np.where(kind == 1, bad["started_s"] - rng.integers(600, 7200, n_bad),
                                               bad["ended_s"]))
            unknown_nest = np.array(["N99", "NEST-TEST", "N00"])[rng.integers(0, 3, n_bad)]
            bad["nest_id"] = np.where(kind == 2, unknown_nest, bad["nest_id"])
            bad["flight_id"] = frame["flight_id"].max() + 1 + np.arange(n_bad)
            frame = pd.concat([frame, bad], ignore_index=True)
        return pd.DataFrame({"flight_id": frame["flight_id"].astype(np.int64), "nest_id": frame["nest_id"],
                             "route_name": frame["route_name"], "purpose_code": frame["purpose_code"],
                             "started_at": to_timestamps(frame["started_s"].to_numpy()),
                             "ended_at": to_timestamps(frame["ended_s"].to_numpy()),
                             "distance_km": frame["distance_km"]})

    @cached_property
    def _detections(self) -> pd.DataFrame:
        rng = self.rng("drone_detection")
        f = self._flights
        routes = self._routes
        n_f = f["flight_id"].size
        counts = rng.poisson(DRONE_DETECTIONS_PER_SORTIE, n_f)
        fi = np.repeat(np.arange(n_f), counts)
        n = fi.size
        frac = rng.uniform(0.1, 0.9, n)
        detected = f["started"][fi] + np.round(frac * (f["n_points"][fi] - 1)) * DRONE_TRACK_INTERVAL_S
        lat = np.empty(n)
        lon = np.empty(n)
        category = np.empty(n, dtype=object)
        for r_i, route in enumerate(routes):
            sel = np.flatnonzero(f["route_i"][fi] == r_i)
            if sel.size:
                d = frac[sel] * route["cum"][-1]
                lat[sel] = np.interp(d, route["cum"], route["lat"])
                lon[sel] = np.interp(d, route["cum"], route["lon"])
                cats = DRONE_DETECTION_CATEGORIES[route["purpose"]]
                category[sel] = np.array(cats)[rng.integers(0, len(cats), sel.size)]
        radius = np.array([d[5] for d in DRONE_NESTS])[f["nest_i"][fi]]
        lat, lon = points_near(rng, lat, lon, 1.0)
        lat += rng.uniform(-0.7, 0.7, n) * radius / M_PER_DEG_LAT
        lon += rng.uniform(-0.7, 0.7, n) * radius / M_PER_DEG_LON
        confidence = np.round(rng.uniform(0.55, 0.99, n), 3)
        p_dispatch = DRONE_CASES_PER_SORTIE / DRONE_DETECTIONS_PER_SORTIE / np.mean(confidence >= 0.85) \
            if n and np.mean(confidence >= 0.85) > 0 else 0.0
        case_at = detected + rng.integers(5 * MINUTE_S, 60 * MINUTE_S, n)
        becomes_case = (confidence >= 0.85) & (rng.random(n) < p_dispatch) & (case_at <= self.end_s)
        keep = detected <= self.end_s
        frame = pd.DataFrame({"flight_id": f["flight_id"][fi], "detected_s": detected,
                              "category_code": category,
                              "lat": np.round(lat, 6), "lon": np.round(lon, 6), "confidence": confidence,
                              "_becomes_case": becomes_case, "_case_at": case_at})[keep]
        frame = frame.sort_values("detected_s", kind="stable").reset_index(drop=True)
        frame.insert(0, "detection_id", np.arange(1, len(frame) + 1, dtype=np.int64))
        return frame

    def drone_detection(self) -> pd.DataFrame:
        d = self._detections
        case_id = pd.array(np.zeros(len(d), dtype=np.int64), dtype="Int64")
        case_id[:] = pd.NA
        case_id[np.flatnonzero(d["_becomes_case"].to_numpy())] = self._grid_cases["seed_case_ids"]["drone"]
        return pd.DataFrame({"detection_id": d["detection_id"], "flight_id": d["flight_id"],
                             "detected_at": to_timestamps(d["detected_s"].to_numpy()),
                             "category_code": d["category_code"], "lat": d["lat"], "lon": d["lon"],
                             "confidence": d["confidence"], "case_id": case_id})

    def drone_nest(self) -> pd.DataFrame:
        f = self._flights
        rows = []
        for k, (nest_id, name, town, lat, lon, radius, _routes) in enumerate(DRONE_NESTS):
            mine = np.flatnonzero(f["nest_i"] == k)
            flying = mine[f["ended"][mine] > self.end_s]
            if flying.size:
                status, status_at = "flying", int(f["started"][flying[-1]])
            elif nest_id == DRONE_NEST_IN_MAINTENANCE:
                status, status_at = "maintenance", self.end_s - 2 * DAY_S + 9 * HOUR_S
            elif mine.size:
                status, status_at = "idle", int(min(f["ended"][mine[-1]], self.end_s))
            else:
                status, status_at = "idle", self.end_s - HOUR_S
            rows.append({"nest_id": nest_id, "name_zh": name, "town_code": town, "lat": lat, "lon": lon,
                         "status_code": status, "status_at_s": float(min(status_at, self.end_s)),
                         "camera_radius_m": radius})
        frame = pd.DataFrame(rows)
        frame["status_at"] = to_timestamps(frame.pop("status_at_s").to_numpy())
        return frame[["nest_id", "name_zh", "town_code", "lat", "lon", "status_code", "status_at",
                      "camera_radius_m"]]

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
        d_fb = np.where(d_grid >= 0, d_grid, _pick(rng, self.hotspots.grid_weights, len(dd)))
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
            cat_i = _pick(src_rng, w, n)
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
        bad.loc[m, "source_code"] = _one_of(rng, ("wechat_v1", "hotline", "app"), int(m.sum()))
        m = kind == "unknown_category"
        bad.loc[m, "category_code"] = _one_of(rng, ("E9999", "X0101", "E01"), int(m.sum()))
        m = kind == "unknown_grid"
        bad.loc[m, "grid_code"] = np.where(rng.random(int(m.sum())) < 0.5, None, "33048299999901")
        # interleave by the base row's time so ids look like those of a live system
        key = np.concatenate([np.arange(len(frame)), base]).astype(np.float64) + np.r_[np.zeros(len(frame)),
                                                                                       np.full(n_bad, 0.5)]
        out = pd.concat([frame, bad], ignore_index=True)
        return out.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)

    def grid_case(self) -> pd.DataFrame:
        f = self._grid_cases["frame"]
        out = f.copy()
        for col in ("reported_at", *STAGE_COLUMNS, "dispose_deadline_at", "close_deadline_at"):
            out[col] = to_timestamps(f[col].to_numpy(dtype=np.float64))
        out["lat"] = out["lat"].astype(float)
        out["lon"] = out["lon"].astype(float)
        return out

    # ---------------------------------------------------------------- waste
    @cached_property
    def _waste_sites(self) -> pd.DataFrame:
        rng = self.rng("waste_site")
        geo = self.geo
        g = geo.grids
        communities = (g.groupby("community_code", sort=True).agg(town_code=("town_code", "first"))
                       .reset_index())
        # timed-and-fixed-point stations: 377 in 165 communities, in every town, urban ones first
        town_share = {"330482001": 0.30, "330482002": 0.14, "330482003": 0.10, "330482400": 0.10}
        cw = communities["town_code"].map(town_share).fillna(0.06).to_numpy()
        n_comm = len(communities)
        n_timed_comm = min(TIMED_FIXED_COMMUNITIES, n_comm)
        # at least one timed community per town, the rest by weight
        firsts = communities.groupby("town_code").head(1).index.to_numpy()
        rest = np.setdiff1d(np.arange(n_comm), firsts)
        more = rng.choice(rest, size=max(n_timed_comm - firsts.size, 0), replace=False,
                          p=cw[rest] / cw[rest].sum())
        timed_comm = np.sort(np.concatenate([firsts, more]))
        per_comm = np.full(timed_comm.size, TIMED_FIXED_SITES // timed_comm.size)
        per_comm[rng.choice(timed_comm.size, TIMED_FIXED_SITES - per_comm.sum(), replace=False)] += 1
        timed_of = np.repeat(timed_comm, per_comm)
        other_comm = np.setdiff1d(np.arange(n_comm), timed_comm)
        if other_comm.size == 0:
            other_comm = np.arange(n_comm)
        n_other = DROPOFF_SITES - TIMED_FIXED_SITES
        other_of = other_comm[np.resize(rng.permutation(other_comm.size), n_other)]
        comm_of = np.concatenate([timed_of, other_of])
        comm_code = communities["community_code"].to_numpy()[comm_of]
        # a grid of the community, a point near its centre
        grid_idx = np.empty(DROPOFF_SITES, dtype=np.int64)
        grids_by_comm = g.groupby("community_code").indices
        for i, cc in enumerate(comm_code):
            options = grids_by_comm[cc]
            grid_idx[i] = options[rng.integers(0, len(options))]
        lat, lon = geo.random_points_in_grids(rng, grid_idx)
        lat, lon, gi = geo.snap_into_grids(lat, lon, grid_idx)
        # a point that fell into a neighbouring community moves to its own grid's centroid
        strayed = geo.grids["community_code"].to_numpy()[gi] != comm_code
        lat[strayed] = geo.centroid_lat[grid_idx[strayed]]
        lon[strayed] = geo.centroid_lon[grid_idx[strayed]]
        town = geo.town_of_grid[grid_idx]
        community_names = (g.groupby("community_code")["community_name_zh"].first().to_dict()
                           if "community_name_zh" in g else {})
        serial = pd.Series(comm_code).groupby(comm_code).cumcount().to_numpy() + 1
        dropoff = pd.DataFrame({
            "site_id": [f"WS{i:04d}" for i in range(1, DROPOFF_SITES + 1)], "kind": "dropoff",
            "name_zh": [f"{community_names.get(cc, cc)}投放站{k}"
                        for cc, k in zip(comm_code, serial, strict=True)],
            "town_code": town, "community_code": comm_code,
            "lat": np.round(lat, 6), "lon": np.round(lon, 6),
            "is_timed_fixed": np.arange(DROPOFF_SITES) < TIMED_FIXED_SITES,
            "capacity_tonnes_per_day": np.nan, "treats_category_code": None,
        })
        # transfer stations: 19, at least one per town, the busiest towns get more
        towns = [t.code for t in places.TOWNS]
        extra = {"330482001": 3, "330482002": 2, "330482400": 1, "330482003": 1, "330482103": 1,
                 "330482101": 1, "330482102": 1}
        plan = [(t, 1 + extra.get(t, 0)) for t in towns]
        rows = []
        k = 0
        for t, count in plan:
            mask = geo.town_of_grid == t
            idx = np.flatnonzero(mask)
            for j in range(count):
                if k >= TRANSFER_SITES:
                    break
                k += 1
                gi_t = idx[rng.integers(0, idx.size)] if idx.size else 0
                rows.append({"site_id": f"WT{k:02d}", "kind": "transfer",
                             "name_zh": f"{places.TOWN_BY_CODE[t].name_zh}垃圾中转站{j + 1}号",
                             "town_code": t,
                             "community_code": geo.grids["community_code"].iat[gi_t],
                             "lat": round(float(geo.centroid_lat[gi_t]), 6),
                             "lon": round(float(geo.centroid_lon[gi_t]), 6), "is_timed_fixed": False,
                             "capacity_tonnes_per_day": float(rng.choice([80, 120, 150, 200])),
                             "treats_category_code": None})
        transfer = pd.DataFrame(rows)
        disposal = pd.DataFrame([{"site_id": s, "kind": "disposal", "name_zh": name, "town_code": town,
                                  "community_code": None, "lat": lat_, "lon": lon_, "is_timed_fixed": False,
                                  "capacity_tonnes_per_day": cap, "treats_category_code": cat}
                                 for s, name, town, lat_, lon_, cap, cat in DISPOSAL_SITES])
        return pd.concat([dropoff, transfer, disposal], ignore_index=True)

    def waste_site(self) -> pd.DataFrame:
        return self._waste_sites.copy()

    def waste_category(self) -> pd.DataFrame:
        return pd.DataFrame([{"category_code": c, "name_zh": zh, "name_en": en}
                             for c, zh, en in WASTE_CATEGORIES])

    @cached_property
    def _vehicles(self) -> pd.DataFrame:
        rng = self.rng("waste_vehicle")
        sites = self._waste_sites[self._waste_sites["kind"] == "dropoff"]
        town_load = sites.groupby("town_code").size()
        towns = town_load.index.to_numpy()
        rows = []
        letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
        plates: set[str] = set()
        for cat, count in WASTE_VEHICLES_BY_CATEGORY.items():
            share = town_load.to_numpy() / town_load.sum()
            per_town = np.maximum(1, np.floor(share * count)).astype(int)
            while per_town.sum() > count:
                per_town[np.argmax(per_town)] -= 1
            while per_town.sum() < count:
                per_town[np.argmax(share * count - per_town)] += 1
            for t, m in zip(towns, per_town, strict=True):
                for _ in range(m):
                    while True:
                        plate = f"浙F·{letters[rng.integers(0, len(letters))]}{rng.integers(0, 10000):04d}"
                        if plate not in plates:
                            plates.add(plate)
                            break
                    rows.append({"plate": plate, "category_code": cat, "town_code": t,
                                 "capacity_tonnes": WASTE_VEHICLE_CAPACITY_TONNES[cat]})
        frame = pd.DataFrame(rows)
        frame.insert(0, "vehicle_id", [f"WV{i:03d}" for i in range(1, len(frame) + 1)])
        return frame

    def waste_vehicle(self) -> pd.DataFrame:
        return self._vehicles.copy()

    def waste_weighing(self) -> pd.DataFrame:
        frame = self._waste_weighings
        out = frame.drop(columns=["weighed_s"]).copy()
        out.insert(6, "weighed_at", to_timestamps(frame["weighed_s"].to_numpy()))
        return out

    @cached_property
    def _waste_weighings(self) -> pd.DataFrame:
        rng = self.rng("waste_weighing")
        sites = self._waste_sites
        drop = sites[sites["kind"] == "dropoff"].reset_index(drop=True)
        transfer = sites[sites["kind"] == "transfer"].reset_index(drop=True)
        vehicles = self._vehicles
        info = self._day_info
        n_days = len(info)
        # stations kept at this scale (scale < 1 keeps a fixed subset with their full schedule)
        keep_station = self.rng("waste_weighing:stations").random(len(drop)) < min(self.scale, 1.0)
        st = drop[keep_station].reset_index(drop=True)
        n_st = len(st)
        timed = st["is_timed_fixed"].to_numpy()
        size = rng.lognormal(0.0, 0.35, n_st)
        morning_nominal = rng.uniform(7 * HOUR_S, 10.75 * HOUR_S, n_st)
        evening_nominal = rng.uniform(18.5 * HOUR_S, 21.5 * HOUR_S, n_st)
        single_nominal = rng.uniform(6 * HOUR_S, 10 * HOUR_S, n_st)
        # each station's vehicle per category: the town's vehicles of that category, round-robin
        vehicle_of = {}
        for cat in WASTE_VEHICLES_BY_CATEGORY:
            vv = vehicles[vehicles["category_code"] == cat]
            by_town = vv.groupby("town_code")["vehicle_id"].apply(list).to_dict()
            allv = vv["vehicle_id"].tolist()
            order = st.groupby("town_code").cumcount().to_numpy()
            vehicle_of[cat] = np.array([by_town.get(t, allv)[o % len(by_town.get(t, allv))]
                                        for t, o in zip(st["town_code"], order, strict=True)], dtype=object)
        # rounds: (station, day, round) with round 0 = morning, 1 = evening (timed) or 2 = single (others)
        st_i = np.concatenate([np.flatnonzero(timed), np.flatnonzero(timed), np.flatnonzero(~timed)])
        rnd = np.concatenate([np.zeros(timed.sum(), int), np.ones(timed.sum(), int),
                              np.full((~timed).sum(), 2)])
        nominal = np.where(rnd == 0, morning_nominal[st_i], np.where(rnd == 1, evening_nominal[st_i],
                                                                     single_nominal[st_i]))
        R = st_i.size
        day_rep = np.repeat(np.arange(n_days), R)
        st_rep = np.tile(st_i, n_days)
        rnd_rep = np.tile(rnd, n_days)
        t = (info["midnight_s"].to_numpy()[day_rep] + np.tile(nominal, n_days)
             + rng.normal(0, 15 * MINUTE_S, day_rep.size))
        late = rng.random(day_rep.size) < WASTE_LATE_ROUND_SHARE
        t = t + np.where(late, rng.uniform(1.5 * HOUR_S, 4 * HOUR_S, day_rep.size), 0.0)
        missed = rng.random(day_rep.size) < WASTE_MISSED_ROUND_SHARE
        t = np.round(t).astype(np.int64)
        ok = ~missed & (t >= self.start_s) & (t <= self.end_s)
        day_rep, st_rep, rnd_rep, t = day_rep[ok], st_rep[ok], rnd_rep[ok], t[ok]
        weekday = info["weekday"].to_numpy()[day_rep]
        day_factor = info["season"].to_numpy()[day_rep] * np.where(weekday >= 5, 1.05, 1.0)
        rows = []
        for c_i, cat in enumerate(("other", "perishable", "recyclable", "hazardous")):
            tonnes = np.array(WASTE_ROUND_TONNES[cat])[rnd_rep]
            p_timed, p_other = WASTE_ROUND_PROBABILITY[cat]
            p = np.where(rnd_rep == 2, p_other, p_timed)
            has = rng.random(t.size) < p
            net = tonnes * size[st_rep] * day_factor * rng.lognormal(0.0, 0.2, t.size)
            net = np.maximum(np.round(net, 2), 0.01)
            # categories are unloaded one after another at the same station
            rows.append(pd.DataFrame({"site_i": st_rep[has], "day": day_rep[has], "round": rnd_rep[has],
                                      "category_code": cat, "weighed_s": t[has] + 60 * c_i,
                                      "net_tonnes": net[has]}))
        collect = pd.concat(rows, ignore_index=True)
        collect = collect[collect["weighed_s"] <= self.end_s].reset_index(drop=True)  # later categories of a round
        collect["vehicle_id"] = np.empty(len(collect), dtype=object)
        for cat, vmap in vehicle_of.items():
            m = (collect["category_code"] == cat).to_numpy()
            collect.loc[m, "vehicle_id"] = vmap[collect.loc[m, "site_i"].to_numpy()]
        collect["site_id"] = st["site_id"].to_numpy()[collect["site_i"].to_numpy()]
        collect["town_code"] = st["town_code"].to_numpy()[collect["site_i"].to_numpy()]
        collect["stage"] = "collect"
        collect["from_site_id"] = None
        # transfer: each vehicle's loads of a round, split into trips by vehicle capacity, unloaded at
        # its town's transfer station 15-45 minutes after the last pick-up
        collect = (collect.sort_values(["vehicle_id", "day", "round", "weighed_s"], kind="stable")
                   .reset_index(drop=True))
        cap = collect["category_code"].map(WASTE_VEHICLE_CAPACITY_TONNES).to_numpy()
        grp = collect.groupby(["vehicle_id", "day", "round"], sort=False)
        cum = grp["net_tonnes"].cumsum().to_numpy()
        collect["trip"] = np.floor((cum - collect["net_tonnes"].to_numpy()) / cap).astype(int)
        trips = collect.groupby(["vehicle_id", "day", "round", "trip"], sort=False).agg(
            category_code=("category_code", "first"), town_code=("town_code", "first"),
            last_s=("weighed_s", "max"), net_tonnes=("net_tonnes", "sum"), from_site_id=("site_id", "last"),
        ).reset_index()
        tr_by_town = transfer.groupby("town_code")["site_id"].apply(list).to_dict()
        all_tr = transfer["site_id"].tolist()
        veh_n = trips["vehicle_id"].str[2:].astype(int).to_numpy()
        trips["site_id"] = [tr_by_town.get(tc, all_tr)[v % len(tr_by_town.get(tc, all_tr))]
                            for tc, v in zip(trips["town_code"], veh_n, strict=True)]
        trips["weighed_s"] = trips["last_s"] + rng.integers(15 * MINUTE_S, 45 * MINUTE_S, len(trips))
        trips["net_tonnes"] = np.round(trips["net_tonnes"] * rng.uniform(0.98, 1.01, len(trips)), 2)
        trips["stage"] = "transfer"
        trips = trips[trips["weighed_s"] <= self.end_s]
        # dispose: each transfer station sends each category's day to the disposal site in full trucks
        disp_site = {cat: s for s, *_rest, cat in DISPOSAL_SITES}
        daily = trips.groupby(["site_id", "day", "category_code"], sort=True).agg(
            net=("net_tonnes", "sum"), first_s=("weighed_s", "min"), last_s=("weighed_s", "max"),
        ).reset_index()
        truck = daily["category_code"].map(WASTE_TRUCK_TONNES_TO_DISPOSAL).to_numpy()
        n_trucks = np.maximum(1, np.ceil(daily["net"].to_numpy() / truck)).astype(int)
        rep = np.repeat(np.arange(len(daily)), n_trucks)
        k = np.arange(rep.size) - np.repeat(np.cumsum(n_trucks) - n_trucks, n_trucks)
        share = rng.uniform(0.85, 1.15, rep.size)
        share_sum = np.bincount(rep, weights=share)
        net = daily["net"].to_numpy()[rep] * share / share_sum[rep]
        span = np.maximum(daily["last_s"].to_numpy() - daily["first_s"].to_numpy(), 0)[rep]
        when = (daily["first_s"].to_numpy()[rep] + 30 * MINUTE_S
                + span * (k + 1) / np.repeat(n_trucks, n_trucks) + rng.integers(0, 20 * MINUTE_S, rep.size))
        from_site = daily["site_id"].to_numpy()[rep]
        cats = daily["category_code"].to_numpy()[rep]
        # the truck: one of the transfer station's town vehicles of that category
        tr_town = transfer.set_index("site_id")["town_code"].reindex(from_site).to_numpy()
        disp_vehicle = np.empty(rep.size, dtype=object)
        pick = rng.integers(0, 1_000_000, rep.size)
        groups = pd.DataFrame({"t": tr_town, "c": cats}).groupby(["t", "c"]).indices
        for (town_code, cat), sel in groups.items():
            pool = np.array(vehicle_of_town_category(vehicles, town_code, cat), dtype=object)
            disp_vehicle[sel] = pool[pick[sel] % pool.size]
        dispose = pd.DataFrame({"site_id": [disp_site[c] for c in cats], "vehicle_id": disp_vehicle,
                                "category_code": cats, "stage": "dispose", "from_site_id": from_site,
                                "weighed_s": when.astype(np.int64), "net_tonnes": np.round(net, 2)})
        dispose = dispose[dispose["weighed_s"] <= self.end_s]
        cols = ["site_id", "vehicle_id", "category_code", "stage", "from_site_id", "weighed_s", "net_tonnes"]
        out = pd.concat([collect[cols], trips[cols], dispose[cols]], ignore_index=True)
        out["weighed_s"] = out["weighed_s"].astype(np.float64)
        out = out.sort_values("weighed_s", kind="stable").reset_index(drop=True)
        out = self._bad_weighings(rng, out)
        out.insert(0, "weighing_id", np.arange(1, len(out) + 1, dtype=np.int64))
        return out

    def _bad_weighings(self, rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
        n_bad = bad_row_count(len(frame))
        if not n_bad:
            return frame
        base = rng.integers(0, len(frame), n_bad)
        bad = frame.iloc[base].copy().reset_index(drop=True)
        kinds = ["missing_time", "future_time", "unknown_stage", "non_positive_weight", "absurd_weight",
                 "unknown_site", "unknown_category", "duplicate"]
        shares = [0.08, 0.12, 0.04, 0.14, 0.14, 0.12, 0.08, 0.28]
        kind = np.array(kinds)[rng.choice(len(kinds), n_bad, p=shares)]
        m = kind == "missing_time"
        bad.loc[m, "weighed_s"] = np.nan
        m = kind == "future_time"
        bad.loc[m, "weighed_s"] = self._future_times(rng, int(m.sum())).astype(float)
        m = kind == "unknown_stage"
        bad.loc[m, "stage"] = _one_of(rng, ("weigh", "unload", "Collect"), int(m.sum()))
        m = kind == "non_positive_weight"
        bad.loc[m, "net_tonnes"] = np.where(rng.random(int(m.sum())) < 0.4, 0.0,
                                            -np.round(rng.uniform(0.05, 3.0, int(m.sum())), 2))
        m = kind == "absurd_weight"
        bad.loc[m, "net_tonnes"] = np.round(rng.uniform(55.0, 999.0, int(m.sum())), 2)
        m = kind == "unknown_site"
        bad.loc[m, "site_id"] = np.where(rng.random(int(m.sum())) < 0.5, None, "WS9999")
        m = kind == "unknown_category"
        bad.loc[m, "category_code"] = _one_of(rng, ("kitchen", "mixed", "bulky"), int(m.sum()))
        # duplicates stay exact copies; they sort right after their original, so they get the larger id
        key = np.concatenate([np.arange(len(frame)), base]).astype(np.float64) + np.r_[np.zeros(len(frame)),
                                                                                       np.full(n_bad, 0.5)]
        out = pd.concat([frame, bad], ignore_index=True)
        return out.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)

    # ---------------------------------------------------------------- parking
    def parking_road(self) -> pd.DataFrame:
        rng = self.rng("parking_road")
        rows = []
        later = [r.road_id for r in places.ROADS if r.road_id not in STRICT_ROADS_EARLY]
        later_dates = sorted(STRICT_SINCE_LATER_FROM + dt.timedelta(days=int(x))
                             for x in rng.integers(0, 900, len(later)))
        since = dict(zip(later, later_dates, strict=True))
        for r in places.ROADS:
            path = {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in r.path]}
            early = r.road_id in STRICT_ROADS_EARLY
            rows.append({"road_id": r.road_id, "name_zh": r.name_zh, "town_code": r.town_code,
                         "is_strict": r.is_strict,
                         "strict_since": STRICT_SINCE_EARLY if early else since[r.road_id],
                         "has_ecapture": r.has_ecapture, "length_km": round(road_length_km(r), 3),
                         "path": json.dumps(path, separators=(",", ":"))})
        return pd.DataFrame(rows)

    def parking_violation(self) -> pd.DataFrame:
        rng = self.rng("parking_violation")
        total = PARKING_VIOLATIONS_PER_YEAR * self.years * self.scale
        times = self._event_times(rng, total, _PROFILE_PARKING, 0.85)
        n = times.size
        roads = places.ROADS
        capture = np.array([r.has_ecapture for r in roads])
        length = np.array([road_length_km(r) for r in roads])
        since = self.parking_road()["strict_since"].to_numpy()
        since_s = np.array([local_midnight_epoch(d) for d in since])
        is_ecap = rng.random(n) < ECAPTURE_SHARE
        # electronic capture only on the 7 capture roads; manual tickets on all 20 roads and around places
        boost = np.array([CAPTURE_ROAD_BOOST.get(r.name_zh, 1.0) for r in roads])
        w_capture = np.where(capture, length * boost, 0.0)
        w_manual = length * np.where(np.array([r.town_code == "330482001" for r in roads]), 2.0, 1.0)
        road_i = np.where(is_ecap, _pick(rng, w_capture, n), _pick(rng, w_manual, n))
        off_road = ~is_ecap & (rng.random(n) < 0.12)
        # a road is enforced only from its strict_since day
        active = times >= since_s[road_i]
        off_road |= ~is_ecap & ~active
        keep = is_ecap & ~active
        times, is_ecap, road_i, off_road = times[~keep], is_ecap[~keep], road_i[~keep], off_road[~keep]
        n = times.size
        lat = np.empty(n)
        lon = np.empty(n)
        for r_i, road in enumerate(roads):
            sel = np.flatnonzero((road_i == r_i) & ~off_road)
            if sel.size:
                lat[sel], lon[sel] = points_along_road(rng, road, sel.size, 8.0)
        offs = np.flatnonzero(off_road)
        lm = rng.integers(0, len(places.LANDMARKS), offs.size)
        lat[offs], lon[offs] = points_near(rng, np.array([p.lat for p in places.LANDMARKS])[lm],
                                           np.array([p.lon for p in places.LANDMARKS])[lm], 200.0)
        fallback = _pick(rng, self.hotspots.grid_weights, n)
        lat, lon, gi = self.geo.snap_into_grids(lat, lon, fallback)
        road_id = np.where(off_road, None, np.array([r.road_id for r in roads], dtype=object)[road_i])
        # plates: a pool with repeat offenders
        pool = _plates_pool(rng, PLATE_POOL_SIZE)
        habitual = rng.random(n) < HABITUAL_OFFENDER_SHARE
        plate_i = np.where(habitual, rng.integers(0, HABITUAL_OFFENDERS, n), rng.integers(0, pool.size, n))
        plate = pool[plate_i]
        # reminder -> left within 10 minutes, or (not first offence) a ticket at least 10 minutes later
        reminded = rng.random(n) < REMINDED_SHARE
        reminder = times + rng.integers(30, 5 * MINUTE_S, n)
        left = rng.random(n) < LEFT_WITHIN_10MIN_SHARE
        order = np.lexsort((times, plate))
        prev_same = np.r_[False, plate[order][1:] == plate[order][:-1]]
        gap = np.r_[np.inf, np.diff(times[order]).astype(float)]
        first_in_half_year = np.empty(n, dtype=bool)
        first_in_half_year[order] = ~prev_same | (gap > FIRST_WARNING_WINDOW_DAYS * DAY_S)
        ticket = reminder + TICKET_DELAY_MIN_MINUTES * MINUTE_S + rng.integers(0, 30 * MINUTE_S, n)
        reminder_f = np.where(reminded & (reminder <= self.end_s), reminder, np.nan)
        outcome_known = reminded & (reminder + TICKET_DELAY_MIN_MINUTES * MINUTE_S <= self.end_s)
        left_col = pd.array(np.where(outcome_known, left, False), dtype="boolean")
        left_col[~outcome_known] = pd.NA
        warned = outcome_known & ~left & first_in_half_year
        ticketed = outcome_known & ~left & ~first_in_half_year & (ticket <= self.end_s)
        frame = pd.DataFrame({
            "road_id": road_id, "observed_s": times.astype(np.float64), "lat": lat, "lon": lon,
            "grid_code": self.geo.grid_code[gi], "method": np.where(is_ecap, "ecapture", "manual"),
            "plate": plate,
            "reminder_s": reminder_f, "left_within_10min": left_col,
            "ticketed_s": np.where(ticketed, ticket, np.nan), "is_first_warning": warned,
        })
        frame = self._bad_parking(rng, frame)
        frame.insert(0, "violation_id", np.arange(1, len(frame) + 1, dtype=np.int64))
        out = frame.drop(columns=["observed_s", "reminder_s", "ticketed_s"])
        out.insert(2, "observed_at", to_timestamps(frame["observed_s"].to_numpy()))
        out.insert(9, "reminder_at", to_timestamps(frame["reminder_s"].to_numpy()))
        out.insert(11, "ticketed_at", to_timestamps(frame["ticketed_s"].to_numpy()))
        return out[["violation_id", "road_id", "observed_at", "lat", "lon", "grid_code", "method", "plate",
                    "reminder_at", "left_within_10min", "ticketed_at", "is_first_warning"]]

    def _bad_parking(self, rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
        n_bad = bad_row_count(len(frame))
        if not n_bad:
            return frame
        base = rng.integers(0, len(frame), n_bad)
        bad = frame.iloc[base].copy().reset_index(drop=True)
        kinds = ["missing_time", "future_time", "impossible_time", "missing_location", "out_of_area",
                 "unknown_road", "unknown_method"]
        kind = np.array(kinds)[rng.choice(len(kinds), n_bad, p=[0.10, 0.15, 0.15, 0.20, 0.15, 0.15, 0.10])]
        m = kind == "missing_time"
        bad.loc[m, "observed_s"] = np.nan
        m = kind == "future_time"
        fut = self._future_times(rng, int(m.sum())).astype(float)
        bad.loc[m, "observed_s"] = fut
        bad.loc[m, "reminder_s"] = fut + 120
        bad.loc[m, "ticketed_s"] = np.nan
        m = kind == "impossible_time"
        obs = bad.loc[m, "observed_s"].to_numpy()
        bad.loc[m, "reminder_s"] = obs + 600
        bad.loc[m, "ticketed_s"] = obs + 300
        m = kind == "missing_location"
        bad.loc[m, ["lat", "lon"]] = np.nan
        m = kind == "out_of_area"
        pts = np.array(OUT_OF_AREA_POINTS)[rng.integers(0, len(OUT_OF_AREA_POINTS), int(m.sum()))]
        bad.loc[m, "lat"], bad.loc[m, "lon"] = pts[:, 0], pts[:, 1]
        m = kind == "unknown_road"
        bad.loc[m, "road_id"] = np.array(["R99", "R21", "RX1"])[rng.integers(0, 3, int(m.sum()))]
        m = kind == "unknown_method"
        bad.loc[m, "method"] = np.array(["radar", "patrol_car", "unknown"])[rng.integers(0, 3, int(m.sum()))]
        key = np.concatenate([np.arange(len(frame)), base]).astype(np.float64) + np.r_[np.zeros(len(frame)),
                                                                                       np.full(n_bad, 0.5)]
        out = pd.concat([frame, bad], ignore_index=True)
        return out.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)

    def parking_supply(self) -> pd.DataFrame:
        rng = self.rng("parking_supply")
        spaces = rng.multinomial(SHARED_PARKING_SPACES - 15 * SHARED_PARKING_UNITS,
                                 np.full(SHARED_PARKING_UNITS, 1 / SHARED_PARKING_UNITS)) + 15
        units = ("机关", "学校", "医院", "银行", "小区", "商场")
        rows = []
        centre_lat, centre_lon = places.CITY_CENTRE
        lat, lon = points_near(rng, np.full(SHARED_PARKING_UNITS, centre_lat),
                               np.full(SHARED_PARKING_UNITS, centre_lon), 900)
        for i in range(SHARED_PARKING_UNITS):
            rows.append({"supply_id": f"PS{i + 1:02d}", "kind": "shared",
                         "name_zh": f"共享车位·{units[i % len(units)]}{i // len(units) + 1}号",
                         "lat": round(float(lat[i]), 6), "lon": round(float(lon[i]), 6),
                         "spaces": int(spaces[i])})
        temp_sites = places.LANDMARKS[:TEMPORARY_PARKING_LOTS]
        for i, lm in enumerate(temp_sites):
            la, lo = points_near(rng, np.array([lm.lat]), np.array([lm.lon]), 150)
            rows.append({"supply_id": f"PT{i + 1:02d}", "kind": "temporary",
                         "name_zh": f"{lm.name_zh}临时停车场",
                         "lat": round(float(la[0]), 6), "lon": round(float(lo[0]), 6),
                         "spaces": int(rng.integers(60, 220))})
        capture_roads = sorted(places.ROADS, key=lambda r: not r.has_ecapture)  # capture roads first
        for i in range(NONMOTOR_AREAS):
            road = capture_roads[i % len(capture_roads)]
            la, lo = points_along_road(rng, road, 1, 10.0)
            rows.append({"supply_id": f"PN{i + 1:02d}", "kind": "nonmotor",
                         "name_zh": f"{road.name_zh}非机动车停放区{i // len(capture_roads) + 1}",
                         "lat": round(float(la[0]), 6), "lon": round(float(lo[0]), 6),
                         "spaces": int(rng.integers(20, 90))})
        return pd.DataFrame(rows)

    # ---------------------------------------------------------------- clothing market
    def market_department(self) -> pd.DataFrame:
        return pd.DataFrame([{"dept_code": c, "name_zh": zh, "name_en": en, "mode": m}
                             for c, zh, en, m in MARKET_DEPARTMENTS])

    def market_service_item(self) -> pd.DataFrame:
        return pd.DataFrame([{"item_code": c, "group_zh": g, "name_zh": zh, "name_en": en, "dept_code": d,
                              "promised_hours": float(h)}
                             for c, g, zh, en, d, h, _w in MARKET_SERVICE_ITEMS_LIST])

    def market_duty(self) -> pd.DataFrame:
        info = self._day_info
        rows = []
        for day_index, weekday, work in zip(info["day_index"], info["weekday"], info["is_workday"],
                                              strict=True):
            day = dt.date(1970, 1, 1) + dt.timedelta(days=int(day_index))
            open_day = bool(work) or weekday == 5  # the market is busy on Saturdays too
            if not open_day:
                continue
            for code, _zh, _en, mode in MARKET_DEPARTMENTS:
                if mode == "resident":
                    rows.append((day, code, "resident"))
                elif work and weekday in ROTATION_WEEKDAYS.get(code, ()):
                    rows.append((day, code, "rotating"))
                elif work and weekday in APPOINTMENT_WEEKDAYS.get(code, ()):
                    rows.append((day, code, "appointment"))
        return pd.DataFrame(rows, columns=["day", "dept_code", "mode"])

    def market_request(self) -> pd.DataFrame:
        rng = self.rng("market_request")
        items = MARKET_SERVICE_ITEMS_LIST
        info = self._day_info
        peak = np.isin(info["month"].to_numpy(), [9, 10, 11, 12, 1])  # down-jacket season
        day_w = np.where(info["is_workday"], 1.0, 0.45) * np.where(peak, 1.5, 1.0)
        starts, hours, work, weight = self._hourly_bins()
        day_pos = (starts - info["midnight_s"].iat[0]) // DAY_S
        extra = day_w[np.clip(day_pos, 0, len(day_w) - 1)]
        times = self._event_times(rng, MARKET_REQUESTS_PER_YEAR * self.years * self.scale,
                                  _PROFILE_OFFICE + 0.05, 0.45, extra=extra)
        n = times.size
        item_i = _pick(rng, np.array([w for *_x, w in items]), n)
        item_code = np.array([i[0] for i in items], dtype=object)[item_i]
        dept = np.array([i[4] for i in items], dtype=object)[item_i]
        other_dept = np.array([d[0] for d in MARKET_DEPARTMENTS], dtype=object)[rng.integers(0, 6, n)]
        dept = np.where(rng.random(n) < 0.05, other_dept, dept)
        promised = np.array([i[5] for i in items], dtype=float)[item_i]
        channel = np.array(["onsite", "online", "work_order"])[_pick(rng, np.array([0.45, 0.35, 0.20]), n)]
        zones = list(MARKET_ZONES)
        zone_i = rng.integers(0, len(zones), n)
        stall_pool = rng.integers(100, 1000, 1500)
        stall_i = np.minimum(rng.zipf(1.6, n) - 1, 1499)
        stall_i = np.where(rng.random(n) < 0.6, rng.integers(0, 1500, n), stall_i)
        floors = rng.integers(1, 4, n)
        zone_letter = np.array([z[0] for z in zones])[zone_i]
        stall = np.char.add(np.char.add(np.char.add(zone_letter, floors.astype(str)), "-"),
                            stall_pool[stall_i].astype(str))
        off = np.array([MARKET_ZONES[z] for z in zones])[zone_i]
        lat, lon = points_near(rng, places.CLOTHING_CITY.lat + off[:, 0],
                               places.CLOTHING_CITY.lon + off[:, 1], 60)
        clock = self.clock
        first_resp = clock.add_working_hours(times, rng.uniform(0.1, 2.0, n)).astype(float)
        onsite_response = times + rng.integers(2 * MINUTE_S, 20 * MINUTE_S, n)
        first_resp = np.where(channel == "onsite", onsite_response, first_resp)
        resolve_hours = promised * rng.lognormal(np.log(0.55), 0.6, n)
        resolved = clock.add_working_hours(times, resolve_hours).astype(float)
        outcome = MARKET_OUTCOMES[_pick(rng, MARKET_OUTCOME_SHARES, n)]
        sat = np.array([5, 4, 3, 2, 1])[_pick(rng, np.array([0.60, 0.25, 0.10, 0.03, 0.02]), n)]
        rated = (outcome == "resolved") & (rng.random(n) < 0.75)
        done = resolved <= self.end_s
        first_resp = np.where(first_resp <= self.end_s, first_resp, np.nan)
        satisfaction = pd.array(np.where(done & rated, sat, 0), dtype="Int16")
        satisfaction[~(done & rated)] = pd.NA
        frame = pd.DataFrame({
            "item_code": item_code, "dept_code": dept, "channel": channel,
            "zone_code": np.array(zones)[zone_i],
            "stall_no": stall, "merchant_name": _fake_names(rng, n), "merchant_phone": _fake_phones(rng, n),
            "lat": np.round(lat, 6), "lon": np.round(lon, 6), "submitted_s": times.astype(float),
            "first_response_s": first_resp, "resolved_s": np.where(done, resolved, np.nan),
            "outcome": np.where(done, outcome, None), "satisfaction": satisfaction,
        })
        frame = self._bad_market(rng, frame)
        frame.insert(0, "request_id", np.arange(1, len(frame) + 1, dtype=np.int64))
        out = frame.drop(columns=["submitted_s", "first_response_s", "resolved_s"])
        out.insert(10, "submitted_at", to_timestamps(frame["submitted_s"].to_numpy()))
        out.insert(11, "first_response_at", to_timestamps(frame["first_response_s"].to_numpy()))
        out.insert(12, "resolved_at", to_timestamps(frame["resolved_s"].to_numpy()))
        return out

    def _bad_market(self, rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
        n_bad = bad_row_count(len(frame))
        if not n_bad:
            return frame
        base = rng.integers(0, len(frame), n_bad)
        bad = frame.iloc[base].copy().reset_index(drop=True)
        kinds = ["missing_time", "future_time", "impossible_time", "unknown_item", "unknown_department"]
        kind = np.array(kinds)[rng.choice(len(kinds), n_bad, p=[0.15, 0.25, 0.2, 0.2, 0.2])]
        m = kind == "missing_time"
        bad.loc[m, "submitted_s"] = np.nan
        m = kind == "future_time"
        bad.loc[m, "submitted_s"] = self._future_times(rng, int(m.sum())).astype(float)
        bad.loc[m, ["first_response_s", "resolved_s"]] = np.nan
        bad.loc[m, "outcome"] = None
        m = kind == "impossible_time"
        bad.loc[m, "resolved_s"] = bad.loc[m, "submitted_s"] - rng.integers(HOUR_S, 5 * DAY_S, int(m.sum()))
        bad.loc[m, "outcome"] = "resolved"
        m = kind == "unknown_item"
        bad.loc[m, "item_code"] = np.array(["MS99", "MS00", "MS29"])[rng.integers(0, 3, int(m.sum()))]
        m = kind == "unknown_department"
        bad.loc[m, "dept_code"] = _one_of(rng, ("gongshang", "shuiwu", "chengguan"), int(m.sum()))
        key = np.concatenate([np.arange(len(frame)), base]).astype(np.float64) + np.r_[np.zeros(len(frame)),
                                                                                       np.full(n_bad, 0.5)]
        out = pd.concat([frame, bad], ignore_index=True)
        return out.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)

    # ---------------------------------------------------------------- all of it
    def relations(self) -> Iterator[tuple[str, Callable[[], pd.DataFrame]]]:
        """(relation name, frame builder) in load order (lookups before the facts that name them)."""
        for name in RELATION_ORDER:
            yield name, getattr(self, name)

    def generate_all(self) -> dict[str, pd.DataFrame]:
        return {name: build() for name, build in self.relations()}


def vehicle_of_town_category(vehicles: pd.DataFrame, town: str, category: str) -> list[str]:
    mine = (vehicles["town_code"] == town) & (vehicles["category_code"] == category)
    pool = vehicles.loc[mine, "vehicle_id"].tolist()
    return pool or vehicles[vehicles["category_code"] == category]["vehicle_id"].tolist()


RELATION_ORDER = (
    "contract_version", "work_calendar", "town", "squadron", "department", "community", "unit_grid",
    "case_source", "case_category", "shop", "drone_nest", "waste_category", "waste_site", "waste_vehicle",
    "parking_road", "parking_supply", "market_department", "market_service_item", "market_duty",
    "grid_case", "shop_violation", "drone_flight", "drone_track_point", "drone_detection", "waste_weighing",
    "parking_violation", "market_request",
)
# Rough relative cost of each relation at scale 1 (for progress reporting).
RELATION_WEIGHT = {"grid_case": 45, "waste_weighing": 25, "parking_violation": 12, "drone_track_point": 8,
                   "unit_grid": 2, "work_calendar": 1}

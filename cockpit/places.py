"""Pinghu's towns, squadrons, roads and landmarks: the reference lists shared by the demo and the maps.

Coordinates are WGS-84 and approximate (town seats and road courses are placed by hand from public
descriptions); they are good enough to place demo data and to label a map, not to survey with.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY_CODE = "330482"
CITY_CENTRE = (30.700, 121.016)  # (lat, lon), 当湖街道


@dataclass(frozen=True)
class Town:
    code: str
    name_zh: str
    name_en: str
    seat_lat: float
    seat_lon: float
    squadron_code: str


TOWNS: tuple[Town, ...] = (
    Town("330482001", "当湖街道", "Danghu", 30.700, 121.016, "SQ-DH"),
    Town("330482002", "钟埭街道", "Zhongdai", 30.733, 120.976, "SQ-ZD"),
    Town("330482003", "曹桥街道", "Caoqiao", 30.770, 121.047, "SQ-CQ"),
    Town("330482101", "新埭镇", "Xindai", 30.815, 121.110, "SQ-XD"),
    Town("330482102", "新仓镇", "Xincang", 30.655, 121.100, "SQ-XC"),
    Town("330482103", "独山港镇", "Dushangang", 30.638, 121.172, "SQ-DSG"),
    Town("330482104", "广陈镇", "Guangchen", 30.780, 121.204, "SQ-GC"),
    Town("330482105", "林埭镇", "Lindai", 30.640, 121.010, "SQ-LD"),
    Town("330482400", "平湖经济技术开发区", "Economic Development Zone", 30.690, 121.060, "SQ-JK"),
)
TOWN_BY_CODE = {t.code: t for t in TOWNS}


@dataclass(frozen=True)
class Squadron:
    code: str
    name_zh: str
    name_en: str
    town_code: str | None


SQUADRONS: tuple[Squadron, ...] = (
    Squadron("SQ-ZS", "直属中队", "Directly-run squadron", None),
    Squadron("SQ-DH", "当湖中队", "Danghu squadron", "330482001"),
    Squadron("SQ-ZD", "钟埭中队", "Zhongdai squadron", "330482002"),
    Squadron("SQ-CQ", "曹桥中队", "Caoqiao squadron", "330482003"),
    Squadron("SQ-XD", "新埭中队", "Xindai squadron", "330482101"),
    Squadron("SQ-XC", "新仓中队", "Xincang squadron", "330482102"),
    Squadron("SQ-DSG", "独山港中队", "Dushangang squadron", "330482103"),
    Squadron("SQ-GC", "广陈中队", "Guangchen squadron", "330482104"),
    Squadron("SQ-LD", "林埭中队", "Lindai squadron", "330482105"),
    Squadron("SQ-JK", "经开分队", "Development-zone unit", "330482400"),
)
SQUADRON_BY_CODE = {s.code: s for s in SQUADRONS}


@dataclass(frozen=True)
class Road:
    road_id: str
    name_zh: str
    town_code: str
    is_strict: bool
    has_ecapture: bool
    path: tuple[tuple[float, float], ...]  # ((lat, lon), ...) WGS-84


def _line(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[tuple[float, float], ...]:
    return ((lat1, lon1), (lat2, lon2))


# The 7 electronic-capture roads come first; 20 strict-management roads in all (DOMAIN.md §4).
ROADS: tuple[Road, ...] = (
    Road("R01", "解放路", "330482001", True, True, _line(30.7045, 121.0065, 30.7045, 121.0265)),
    Road("R02", "当湖路", "330482001", True, True, _line(30.6935, 121.0080, 30.7080, 121.0110)),
    Road("R03", "新华路", "330482001", True, True, _line(30.6990, 121.0050, 30.6990, 121.0300)),
    Road("R04", "城南西路", "330482001", True, True, _line(30.6890, 121.0000, 30.6900, 121.0160)),
    Road("R05", "三港路", "330482001", True, True, _line(30.6960, 121.0250, 30.7120, 121.0260)),
    Road("R06", "环城西路", "330482001", True, True, _line(30.6900, 121.0020, 30.7110, 121.0030)),
    Road("R07", "梅园路", "330482001", True, True, _line(30.7080, 121.0100, 30.7085, 121.0280)),
    Road("R08", "环城东路", "330482001", True, False, _line(30.6900, 121.0300, 30.7110, 121.0310)),
    Road("R09", "平善大道", "330482400", True, False, _line(30.6850, 121.0350, 30.6860, 121.0800)),
    Road("R10", "曹桥中路", "330482003", True, False, _line(30.7650, 121.0400, 30.7760, 121.0520)),
    Road("R11", "建国路步行街", "330482001", True, False, _line(30.7015, 121.0120, 30.7020, 121.0190)),
    Road("R12", "南市路", "330482001", True, False, _line(30.6930, 121.0140, 30.6935, 121.0230)),
    Road("R13", "曹金路", "330482003", True, False, _line(30.7400, 121.0350, 30.7800, 121.0450)),
    Road("R14", "东湖大道", "330482001", True, False, _line(30.7050, 121.0300, 30.7120, 121.0450)),
    Road("R15", "胜利路", "330482001", True, False, _line(30.6960, 121.0100, 30.6965, 121.0200)),
    Road("R16", "人民路", "330482001", True, False, _line(30.7000, 121.0090, 30.7090, 121.0095)),
    Road("R17", "钟埭大道", "330482002", True, False, _line(30.7230, 120.9770, 30.7400, 120.9870)),
    Road("R18", "服装城路", "330482002", True, False, _line(30.7260, 120.9760, 30.7330, 120.9810)),
    Road("R19", "新埭中路", "330482101", True, False, _line(30.8100, 121.1000, 30.8200, 121.1200)),
    Road("R20", "独山港大道", "330482103", True, False, _line(30.6300, 121.1600, 30.6400, 121.1900)),
)
ROAD_BY_ID = {r.road_id: r for r in ROADS}


@dataclass(frozen=True)
class Landmark:
    name_zh: str
    name_en: str
    lat: float
    lon: float


LANDMARKS: tuple[Landmark, ...] = (
    Landmark("东湖", "East Lake", 30.7040, 121.0360),
    Landmark("明湖", "Ming Lake", 30.6955, 120.9950),
    Landmark("南河头历史文化街区", "Nanhetou historic quarter", 30.6975, 121.0170),
    Landmark("吾悦广场", "Wuyue Plaza", 30.6880, 121.0280),
    Landmark("八佰伴", "Yaohan", 30.7020, 121.0150),
    Landmark("龙湫湾公园", "Longqiuwan Park", 30.7120, 121.0200),
    Landmark("市体育中心", "City Sports Centre", 30.6830, 121.0200),
    Landmark("平湖·中国服装城", "China Clothing City", 30.7290, 120.9770),
    Landmark("嘉荟城夜市", "Jiahui City night market", 30.7240, 120.9830),
)
CLOTHING_CITY = LANDMARKS[7]

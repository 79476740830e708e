"""The clothing market for the demo generator: the stationed departments and their duty days, the
28 service items, and the merchants' requests with their response and resolution."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from cockpit import places
from cockpit.demo.calendar import DAY_S
from cockpit.demo.common import (
    HOUR_S,
    MINUTE_S,
    PROFILE_OFFICE,
    bad_row_count,
    interleave_bad,
    one_of,
    pick,
    to_timestamps,
)
from cockpit.demo.geography import points_near

# ------------------------------------------------------------------ volumes at scale 1
MARKET_REQUESTS_PER_YEAR = 480
MARKET_SERVICE_ITEMS = 28

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
SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN_CHARS = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰斌峰飞鹏辉慧琴云")
MARKET_OUTCOMES = np.array(["resolved", "referred", "rejected", "withdrawn"])
MARKET_OUTCOME_SHARES = np.array([0.80, 0.10, 0.04, 0.06])


def fake_names(rng: np.random.Generator, n: int) -> np.ndarray:
    s = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    g1 = np.array(GIVEN_CHARS)[rng.integers(0, len(GIVEN_CHARS), n)]
    g2 = np.array(GIVEN_CHARS)[rng.integers(0, len(GIVEN_CHARS), n)]
    return np.where(rng.random(n) < 0.35, np.char.add(s, g1), np.char.add(np.char.add(s, g1), g2))


def fake_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = np.array(["170", "171", "162", "165", "167"])[rng.integers(0, 5, n)]  # virtual-operator ranges
    digits = np.array([f"{x:08d}" for x in rng.integers(0, 100_000_000, n)], dtype=object)
    return (prefix.astype(object) + digits).astype(str) if n else np.array([], dtype=str)



class MarketRelations:
    """market_department, market_service_item, market_duty and market_request (a mixin of DemoGenerator)."""

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
                                  PROFILE_OFFICE + 0.05, 0.45, extra=extra)
        n = times.size
        item_i = pick(rng, np.array([w for *_x, w in items]), n)
        item_code = np.array([i[0] for i in items], dtype=object)[item_i]
        dept = np.array([i[4] for i in items], dtype=object)[item_i]
        other_dept = np.array([d[0] for d in MARKET_DEPARTMENTS], dtype=object)[rng.integers(0, 6, n)]
        dept = np.where(rng.random(n) < 0.05, other_dept, dept)
        promised = np.array([i[5] for i in items], dtype=float)[item_i]
        channel = np.array(["onsite", "online", "work_order"])[pick(rng, np.array([0.45, 0.35, 0.20]), n)]
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
        outcome = MARKET_OUTCOMES[pick(rng, MARKET_OUTCOME_SHARES, n)]
        sat = np.array([5, 4, 3, 2, 1])[pick(rng, np.array([0.60, 0.25, 0.10, 0.03, 0.02]), n)]
        rated = (outcome == "resolved") & (rng.random(n) < 0.75)
        done = resolved <= self.end_s
        first_resp = np.where(first_resp <= self.end_s, first_resp, np.nan)
        satisfaction = pd.array(np.where(done & rated, sat, 0), dtype="Int16")
        satisfaction[~(done & rated)] = pd.NA
        frame = pd.DataFrame({
            "item_code": item_code, "dept_code": dept, "channel": channel,
            "zone_code": np.array(zones)[zone_i],
            "stall_no": stall, "merchant_name": fake_names(rng, n), "merchant_phone": fake_phones(rng, n),
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
        bad.loc[m, "dept_code"] = one_of(rng, ("gongshang", "shuiwu", "chengguan"), int(m.sum()))
        return interleave_bad(frame, bad, base)

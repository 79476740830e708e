"""The big screen's alarms (告警): one rule set, evaluated afresh on every refresh.

An alarm says what, where and since when. Nobody stands at the wall to acknowledge one: a rule that no
longer holds simply yields no alarm on the next refresh, so an alarm clears by itself.

The rules (thresholds are here, once):
- `db_down`       the operational database cannot be reached (red), since the first failure of the outage;
- `nest_down`     a drone nest reports offline or maintenance (red), since its status time;
- `overdue_town`  a town holds `OVERDUE_ALARM_CASES` or more open cases past their closing deadline
                  (超期未结案, red), since the earliest of those deadlines;
- `station_missed` drop-off stations whose collection round passed its cut-off without a collection
                  ("不过午、不过夜", cockpit/waste/rules.py; amber), by town, since the earliest cut-off;
- `market_waiting` a clothing-market request open for `MARKET_WAITING_HOURS` working hours or more
                  (amber), since it was submitted.
Inputs are the rows the screen already loads (nothing personal: nest and station names, town names,
service items), so the alarms cost no query of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cockpit import i18n
from cockpit.settings import SH

OVERDUE_ALARM_CASES = 50       # open overdue cases in one town that raise an alarm
MARKET_WAITING_HOURS = 40.0    # working hours a market request may stay open before it alarms (5 working days)
DOWN_STATES = ("offline", "maintenance")
RULES = ("db_down", "nest_down", "overdue_town", "station_missed", "market_waiting")
LEVEL = {"db_down": "bad", "nest_down": "bad", "overdue_town": "bad", "station_missed": "warn",
         "market_waiting": "warn"}
MAX_WHERE = 3                  # places named in one alarm; more are counted


@dataclass(frozen=True)
class Alarm:
    rule: str
    level: str                  # bad (red) | warn (amber)
    what: str                   # plain text
    where: str                  # plain text
    since: dt.datetime | None   # local time (Asia/Shanghai)


def local_time(value) -> dt.datetime | None:
    """A timestamp from the database as local time (Asia/Shanghai); None for a missing one."""
    if value is None or (not isinstance(value, dt.datetime) and pd.isna(value)):
        return None
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert(SH).to_pydatetime()


def _names(values, lang: str) -> str:
    names = [str(v) for v in values if v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v)]
    shown = ("、" if lang == "zh" else ", ").join(names[:MAX_WHERE])
    if len(names) > MAX_WHERE:
        shown += i18n.t("alarm_more", lang, n=len(names) - MAX_WHERE)
    return shown or "—"


def _town_col(lang: str) -> str:
    return "town_name_zh" if lang == "zh" else "town_name_en"


def evaluate(*, down_since: float | None, nests: pd.DataFrame | None, overdue_by_town: pd.DataFrame | None,
             breaches: pd.DataFrame | None, market_oldest: pd.DataFrame | None,
             town_names: dict[str, str] | None = None, lang: str = "zh") -> list[Alarm]:
    """Every alarm that holds now, red before amber, the oldest first within a level. Missing rows (a
    query failed) raise no alarm of their own: the database alarm and the panels' ages say so."""
    t = lambda key, **v: i18n.t(key, lang, **v)  # noqa: E731
    out: list[Alarm] = []
    if down_since is not None:
        out.append(Alarm("db_down", LEVEL["db_down"], t("alarm_db_down"), t("alarm_db_where"),
                         dt.datetime.fromtimestamp(down_since, SH)))
    if nests is not None and not nests.empty:
        for row in nests[nests["status_code"].isin(DOWN_STATES)].to_dict("records"):
            town = (town_names or {}).get(str(row.get("town_code")), "")
            where = " · ".join(x for x in (str(row.get("name_zh") or ""), town) if x)
            out.append(Alarm("nest_down", LEVEL["nest_down"], t(f"alarm_nest_{row['status_code']}"), where or "—",
                             local_time(row.get("status_at"))))
    if overdue_by_town is not None and not overdue_by_town.empty:
        hit = overdue_by_town[pd.to_numeric(overdue_by_town["overdue_open"]) >= OVERDUE_ALARM_CASES]
        for row in hit.to_dict("records"):
            out.append(Alarm("overdue_town", LEVEL["overdue_town"],
                             t("alarm_overdue", n=int(row["overdue_open"]), limit=OVERDUE_ALARM_CASES),
                             str(row.get(_town_col(lang)) or row.get("town_code") or "—"),
                             local_time(row.get("overdue_since"))))
    if breaches is not None and not breaches.empty:
        missed = breaches[breaches["state"] == "missed"]
        if not missed.empty:
            by_town = missed.groupby(missed["town_code"].fillna(""), sort=False)
            order = sorted(by_town, key=lambda kv: (-len(kv[1]), kv[0]))
            first_cutoff = local_time(missed["cutoff_at"].min())
            towns = [g[_town_col(lang)].iloc[0] if _town_col(lang) in g else code for code, g in order]
            out.append(Alarm("station_missed", LEVEL["station_missed"], t("alarm_missed", n=len(missed)),
                             _names(towns, lang), first_cutoff))
    if market_oldest is not None and not market_oldest.empty:
        row = market_oldest.iloc[0].to_dict()
        hours = pd.to_numeric(row.get("age_working_hours"), errors="coerce")
        if pd.notna(hours) and hours >= MARKET_WAITING_HOURS:
            item = row.get("item_name_zh" if lang == "zh" else "item_name_en") or "—"
            out.append(Alarm("market_waiting", LEVEL["market_waiting"], t("alarm_market", h=f"{hours:.0f}"),
                             f"{t('wall_market')} · {item}", local_time(row.get("submitted_at"))))
    far = dt.datetime.max.replace(tzinfo=SH)
    out.sort(key=lambda a: (a.level != "bad", a.since or far, RULES.index(a.rule)))
    return out

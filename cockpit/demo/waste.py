"""Waste for the demo generator: drop-off, transfer and disposal sites, the vehicles, and the
weighings of every collection round, transfer trip and disposal truck."""

from __future__ import annotations

from functools import cached_property, lru_cache

import numpy as np
import pandas as pd
import shapely
from shapely.ops import nearest_points

from cockpit import places
from cockpit.demo.common import HOUR_S, MINUTE_S, bad_row_count, interleave_bad, one_of, to_timestamps

# ------------------------------------------------------------------ reference counts (published)
DROPOFF_SITES = 622
TIMED_FIXED_SITES = 377
TIMED_FIXED_COMMUNITIES = 165
TRANSFER_SITES = 19
WASTE_VEHICLES = 185

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



@lru_cache(maxsize=1)
def _outline():
    """Pinghu's county outline (the shipped asset, WGS-84), prepared for point tests."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    from cockpit import geo as county

    outline = unary_union([shape(f["geometry"]) for f in county.load_outline()["features"]])
    shapely.prepare(outline)
    return outline

class WasteRelations:
    """waste_category, waste_site, waste_vehicle and waste_weighing (a mixin of DemoGenerator)."""

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
        # the grids are approximate at the county's edge: a station outside the outline moves to the nearest
        # point some 50 m inside it (no random draw, so every other figure of the demo stays as it was)
        for i in np.flatnonzero(~shapely.contains_xy(_outline(), lon, lat)):
            inner = _outline().buffer(-0.0005)
            _, moved = nearest_points(shapely.Point(lon[i], lat[i]), inner)
            lon[i], lat[i] = moved.x, moved.y
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
        bad.loc[m, "stage"] = one_of(rng, ("weigh", "unload", "Collect"), int(m.sum()))
        m = kind == "non_positive_weight"
        bad.loc[m, "net_tonnes"] = np.where(rng.random(int(m.sum())) < 0.4, 0.0,
                                            -np.round(rng.uniform(0.05, 3.0, int(m.sum())), 2))
        m = kind == "absurd_weight"
        bad.loc[m, "net_tonnes"] = np.round(rng.uniform(55.0, 999.0, int(m.sum())), 2)
        m = kind == "unknown_site"
        bad.loc[m, "site_id"] = np.where(rng.random(int(m.sum())) < 0.5, None, "WS9999")
        m = kind == "unknown_category"
        bad.loc[m, "category_code"] = one_of(rng, ("kitchen", "mixed", "bulky"), int(m.sum()))
        # duplicates stay exact copies; they sort right after their original, so they get the larger id
        return interleave_bad(frame, bad, base)


def vehicle_of_town_category(vehicles: pd.DataFrame, town: str, category: str) -> list[str]:
    mine = (vehicles["town_code"] == town) & (vehicles["category_code"] == category)
    pool = vehicles.loc[mine, "vehicle_id"].tolist()
    return pool or vehicles[vehicles["category_code"] == category]["vehicle_id"].tolist()

"""The pack's town maps: a PNG per area of the town areas (assets/towns.geojson) coloured by the week's
values, drawn offline with matplotlib and the Noto CJK font file (where fonts-noto-cjk is installed)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd

from cockpit import i18n
from cockpit import maps as base
from cockpit.meeting.weekly import WeeklyReport

FONT_FILES = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
              Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"))
SHORT_TOWN_NAMES = {"330482400": ("经开区", "Dev. zone")}  # map labels that would not fit their area
MAP_AREAS = {  # area → (weekly.by_town column, legend key, palette, digits)
    "cases": ("cases_received", "wk_map_cases", "heat", 0),
    "waste": ("waste_tonnes", "wk_map_waste", "blue", 0),
    "parking": ("parking_violations", "wk_map_parking", "heat", 0),
    "drones": ("drone_sorties", "wk_map_drones", "good", 0),
}


def font_file() -> Path | None:
    for path in FONT_FILES:
        if path.exists():
            return path
    return None


def render_map(by_town: pd.DataFrame, column: str, title: str, unit: str, *, palette: str = "heat",
               digits: int = 0) -> bytes:
    """A PNG of the town areas coloured by `column`, labelled in the current language."""
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch, Polygon
    from shapely.geometry import shape

    from cockpit import geo
    lang = i18n.current()
    fpath = font_file()
    font = FontProperties(fname=str(fpath)) if fpath else FontProperties()
    values = {} if by_town is None or by_town.empty else {
        r["town_code"]: float(r[column]) for r in by_town.to_dict("records")}
    names = {} if by_town is None or by_town.empty else {
        r["town_code"]: r[f"name_{lang}"] for r in by_town.to_dict("records")}
    scale = base.scale_for(values.values(), palette, unit, digits)
    fig = Figure(figsize=(6.0, 6.0), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.12, 0.96, 0.80))
    lons, lats = [], []
    for feature in geo.load_towns()["features"]:
        code = feature["properties"]["town_code"]
        value = values.get(code)
        color = [c / 255 for c in scale.color(value)[:3]]
        geom = feature["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            ring = poly[0]
            lons += [p[0] for p in ring]
            lats += [p[1] for p in ring]
            ax.add_patch(Polygon(ring, closed=True, facecolor=color, edgecolor="#ffffff", linewidth=1.2))
        point = shape(geom).representative_point()
        short = SHORT_TOWN_NAMES.get(code)
        label = short[0 if lang == "zh" else 1] if short else names.get(code, feature["properties"].get(
            f"name_{lang}", code))
        text = label if value is None else f"{label}\n{value:,.{digits}f}"
        ax.text(point.x, point.y, text, ha="center", va="center", fontproperties=font, fontsize=8,
                color="#1b1f24", linespacing=1.2,
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="#ffffff")])
    if lons:
        ax.set_xlim(min(lons) - 0.01, max(lons) + 0.01)
        ax.set_ylim(min(lats) - 0.01, max(lats) + 0.01)
        mid = math.radians((min(lats) + max(lats)) / 2)
        ax.set_aspect(1 / math.cos(mid))
    ax.axis("off")
    fig.suptitle(title, fontproperties=font, fontsize=13, y=0.97)
    handles = [Patch(facecolor=[c / 255 for c in color[:3]], edgecolor="#888888", label=text)
               for text, color in scale.legend_items(lang)]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 3), prop=font, fontsize=8,
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


def area_maps(report: WeeklyReport) -> dict[str, bytes]:
    """One map per area that has a town dimension and data this week."""
    out = {}
    if report.by_town is None or report.by_town.empty:
        return out
    for area, (column, key, palette, digits) in MAP_AREAS.items():
        if not report.this.has_data[area]:
            continue
        title = f"{i18n.t(f'wk_area_{area}')} · {i18n.t(key)} · {report.week.label}"
        out[area] = render_map(report.by_town, column, title, "", palette=palette, digits=digits)
    return out

"""The offline base map's land as one picture: the county filled, its border and the town borders.

Every map of the cockpit sits on Pinghu's outline and town areas. Drawn as vector layers they cost the
browser a polygon tessellation and a stroke shader per map (seconds with software rendering, the wall
screens' and most office PCs' case); drawn once, here, into a PNG served as a static file, they are one
textured quad (a deck.gl BitmapLayer) that the browser fetches once and keeps in its HTTP cache.

The picture is in Web Mercator rows (what deck.gl draws), supersampled and scaled down for smooth
borders, and quantized to a small palette (about 60 KB). `scripts/build_assets.py` writes it to
static/basemap.png, committed like the other assets; the tests check that the committed file is the
picture this module draws from the committed outline and towns.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from cockpit import geo

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"          # served by Streamlit at app/static/ (server.enableStaticServing)
FILE = "basemap.png"
URL = f"app/static/{FILE}"            # relative to the page: works under any base path
WIDTH_PX = 2048
PAD_DEG = 0.01                        # margin around the outline
SUPERSAMPLE = 2

LAND = (24, 32, 46, 255)
COUNTY_BORDER = (120, 140, 170, 210)
TOWN_BORDER = (110, 125, 150, 170)
COUNTY_BORDER_PX = 3.0                # in the picture's pixels (about 1.6 on a 1100-px-wide map)
TOWN_BORDER_PX = 2.0


def bounds(assets_dir: Path = geo.ASSETS_DIR) -> tuple[float, float, float, float]:
    """(west, south, east, north) the picture covers: the outline's box and a margin."""
    w, s, e, n = geo.outline_bounds(assets_dir)
    return (round(w - PAD_DEG, 4), round(s - PAD_DEG, 4), round(e + PAD_DEG, 4), round(n + PAD_DEG, 4))


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def size(box: tuple[float, float, float, float] | None = None, width_px: int = WIDTH_PX) -> tuple[int, int]:
    """(width, height) in pixels: square pixels in Web Mercator."""
    w, s, e, n = box or bounds()
    height = width_px * (_mercator_y(n) - _mercator_y(s)) / math.radians(e - w)
    return width_px, round(height)


def render(assets_dir: Path = geo.ASSETS_DIR, width_px: int = WIDTH_PX) -> bytes:
    """The PNG: transparent outside the county, LAND inside, the county and town borders drawn."""
    from PIL import Image, ImageDraw

    box = bounds(assets_dir)
    w, s, e, n = box
    width, height = size(box, width_px)
    k = SUPERSAMPLE
    big_w, big_h = width * k, height * k
    top, bottom = _mercator_y(n), _mercator_y(s)

    def px(ring) -> list[tuple[float, float]]:
        return [((lon - w) / (e - w) * big_w, (top - _mercator_y(lat)) / (top - bottom) * big_h)
                for lon, lat in ring]

    image = Image.new("RGBA", (big_w, big_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    rings = [px(r) for r in geo.outline_rings(assets_dir)]
    for ring in rings:
        draw.polygon(ring, fill=LAND)
    lines = Image.new("RGBA", (big_w, big_h), (0, 0, 0, 0))
    pen = ImageDraw.Draw(lines)
    for feature in geo.load_towns(assets_dir)["features"]:
        for ring in geo.polygon_outer_rings(feature["geometry"]):
            pen.line(px(list(ring) + [ring[0]]), fill=TOWN_BORDER, width=int(TOWN_BORDER_PX * k), joint="curve")
    for ring in rings:
        pen.line(ring + ring[:1], fill=COUNTY_BORDER, width=int(COUNTY_BORDER_PX * k), joint="curve")
    image = Image.alpha_composite(image, lines).resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def write(static_dir: Path = STATIC_DIR, assets_dir: Path = geo.ASSETS_DIR) -> Path:
    static_dir.mkdir(parents=True, exist_ok=True)
    path = static_dir / FILE
    path.write_bytes(render(assets_dir))
    return path

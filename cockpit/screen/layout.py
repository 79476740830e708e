"""Where everything sits on the big screen: two design canvases and the CSS that scales them.

`standard` is 16:9, designed at 1920×1080; `wide` is 32:9 for spliced LED walls, designed at 3840×1080,
with more columns rather than stretched panels (the alarms and the live events get panels of their own,
the map is the full height). The canvas is scaled without script: one design pixel is
`--u = min(100vw / W, 100vh / H)` and every box, gap and font size is a multiple of it, so 3840×2160
shows the standard screen drawn sharper and 7680×2160 the wide one. `layout=screen` picks the canvas by
the viewport's aspect ratio (a CSS media query: wide from 8:3 up); `layout=wide` forces the wide one.
Any other aspect ratio is letterboxed.

The map is the one Streamlit element on the canvas: the deck is laid out at a fixed size in CSS pixels
and scaled as a whole (`--s`, the scale without a unit, times `DECK_ZOOM` of the canvas), so that its
view, zoom and label sizes are the same at every resolution; the pulses of new events sit in a layer of
the same size and transform, placed by their offset from the map's centre (cockpit.maps.offset_px).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

MIN_FONT_PX = 16          # no text on the screen is smaller (design pixels)
MAP_KEY = "wall_screen_map"
CLOCK_KEY = "wall_screen_clock"
MAP_HEAD = 48             # the map panel's header strip above the deck
WIDE_FROM = "8/3"         # the aspect ratio from which layout=screen takes the wide canvas

Box = tuple[int, int, int, int]  # (left, top, width, height) in design pixels


@dataclass(frozen=True)
class Canvas:
    name: str
    width: int
    height: int
    boxes: Mapping[str, Box]        # panels: never overlapping (tests/pages/test_wall.py checks it)
    overlays: Mapping[str, Box]     # drawn over the map on purpose (alarms on the standard canvas)
    clock: Box
    deck_zoom: float                # the deck is drawn this much larger than one design pixel per px

    def map_box(self) -> Box:
        x, y, w, h = self.boxes["map"]
        return x + 2, y + MAP_HEAD, w - 4, h - MAP_HEAD - 2

    def deck_size(self) -> tuple[int, int]:
        """The deck's own layout size in CSS pixels (before the canvas scale)."""
        _, _, w, h = self.map_box()
        return round(w / self.deck_zoom), round(h / self.deck_zoom)


STANDARD = Canvas("standard", 1920, 1080, {
    "title": (0, 0, 1920, 88),
    "cases": (24, 104, 456, 600),
    "drones": (24, 720, 456, 336),
    "map": (504, 104, 912, 624),
    "ticker": (504, 740, 912, 44),
    "ranking": (504, 796, 912, 260),
    "waste": (1440, 104, 456, 376),
    "parking": (1440, 496, 456, 336),
    "market": (1440, 848, 456, 208),
}, {"alarms": (1020, 164, 384, 300)}, (1400, 14, 496, 60), 1.0)

WIDE = Canvas("wide", 3840, 1080, {
    "title": (0, 0, 3840, 88),
    "cases": (24, 104, 456, 600),
    "drones": (24, 720, 456, 336),
    "ranking": (504, 104, 456, 728),
    "market": (504, 848, 456, 208),
    "map": (984, 104, 1872, 952),
    "waste": (2880, 104, 456, 376),
    "parking": (2880, 496, 456, 560),
    "alarms": (3360, 104, 456, 376),
    "ticker": (3360, 496, 456, 560),
}, {}, (3320, 14, 496, 60), 1.5)

CANVASES = {c.name: c for c in (STANDARD, WIDE)}

# the first release's names, kept for the tests and the page
DESIGN_W, DESIGN_H = STANDARD.width, STANDARD.height
BOXES = STANDARD.boxes


def map_box() -> Box:
    return STANDARD.map_box()


def u(n: float) -> str:
    return f"calc({n:g} * var(--u))"


def _place(box: Box) -> str:
    x, y, w, h = box
    return (f"position:fixed;left:calc(var(--x0) + {x} * var(--u));top:calc(var(--y0) + {y} * var(--u));"
            f"width:{u(w)};height:{u(h)};")


def _deck_place(canvas: Canvas) -> str:
    x, y, _, _ = canvas.map_box()
    w, h = canvas.deck_size()
    return (f"position:fixed;left:calc(var(--x0) + {x} * var(--u));top:calc(var(--y0) + {y} * var(--u));"
            f"width:{w}px;height:{h}px;transform-origin:0 0;transform:scale(calc(var(--s) * {canvas.deck_zoom:g}));")


def _geometry(canvas: Canvas) -> str:
    """The rules that differ between the canvases: the scale unit and every box."""
    boxes = "".join(f".scr-at-{name}{{{_place(box)}max-height:none;}}" for name, box in canvas.boxes.items())
    # an overlay is as high as its content, up to its box; the alarm overlay is not drawn without alarms
    boxes += "".join(f".scr-at-{name}{{{_place(box)}height:auto;max-height:{u(box[3])};}}"
                     for name, box in canvas.overlays.items())
    if "alarms" in canvas.overlays:
        boxes += ".scr-at-alarms.calm{display:none;}"
    elif "alarms" in canvas.boxes:
        boxes += ".scr-at-alarms.calm{display:block;}"
    return f""":root {{--u: min(calc(100vw / {canvas.width}), calc(100vh / {canvas.height}));
        --x0: calc((100vw - {canvas.width} * var(--u)) / 2); --y0: calc((100vh - {canvas.height} * var(--u)) / 2);
        --s: min(tan(atan2(100vw, {canvas.width}px)), tan(atan2(100vh, {canvas.height}px)));}}
.scr-canvas {{{_place((0, 0, canvas.width, canvas.height))}}}
{boxes}
.st-key-{CLOCK_KEY} {{{_place(canvas.clock)}}}
.st-key-{MAP_KEY}, .scr-pulses {{{_deck_place(canvas)}}}
.st-key-{MAP_KEY} [data-testid="stElementContainer"], .st-key-{MAP_KEY} [data-testid="stFullScreenFrame"],
.st-key-{MAP_KEY} [data-testid="stDeckGlJsonChart"], .st-key-{MAP_KEY} [data-testid="stDeckGlJsonChart"] > div
  {{width: {canvas.deck_size()[0]}px !important; height: {canvas.deck_size()[1]}px !important;}}
.scr-over {{{_place(canvas.map_box())}}}
"""


def _wide_only() -> str:
    """The wide canvas's own look: the events as a list, the alarms as a panel, more rows."""
    return f""".scr-ticker {{display: block; padding: {u(12)} {u(18)};}}
.scr-ticker .lead {{display: none;}}
.scr-ticker .win {{display: block; height: auto;}}
.scr-ticker .track {{display: block; animation: none; white-space: normal;}}
.scr-ticker .track .copy {{display: none;}}
.scr-ticker .copy:first-child {{display: block;}}
.scr-ticker .ev {{display: flex; margin: 0 0 {u(6)} 0; height: {u(40)}; padding: 0 {u(8)}; overflow: hidden;}}
.scr-ticker h2 {{display: block;}}
.scr-alarms {{background: rgba(13, 27, 48, .88);}}
.scr-rank {{grid-template-columns: 1fr; grid-template-rows: repeat(10, {u(62)});}}
.scr-rank .scr-line {{height: {u(62)}; font-size: {u(22)};}}
.scr-line.more {{display: flex;}}
"""


def stylesheet(layout: str = "screen") -> str:
    """The screen's CSS: the canvas (chosen by `layout`: 'screen' by the aspect ratio, 'wide' forced),
    the boxes and the panels' type (sizes in design pixels)."""
    if layout == "wide":
        geometry = _geometry(WIDE) + _wide_only()
    else:
        geometry = (_geometry(STANDARD) + f"@media (min-aspect-ratio: {WIDE_FROM}) {{\n{_geometry(WIDE)}"
                    f"{_wide_only()}}}\n")
    return f"<style>\n{_TYPE}{geometry}</style>"


_TYPE = f"""html, body, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{overflow: hidden !important; background: #000 !important;}}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer {{display: none !important;}}
.scr-canvas {{background: radial-gradient(ellipse at 50% 40%, #0d1a30 0%, #060b16 70%);
  font-family: 'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif; color: #e5edf7; z-index: 0;}}
.scr-title {{display: flex; align-items: center; padding: 0 {u(24)}; box-sizing: border-box; z-index: 2;
  border-bottom: {u(2)} solid #1f3a5f; background: linear-gradient(180deg, #0f2240 0%, #081224 100%);
  font-family: 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif; color: #e5edf7;}}
.scr-title .name {{font-size: {u(36)}; font-weight: 700; letter-spacing: .08em; white-space: nowrap;}}
.scr-title .age {{font-size: {u(18)}; color: #9fb0c5; margin-left: {u(32)}; white-space: nowrap;}}
.st-key-{CLOCK_KEY} {{z-index: 3;}}
.st-key-{CLOCK_KEY} [data-testid="stElementContainer"], .st-key-{CLOCK_KEY} iframe
  {{width: 100% !important; height: 100% !important; border: 0;}}
.st-key-{MAP_KEY} {{z-index: 2;}}
.st-key-{MAP_KEY} [data-testid="stElementContainer"], .st-key-{MAP_KEY} [data-testid="stFullScreenFrame"],
.st-key-{MAP_KEY} [data-testid="stDeckGlJsonChart"], .st-key-{MAP_KEY} [data-testid="stDeckGlJsonChart"] > div
  {{width: 100% !important; height: 100% !important;}}
.scr-panel {{box-sizing: border-box; padding: {u(12)} {u(18)}; overflow: hidden; z-index: 1;
  background: rgba(13, 27, 48, .88); border: {u(2)} solid #1f3a5f; border-radius: {u(10)};
  font-family: 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif; color: #e5edf7;}}
.scr-panel.spot {{border-color: #7cc4ff; box-shadow: 0 0 {u(18)} rgba(124, 196, 255, .55);}}
.scr-panel h2 {{font-size: {u(24)}; font-weight: 700; margin: 0 0 {u(8)} 0; padding: 0; color: #7cc4ff;
  line-height: 1.3; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; display: flex; gap: {u(10)};}}
.scr-panel h2 .t {{flex: 0 1 auto; overflow: hidden; text-overflow: ellipsis;}}
.scr-panel h2 .age {{flex: 0 0 auto; margin-left: auto; font-size: {u(16)}; font-weight: 700; color: #ffc857;
  align-self: center;}}
.scr-panel.spot h2 .t::before {{content: "▶ ";}}
.scr-row {{display: flex; gap: {u(12)}; margin-bottom: {u(10)};}}
.scr-stat {{flex: 1 1 0; min-width: 0; background: rgba(255, 255, 255, .04); border-radius: {u(8)};
  padding: {u(6)} {u(10)};}}
.scr-stat .lbl {{font-size: {u(18)}; line-height: 1.25; color: #9fb0c5; overflow: hidden; overflow-wrap: anywhere;
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2;}}
.scr-stat .val {{font-size: {u(40)}; font-weight: 700; line-height: 1.15; white-space: nowrap;
  font-variant-numeric: tabular-nums;}}
.scr-stat .val small, .scr-kpi small {{font-size: {u(18)}; font-weight: 400; color: #9fb0c5; margin-left: {u(4)};}}
.scr-stat.good .val, .scr-kpi.good .v {{color: #5fd38d;}} .scr-stat.bad .val, .scr-kpi.bad .v {{color: #ff7a6b;}}
.scr-kpi {{display: flex; align-items: baseline; gap: {u(10)}; font-size: {u(20)}; margin: {u(4)} 0;
  white-space: nowrap;}}
.scr-kpi .k {{flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; color: #c9d6e6;}}
.scr-kpi .v {{font-size: {u(32)}; font-weight: 700; font-variant-numeric: tabular-nums;}}
.scr-kpi .tg {{font-size: {u(16)}; color: #7d8da3;}}
.scr-sub {{font-size: {u(18)}; color: #9fb0c5; margin: {u(6)} 0 {u(4)} 0; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis;}}
.scr-sub b {{color: #e5edf7; font-weight: 700; font-variant-numeric: tabular-nums;}}
.scr-sub i {{display: inline-block; width: {u(14)}; height: {u(14)}; border-radius: {u(3)};
  margin: 0 {u(6)} 0 {u(14)};}}
.scr-trend svg {{display: block; width: 100%; height: {u(120)};}}
.scr-days {{display: flex;}} .scr-days span {{flex: 1 1 0; text-align: center; font-size: {u(16)}; color: #9fb0c5;}}
.scr-line {{display: flex; align-items: center; gap: {u(10)}; font-size: {u(18)}; height: {u(36)};
  white-space: nowrap;}}
.scr-line.more {{display: none;}}
.scr-line .n {{flex: 0 0 {u(150)}; overflow: hidden; text-overflow: ellipsis;}}
.scr-line .wide {{flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis;}}
.scr-line .bar {{flex: 1 1 auto; height: {u(14)}; background: rgba(255, 255, 255, .08); border-radius: {u(7)};
  overflow: hidden;}}
.scr-line .bar b {{display: block; height: 100%; background: #4ea1ff; border-radius: {u(7)};}}
.scr-line .num {{flex: 0 0 auto; font-variant-numeric: tabular-nums; color: #e5edf7;}}
.scr-rank {{display: grid; grid-template-columns: 1fr 1fr; grid-auto-flow: column;
  grid-template-rows: repeat(5, {u(40)}); column-gap: {u(36)};}}
.scr-rank .scr-line {{height: {u(40)}; font-size: {u(20)};}}
.scr-rank .r {{flex: 0 0 {u(32)}; color: #7cc4ff; font-weight: 700;}}
.scr-rank .n {{flex: 0 0 {u(190)};}}
.scr-rank .here {{color: #ffc857; font-weight: 700;}}
.scr-map {{background: rgba(8, 16, 30, .9); padding: 0;}}
.scr-map .head {{display: flex; align-items: center; gap: {u(18)}; height: {u(MAP_HEAD)}; padding: 0 {u(18)};
  box-sizing: border-box; border-bottom: {u(2)} solid #1f3a5f;}}
.scr-map .head h2 {{margin: 0; flex: 1 1 auto;}}
.scr-map .dots {{font-size: {u(18)}; color: #5b6b82; white-space: nowrap;}} .scr-map .dots b {{color: #7cc4ff;}}
.scr-over {{z-index: 3; pointer-events: none;}}
.scr-notice {{position: absolute; left: {u(16)}; max-width: {u(480)}; box-sizing: border-box; top: {u(12)};
  font-size: {u(20)}; font-weight: 700; padding: {u(8)} {u(14)}; border-radius: {u(8)};
  background: rgba(60, 40, 0, .92); color: #ffc857;}}
.scr-notice.bad {{background: rgba(80, 10, 10, .92); color: #ff8a80;}}
.scr-notice div {{white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.scr-legend {{position: absolute; left: {u(16)}; bottom: {u(14)}; z-index: 4; max-width: {u(860)};
  font-size: {u(18)}; line-height: 1.6; padding: {u(6)} {u(12)}; border-radius: {u(8)};
  background: rgba(6, 11, 22, .82); overflow: hidden;}}
.scr-legend b {{margin-right: {u(4)};}} .scr-legend .c {{display: inline-block; white-space: nowrap;}}
.scr-legend i {{display: inline-block; width: {u(16)}; height: {u(16)}; border-radius: {u(3)};
  margin: 0 {u(6)} 0 {u(14)}; vertical-align: middle;}}
.scr-pulses {{z-index: 3; pointer-events: none; overflow: hidden;}}
.scr-pulses span {{position: absolute; width: 14px; height: 14px; margin: -7px 0 0 -7px; border-radius: 50%;
  background: #ffc857; box-shadow: 0 0 10px #ffc857;}}
.scr-pulses span::after {{content: ""; position: absolute; inset: -3px; border-radius: 50%;
  border: 3px solid #ffc857; animation: scr-pulse 1.6s ease-out infinite;}}
.scr-pulses span.closed {{background: #5fd38d; box-shadow: 0 0 10px #5fd38d;}}
.scr-pulses span.closed::after {{border-color: #5fd38d;}}
@keyframes scr-pulse {{from {{transform: scale(1); opacity: .9;}} to {{transform: scale(4.5); opacity: 0;}}}}
.scr-ticker {{display: flex; align-items: center; padding: 0 {u(14)}; overflow: hidden; gap: {u(14)};}}
.scr-ticker h2 {{display: none;}}
.scr-ticker .lead {{flex: 0 0 auto; font-size: {u(18)}; font-weight: 700; color: #7cc4ff;}}
.scr-ticker .win {{flex: 1 1 auto; min-width: 0; overflow: hidden; height: 100%; display: flex; align-items: center;}}
.scr-ticker .track {{display: flex; white-space: nowrap; animation: scr-scroll 90s linear infinite;}}
.scr-ticker .copy {{display: flex;}}
.scr-ticker .ev {{display: inline-flex; align-items: center; gap: {u(8)}; font-size: {u(18)}; margin-right: {u(28)};
  white-space: nowrap; border-radius: {u(6)};}}
.scr-ticker .ev .tm {{color: #7cc4ff; font-variant-numeric: tabular-nums;}}
.scr-ticker .ev .ar {{color: #9fb0c5;}}
.scr-ticker .ev .st {{color: #ffc857;}}
.scr-ticker .ev .wt {{overflow: hidden; text-overflow: ellipsis;}}
.scr-ticker .ev.fresh {{background: rgba(255, 200, 87, .14);}}
@keyframes scr-scroll {{from {{transform: translateX(0);}} to {{transform: translateX(-50%);}}}}
.scr-alarms {{z-index: 4; box-sizing: border-box; padding: {u(10)} {u(14)}; overflow: hidden;
  background: rgba(40, 8, 8, .92); border: {u(2)} solid #ff6b6b; border-radius: {u(10)};
  font-family: 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif; color: #e5edf7;
  animation: scr-alarm 1.2s ease-in-out infinite alternate;}}
.scr-alarms.calm {{animation: none; border-color: #1f3a5f; background: rgba(13, 27, 48, .88);}}
.scr-alarms h2 {{font-size: {u(22)}; margin: 0 0 {u(6)} 0; color: #ff8a80; white-space: nowrap;}}
.scr-alarms.calm h2 {{color: #5fd38d;}}
.scr-alarms .al {{margin: 0 0 {u(8)} 0; font-size: {u(18)}; line-height: 1.3;}}
.scr-alarms .al .w {{font-weight: 700; color: #ff8a80; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
.scr-alarms .al.warn .w {{color: #ffc857;}}
.scr-alarms .al .p {{color: #c9d6e6; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}}
@keyframes scr-alarm {{from {{box-shadow: 0 0 {u(4)} rgba(255, 107, 107, .3);}} to {{box-shadow: 0 0 {u(22)} rgba(255, 107, 107, .9);}}}}
@media (prefers-reduced-motion: reduce) {{.scr-ticker .track, .scr-alarms, .scr-pulses span::after {{animation: none;}}}}
"""


def boxes_overlap(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Two boxes ({x, y, width, height}) share area (touching edges do not)."""
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])

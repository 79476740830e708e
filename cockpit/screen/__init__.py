"""The composed wall screen (指挥大屏, /?mode=wall, layout=screen | wide): every area at once on a fixed
design canvas scaled uniformly to the viewport.

- `layout`: the two canvases (16:9 at 1920×1080, 32:9 at 3840×1080), their boxes and the CSS;
- `figures`: the areas' plans and the screen's live rows (ticker events, the rows alarms are judged on),
  loaded together (`load`), and each panel's own data age (`panel_ages`);
- `panels`: the HTML made from them (`render`), every text from data through `cockpit.markup.escape`;
  the clock's frame also runs the count animation (`clock_html`).
The alarm rules are cockpit/alarms.py and the change check cockpit/live.py. The map is the one Streamlit
element, placed in its box by the page (the `MAP_KEY` container); its layer follows the spotlight
(cockpit.wall.view_at over the playlist), and the panel of the spotlit area is marked.
"""

from cockpit.screen.figures import Figures, load, panel_ages, plans  # noqa: F401
from cockpit.screen.layout import (BOXES, CANVASES, CLOCK_KEY, DESIGN_H, DESIGN_W, MAP_HEAD,  # noqa: F401
                                   MAP_KEY, MIN_FONT_PX, STANDARD, WIDE, boxes_overlap, map_box, stylesheet)
from cockpit.screen.panels import (SPOTLIGHT, alarms_panel, clock_html, pulses, render,  # noqa: F401
                                   ticker_panel)

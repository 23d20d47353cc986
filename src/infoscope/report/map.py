"""The report's map page: ledger events on Leaflet, from files in the report folder only.

The points are the web dashboard's (``infoscope.web.exports.event_points``: stored coordinates,
else the offline gazetteer). They travel as JSON in a ``<script type="application/json">`` block,
serialised with ``htmlsafe_json_dumps`` (the dashboard's ``tojson``): ``<``, ``>``, ``&`` and
quotes become ``\\u003c``... so no string in the data can close the block. The only code that
runs is ``vendor/leaflet/leaflet.js``, the dashboard's ``dashboard.js`` and ``map.js``, all files
next to the page; the page's CSP allows scripts from the folder and nothing inline.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from jinja2.utils import htmlsafe_json_dumps

from infoscope.store import Store
from infoscope.web.data import Filters
from infoscope.web.exports import event_points

LEAFLET = Path(__file__).resolve().parents[1] / "web" / "static" / "vendor" / "leaflet"
# Scripts and styles only from the report folder; the data block is not script, so it needs no
# 'unsafe-inline'. Chromium matches file: URLs against 'self' (tests/test_report.py checks it).
CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"

DASHBOARD_JS = Path(__file__).resolve().parents[1] / "web" / "static" / "dashboard.js"
# The map itself is the dashboard's script, copied unchanged; its popups link to the server's
# /events/ID, so this shim sends those clicks to the event's entry in the report instead.
MAP_JS = """// infoscope report: popup links of the dashboard map lead to the report's own event entries.
document.addEventListener("click", function (ev) {
  "use strict";
  var a = ev.target.closest && ev.target.closest("a[href^='/events/']");
  if (!a) return;
  ev.preventDefault();
  var id = decodeURIComponent(a.getAttribute("href").slice("/events/".length));
  window.open("index.html#event-" + encodeURIComponent(id), "_top");
}, true);
"""

PAGE = """<!doctype html><html lang=en><head><meta charset=utf-8>
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>infoscope report · map</title>
<link rel="stylesheet" href="vendor/leaflet/leaflet.css">
<style>html,body{{margin:0;height:100%;font:14px system-ui,sans-serif}}
#map{{height:100%;min-height:340px;background:#dde6ee}}</style></head><body>
<div id="map" aria-label="map of ledger events"></div>
<script type="application/json" id="map-data">{data}</script>
<script src="vendor/leaflet/leaflet.js"></script>
<script src="dashboard.js"></script>
<script src="map.js"></script>
</body></html>
"""


def map_data_json(points: list[dict[str, Any]]) -> str:
    """JSON safe to put inside an HTML ``<script>`` block: no ``<``, ``>`` or ``&`` survive."""
    return str(htmlsafe_json_dumps(points))


def write_map(store: Store, folder: Path, filters: Filters | None = None) -> list[dict[str, Any]]:
    """Copy Leaflet and the dashboard's map script, write ``map.js`` and ``map.html``; return the points."""
    shutil.copytree(LEAFLET, folder / "vendor" / "leaflet", dirs_exist_ok=True)
    shutil.copyfile(DASHBOARD_JS, folder / "dashboard.js")
    points = event_points(store, filters or Filters())
    (folder / "map.js").write_text(MAP_JS, encoding="utf-8")
    (folder / "map.html").write_text(PAGE.format(csp=CSP, data=map_data_json(points)), encoding="utf-8")
    return points

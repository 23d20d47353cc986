"""The static report: files, map data, escaping, and the page in headless chromium from file://.

The demo corpus is ingested, analysed, linked and reported once per module; a hostile document
(script tags in its title, a hostile generalisation quoting them) and a hostile event (a place
that closes the JSON block) are added first. Browser parts skip with the reason when chromium or
Playwright is missing, except where INFOSCOPE_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from infoscope.analyze.persist import analyze_stored, pending_documents
from infoscope.events.importer import import_events
from infoscope.ingest.records import IncomingDocument, SourceInfo
from infoscope.ingest.registry import SourceRegistry
from infoscope.ingest.run import DocumentWriter, IngestOptions, document_id, ingest
from infoscope.link.run import link_store
from infoscope.model import Annotation, Event
from infoscope.report.html import write_report
from infoscope.report.map import map_data_json
from infoscope.store import open_store
from infoscope.store.queries import rhetoric
from web.test_browser import ARGS, ARTIFACTS, CHROMIUM, _need_browser

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"
BREAKOUT = "</script><script>window.__xss=1</script>"
EVIL_TITLE = BREAKOUT + '<img src=x onerror="window.__xss=1">'
EVIL_PLACE = "</SCRIPT><img src=x onerror=alert(1)><!--"


def _add_hostile(store: Any) -> None:
    opts = IngestOptions(source="Hostile Outlet")
    doc = IncomingDocument(
        origin="hostile.txt",
        text="All of them are traitors. " + BREAKOUT,
        title=EVIL_TITLE,
        source=SourceInfo(name="Hostile Outlet"),
    )
    DocumentWriter(store, opts).write(doc)
    did = document_id(doc, opts)
    quote = "All of them are traitors. " + BREAKOUT
    with store.engine.begin() as conn:
        conn.execute(
            insert(Annotation),
            [
                {
                    "id": "ann_hostile_t",
                    "document_id": did,
                    "layer": "techniques",
                    "label": "Hostile_Generalization",
                    "value": {
                        "technique": "Hostile_Generalization",
                        "start": 0,
                        "end": 60,
                        "text": quote,
                        "score": 0.01,
                    },
                },
                {
                    "id": "ann_hostile_c",
                    "document_id": did,
                    "layer": "claims",
                    "label": "checkworthy",
                    "value": {"start": 0, "end": 60, "text": quote, "checkworthy": 0.999},
                },
            ],
        )
        conn.execute(
            insert(Event).values(
                id="evt_hostile_report_00000000",
                fingerprint="evt_hostile_report_00000000",
                origin="document",
                type=BREAKOUT,
                date="2024-07-20",
                country="FR",
                location=EVIL_PLACE,
                lat=48.85,
                lon=2.35,
                actors=[],
                status="reported",
                independent_sources=1,
                mentions=1,
            )
        )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("report")
    store = open_store(f"sqlite:///{tmp / 'ledger.db'}")
    ingest(
        store, [str(DEMO / "articles")], IngestOptions(registry=SourceRegistry.load(DEMO / "sources.toml"))
    )
    analyze_stored(store, pending_documents(store))
    import_events(store, DEMO / "events.csv")
    link_store(store)  # clusters, translations, ledger and the stored tally checks, as `infoscope link`
    _add_hostile(store)  # after linking, which rebuilds the events found in documents
    folder = tmp / "out"
    index = write_report(store, folder)
    found = rhetoric(store, limit=20)
    store.close()
    return {"folder": folder, "index": index, "rhetoric": found}


def _map_points(folder: Path) -> list[dict[str, Any]]:
    page = (folder / "map.html").read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    assert m, "no map data block"
    return json.loads(m.group(1))


def test_files(report: dict[str, Any]) -> None:
    folder = report["folder"]
    assert report["index"] == folder / "index.html"
    for name in ("index.html", "map.html", "map.js", "dashboard.js", "app.css"):
        assert (folder / name).is_file(), name
    leaflet = folder / "vendor" / "leaflet"
    for name in ("leaflet.js", "leaflet.css", "LICENSE"):
        assert (leaflet / name).is_file(), name
    assert (leaflet / "images").is_dir()
    for page in ("index.html", "map.html"):  # nothing from elsewhere
        assert not re.search(r"(src|href)=\"?(https?:)?//", (folder / page).read_text(encoding="utf-8"))


def test_map_data(report: dict[str, Any]) -> None:
    points = _map_points(report["folder"])
    assert len(points) >= 10
    assert all(isinstance(p["lat"], float) and isinstance(p["lon"], float) for p in points)
    hostile = [p for p in points if p["id"] == "evt_hostile_report_00000000"]
    assert hostile and hostile[0]["location"] == EVIL_PLACE and hostile[0]["type"] == BREAKOUT
    page = (report["folder"] / "map.html").read_text(encoding="utf-8")
    assert page.lower().count("<script") == 4 and page.lower().count("</script") == 4
    assert "<img" not in page and "<!--" not in page


def test_map_data_json_escapes() -> None:
    text = map_data_json([{"location": "</script><!--<script>&'\""}])
    assert not set("<>&'") & set(text)
    assert json.loads(text) == [{"location": "</script><!--<script>&'\""}]


def test_index_escapes_and_sections(report: dict[str, Any]) -> None:
    page = report["index"].read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img" not in page
    assert "&lt;/script&gt;&lt;script&gt;window.__xss=1" in page
    assert '<svg class="timeline"' in page and "<rect" in page
    assert '<iframe class=map src="map.html"' in page
    for heading in ("Tallies stated in documents", "Ledger events reported", "Near-copies", "Documents"):
        assert heading in page
    tallies = page[page.index("Tallies stated in documents") : page.index("Ledger events reported")]
    assert "the ledger holds" in tallies  # the demo's tallies, checked against the ledger by link
    rhet = page[page.index("<h2 id=rhetoric>") :]
    assert "Hostile_Generalization" in rhet and "checkworthy" in rhet
    assert "All of them are traitors. &lt;/script&gt;" in rhet


def test_rhetoric_query(report: dict[str, Any]) -> None:
    found = report["rhetoric"]
    for layer in ("techniques", "claims"):
        scores = [r["score"] for r in found[layer] if r["label"] != "Hostile_Generalization"]
        assert scores and scores == sorted(scores, reverse=True), layer
        assert all(r["text"] and r["document"] for r in found[layer])
    # a hostile generalisation is kept even when its score is below the cut
    assert any(
        r["label"] == "Hostile_Generalization" and r["title"] == EVIL_TITLE for r in found["techniques"]
    )
    assert found["claims"][0]["score"] == 0.999


def test_report_in_browser(report: dict[str, Any]) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    folder = report["folder"]
    # a probe with the map page's CSP and an inline script: the folder's scripts run, inline ones do not
    probe = (folder / "map.html").read_text(encoding="utf-8")
    probe = probe.replace("<body>", "<body><script>document.title='inline ran'</script>", 1)
    (folder / "csp-probe.html").write_text(probe, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            errors: list[str] = []
            dialogs: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto((folder / "index.html").as_uri())
            frame = page.frame_locator("iframe.map")
            markers = frame.locator("#map path.leaflet-interactive")
            markers.first.wait_for(timeout=10_000)
            assert markers.count() >= 10
            assert frame.locator("#map.leaflet-container").count() == 1
            assert page.locator("svg.timeline rect.ev").count() > 0
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"))  # the top: map, timeline, breakdowns
            markers.first.click(force=True)
            link = frame.locator(".leaflet-popup-content a")
            link.wait_for(timeout=5_000)
            for f in page.frames:
                assert f.evaluate("window.__xss") is None
            link.click()  # the dashboard's /events/ID link leads to the report's own entry
            page.wait_for_url(re.compile(r"index\.html#event-"), timeout=5_000)
            assert not errors, errors
            assert not dialogs, dialogs

            probe_page = browser.new_page()
            probe_page.goto((folder / "csp-probe.html").as_uri())
            probe_page.locator("#map path.leaflet-interactive").first.wait_for(timeout=10_000)
            assert probe_page.title() == "infoscope report · map"
        finally:
            browser.close()

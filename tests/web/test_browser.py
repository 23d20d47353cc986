"""End to end in Debian's chromium driven by Playwright, against ``infoscope serve`` on 127.0.0.1.

The store holds hostile documents (script tags, event handlers, javascript: links in the text,
the title, an event's place and a quote); the test opens every view, clicks the links and
asserts that no script ran and no dialog opened. A reviewer then reviews an event through the
form and finds the change in its history. Screenshots go to tests/artifacts/.

Skipped with the reason when chromium or Playwright is missing, except where
INFOSCOPE_REQUIRE_BROWSER=1 (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert

from infoscope.ingest.records import IncomingDocument, SourceInfo
from infoscope.ingest.run import DocumentWriter, IngestOptions, document_id
from infoscope.model import Annotation, Event, EventMention, Span
from infoscope.store import open_store
from infoscope.web.accounts import create_user

from .conftest import PASSWORD, ROOT, build_demo

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
XSS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '<a href="javascript:window.__xss=1">read more</a>',
    '<svg onload="window.__xss=1"></svg>',
    '"><script>alert(document.cookie)</script>',
]


def _need_browser() -> None:
    reason = None
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        reason = f"chromium not installed at {CHROMIUM} (make test installs it with apt-get when run as root)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright Python package is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("INFOSCOPE_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hostile_store(url: str) -> dict[str, str]:
    store = open_store(url)
    build_demo(store)
    create_user(store, "rev", "reviewer", PASSWORD)
    opts = IngestOptions(source="Hostile Outlet")
    text = "Rally in Paris on 20 July. " + " Then ".join(XSS) + " End of report."
    doc = IncomingDocument(
        origin="hostile.txt", text=text, title=XSS[0] + XSS[1], source=SourceInfo(name="Hostile Outlet")
    )
    DocumentWriter(store, opts).write(doc)
    did = document_id(doc, opts)
    eid = "evt_hostile_0000000000000000"
    with store.engine.begin() as conn:
        conn.execute(
            insert(Event).values(
                id=eid,
                fingerprint=eid,
                origin="document",
                type="Protests",
                subtype=XSS[3],
                date="2024-07-20",
                country="FR",
                location=XSS[1],
                lat=48.85,
                lon=2.35,
                notes=XSS[0] + XSS[2],
                actors=[],
                status="reported",
                independent_sources=1,
                mentions=1,
                provenance={"links": [XSS[2]]},
            )
        )
        spans = []
        for i, bad in enumerate(XSS):
            start = text.index(bad)
            spans.append({"id": f"spn_h{i}", "document_id": did, "start": start, "end": start + len(bad)})
        conn.execute(insert(Span), spans)
        conn.execute(
            insert(Annotation),
            [
                {
                    "id": f"ann_h{i}",
                    "document_id": did,
                    "span_id": f"spn_h{i}",
                    "layer": layer,
                    "label": XSS[i],
                    "value": {"evidence": {"text": XSS[i]}},
                }
                for i, layer in enumerate(["events", "places", "claims", "tallies", "techniques"])
            ],
        )
        conn.execute(
            insert(EventMention).values(
                id="men_hostile",
                event_id=eid,
                document_id=did,
                annotation_id="ann_h0",
                quote=XSS[2] + XSS[1],
                location=XSS[1],
                values={},
            )
        )
    store.close()
    return {"document": did, "event": eid}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """``infoscope serve`` in a subprocess over a store with the demo and the hostile documents."""
    _need_browser()
    db = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'ledger.db'}"
    ids = _hostile_store(db)
    port = _free_port()
    env = {**os.environ, "INFOSCOPE_SECRET_KEY": "browser-tests", "INFOSCOPE_PUBLIC_READ": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "infoscope", "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"infoscope serve exited: {proc.stdout.read().decode(errors='replace') if proc.stdout else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("infoscope serve did not start listening within 60 s")
    try:
        yield {"base": base, **ids}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser(server: dict[str, str]) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def _login(page, base: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/")


def _no_script_ran(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_hostile_documents_run_no_script(page, server):
    base = server["base"]
    user = "rev"
    _login(page, base, user)
    _no_script_ran(page)
    page.goto(f"{base}/documents/{server['document']}")
    # the hostile text is shown as text, inside marks
    assert "<script>window.__xss=1</script>" in page.inner_text("#doc-text")
    assert page.locator("#doc-text script, #doc-text img, #doc-text svg").count() == 0
    assert page.locator("#doc-text mark").count() >= 4
    _shot(page, "hostile-document")
    _no_script_ran(page)
    # click every link in the text (the event marks) and in the page
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.lower().lstrip().startswith("javascript:")]
    page.click("#doc-text mark a")
    page.wait_for_url(f"{base}/events/**")
    _no_script_ran(page)
    page.goto(f"{base}/events/{server['event']}")
    assert XSS[1] in page.inner_text("body")
    _shot(page, "hostile-event")
    for link in page.locator("main a[href]").all()[:10]:
        link.click()
        page.wait_for_load_state()
        _no_script_ran(page)
        page.goto(f"{base}/events/{server['event']}")
    for path in ("/", "/events", "/documents", "/audit"):
        page.goto(base + path)
        _no_script_ran(page)
    assert page.errors == []


def test_dashboard_map_filter_and_export(page, server):
    base = server["base"]
    _login(page, base, "rev")
    page.wait_for_selector("#map.leaflet-container")
    assert page.locator("#map path.leaflet-interactive").count() > 10  # event markers
    _shot(page, "dashboard")
    page.select_option("#filter-country", "DE")
    page.click("#apply-filters")
    page.wait_for_url("**country=DE**")
    rows = page.locator("#events-table tr").count() - 1
    assert rows > 0 and int(page.inner_text("#event-total")) == rows
    countries = page.eval_on_selector_all(
        "#events-table tr td:nth-child(4)", "els => els.map(e => e.textContent)"
    )
    assert set(countries) == {"DE"}
    _shot(page, "dashboard-de")
    with page.expect_download() as dl:
        page.click("a.export:text('csv')")
    path = dl.value.path()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert len(lines) == rows + 1 and all(",DE," in line for line in lines[1:])
    page.click("#events-table tr:nth-child(2) a")
    page.wait_for_url(f"{base}/events/**")
    assert page.locator("#mentions").count() == 1
    _no_script_ran(page)
    assert page.errors == []


def test_reviewer_sets_a_status_and_sees_it_in_the_history(page, server):
    base = server["base"]
    _login(page, base, "rev")
    page.goto(f"{base}/events?country=TR")
    page.click("#events-table tr:nth-child(2) a")
    page.wait_for_url(f"{base}/events/**")
    assert page.inner_text("#audit-history").count("review") == 0
    page.select_option("#review-status", "disputed")
    page.fill("#review-note", "casualty figures differ between the two sides <b>")
    page.click("#review-submit")
    page.wait_for_load_state()
    assert page.inner_text("#event-status") == "disputed"
    history = page.inner_text("#audit-history")
    assert (
        "rev" in history
        and "disputed" in history
        and "casualty figures differ" in history
        and "<b>" in history
    )
    _shot(page, "reviewed-event")
    page.goto(f"{base}/audit")
    assert "disputed" in page.inner_text("#audit-log")
    _no_script_ran(page)

"""A static HTML report that opens from disk, no server, no CDN.

``index.html`` holds the tables, the timeline SVG and the rhetoric found in documents, and runs no
script at all; the map is ``map.html`` (see ``infoscope.report.map``), shown in a frame. Charts,
map points and geocoding are the web dashboard's own functions. Every value from a document is
escaped: documents are hostile input.
"""

from __future__ import annotations

import datetime as dt
import shutil
from html import escape
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from infoscope.link.clusters import cluster_timelines
from infoscope.link.tallies import stored_checks
from infoscope.model import Document, Source
from infoscope.report.map import write_map
from infoscope.store import Store
from infoscope.store.queries import ledger_events, rhetoric, stats
from infoscope.web import charts
from infoscope.web.data import Filters

APP_CSS = Path(__file__).resolve().parents[1] / "web" / "static" / "app.css"
# No script in this page; styles from the folder and this page; the map frame from the folder.
CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; frame-src 'self'; img-src 'self'"

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}.grid{display:flex;flex-wrap:wrap;gap:2rem}
.inconsistent{color:#b00;font-weight:bold}.consistent{color:#070}q{color:#333}
.bar{background:#4a7bb7;height:.7rem;display:inline-block}small{color:#666}
iframe.map{width:100%;height:380px;border:1px solid #ccc}td.quote{max-width:40rem}
"""


def _table(title: str, counts: dict[str, int], limit: int = 30) -> str:
    if not counts:
        return ""
    top = max(counts.values()) or 1
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td class=n>{v}</td>"
        f"<td><span class=bar style='width:{int(160 * v / top)}px'></span></td></tr>"
        for k, v in list(counts.items())[:limit]
    )
    return f"<div><h2>{escape(title)}</h2><table>{rows}</table></div>"


def _clip(text: str, n: int = 400) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _range(low: object, high: object) -> str:
    if low is None and high is None:
        return ""
    return str(low) if low == high or high is None else f"{low}–{high}"


def _event_block(e: dict) -> str:
    rows = "".join(
        f"<tr><td>{escape(r['source'] or '')}</td><td class=n>{escape(_range(r['participants']['low'], r['participants']['high']))}</td>"
        f"<td class=n>{'' if r['killed'] is None else r['killed']}</td>"
        f"<td class=n>{'' if r['injured'] is None else r['injured']}</td>"
        f"<td><q>{escape(_clip(r['quote'] or '', 240))}</q></td></tr>"
        for r in e["reports"]
    )
    where = ", ".join(x for x in (e["location"], e["country"]) if x)
    return (
        f"<div class=event id='event-{escape(quote(e['id'], safe=''))}'><p><b>{escape(e['date'] or '?')} · {escape(where)} · {escape(e['subtype'] or e['type'] or '')}"
        f"</b> · <span class=status>{escape(e['status'])}</span> · {e['independent_sources']} independent sources · "
        f"participants {escape(_range(e['participants']['low'], e['participants']['high']) or 'not stated')}</p>"
        f"<table><tr><th>source</th><th>participants</th><th>killed</th><th>injured</th><th>quote</th></tr>"
        f"{rows}</table></div>"
    )


def _score(v: object) -> str:
    return f"{v:.2f}" if isinstance(v, int | float) else ""


def _rhetoric_rows(items: list[dict]) -> str:
    return "".join(
        f"<tr><td>{escape(r['title'] or '(untitled)')}<br><small>{escape(r['source'] or '')}</small></td>"
        f"<td>{escape(r['label'] or '')}</td><td class=n>{_score(r['score'])}</td>"
        f"<td class=quote><q>{escape(_clip(r['text'], 300))}</q></td></tr>"
        for r in items
    )


def _rhetoric(store: Store, techniques_by_label: dict[str, int]) -> str:
    found = rhetoric(store, limit=150)
    head = "<tr><th>document</th><th>{}</th><th>score</th><th>quoted sentence</th></tr>"
    hostile = [r for r in found["techniques"] if r["label"] == "Hostile_Generalization"]
    return f"""<h2 id=rhetoric>Rhetoric</h2>
<p>Persuasion techniques and check-worthy claims the annotators found, highest score first.
A technique is a way of arguing, not a finding that the text is false; a check-worthy claim is one
worth checking, not one found wrong.</p>
<div class=grid>{_table("Techniques by kind", techniques_by_label)}</div>
<h3>Hostile generalisations</h3>
{f"<table id=hostile>{head.format('technique')}{_rhetoric_rows(hostile)}</table>" if hostile else "<p>none found</p>"}
<h3>Techniques</h3>
<table id=techniques>{head.format("technique")}{_rhetoric_rows(found["techniques"])}</table>
{"" if found["techniques"] else "<p>none found (run <code>infoscope analyze</code>)</p>"}
<h3>Check-worthy claims</h3>
<table id=claims>{head.format("claim")}{_rhetoric_rows(found["claims"])}</table>
{"" if found["claims"] else "<p>none found (run <code>infoscope analyze</code>)</p>"}"""


def write_report(store: Store, folder: Path) -> Path:
    """Write ``index.html`` into ``folder`` (created if needed) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    data = stats(store)
    points = write_map(store, folder)
    shutil.copyfile(APP_CSS, folder / "app.css")
    timeline = charts.timeline_svg(*charts.daily_counts(store, Filters()))
    region = charts.breakdowns(store, Filters())["region"]
    with store.sessions() as s:
        docs = s.execute(
            select(Document.title, Document.language, Document.published_at, Document.url, Source.name)
            .join(Source, Source.id == Document.source_id)
            .order_by(Document.published_at.is_(None), Document.published_at, Document.id)
            .limit(500)
        ).all()
    tally_rows = "".join(
        f"<tr><td>{escape(t['source'])}</td><td>{escape(t.get('title') or '')}</td>"
        f"<td class='{escape(str((t.get('arithmetic') or {}).get('status', '')))}'>"
        f"{escape(str((t.get('arithmetic') or {}).get('status', '')))}</td>"
        f"<td>{escape(str((t.get('arithmetic') or {}).get('detail') or ''))}</td>"
        f"<td>{escape(t.get('detail') or '')}</td>"
        f"<td><q>{escape(_clip((t.get('evidence') or {}).get('text', '')))}</q></td></tr>"
        for t in stored_checks(store)
    )
    event_html = "".join(_event_block(e) for e in ledger_events(store, limit=60, min_mentions=2))
    cluster_html = "".join(
        f"<div class=cluster><p><b>{'possibly coordinated' if c['coordinated'] else 'near-copies'}</b>: "
        f"{c['size']} documents from {c['independent_sources']} independent sources, "
        f"{escape(str(c['first_published']))} → {escape(str(c['last_published']))}</p><table>"
        + "".join(
            f"<tr><td>{escape(str(t['published']))}</td><td>{escape(t['source'])}</td>"
            f"<td>{escape(t['owner'] or '')}</td><td class=n>{t['similarity']}</td>"
            f"<td>{escape(t['title'] or '')}</td></tr>"
            for t in c["timeline"]
        )
        + "</table></div>"
        for c in cluster_timelines(store)
    )
    doc_rows = "".join(
        f"<tr><td>{escape(str(p)[:16]) if p else ''}</td><td>{escape(lang or '')}</td><td>{escape(src)}</td>"
        f"<td>{escape(t or '(untitled)')}</td><td>{escape(u or '')}</td></tr>"
        for t, lang, p, u, src in docs
    )
    page = f"""<!doctype html><html lang=en><head><meta charset=utf-8>
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>infoscope report</title><link rel=stylesheet href="app.css"><style>{STYLE}</style></head><body>
<h1>infoscope report</h1>
<p><small>generated {dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}</small></p>
<p><b>{data["documents"]}</b> documents from <b>{data["sources"]}</b> sources ·
<b>{data["events"]}</b> ledger events</p>
<div class=grid2><div><h2>Map</h2>
<iframe class=map src="map.html" title="map of ledger events"></iframe>
<p><small>{len(points)} events with a known place (stored or geocoded offline); no map tiles are loaded.
<a href="map.html">open the map alone</a></small></p></div>
<div><h2>Timeline</h2>{timeline}
<p><small><span class="key ev"></span> events per day · <span class="key cov"></span> documents published
per day</small></p></div></div>
<div class=grid>
{_table("Documents by language", data["languages"])}
{_table("Documents by source", data["documents_by_source"])}
{_table("Events by country", data["events_by_country"])}
{_table("Events by region", region)}
{_table("Events by year", data["events_by_year"])}
{_table("Events by form", data["events_by_form"])}
</div>
<h2>Analysis</h2>
<p><b>{data["analyzed_documents"]}</b> documents analysed ·
{" · ".join(f"{escape(k)} {v}" for k, v in data["annotations"].items()) or "no annotations yet"}</p>
<div class=grid>
{_table("Event mentions by type", data["event_mentions_by_type"])}
{_table("Places mentioned", data["places_mentioned"])}
</div>
<h2>Tallies stated in documents</h2>
<table><tr><th>source</th><th>document</th><th>arithmetic</th><th>detail</th><th>against the ledger</th>
<th>evidence</th></tr>{tally_rows}</table>
<h2>Ledger events reported by several sources</h2>
<p>{data["events"]} ledger events · {data["corroborated_events"]} corroborated by two or more independent sources.
Disagreeing figures stay side by side with who gave them.</p>
{event_html or "<p>none yet (run <code>infoscope analyze</code> and <code>infoscope link</code>)</p>"}
<h2>Near-copies and coordinated publishing</h2>
<p>{data["clusters"]} clusters of near-identical texts · {data["coordinated_clusters"]} possibly coordinated
(three or more independent sources within 48 hours; outlets of one owner count once)</p>
{cluster_html or "<p>none found (run <code>infoscope link</code>)</p>"}
{_rhetoric(store, data["techniques_by_label"])}
<h2>Documents</h2>
<table><tr><th>published</th><th>lang</th><th>source</th><th>title</th><th>url</th></tr>{doc_rows}</table>
</body></html>"""
    index = folder / "index.html"
    index.write_text(page, encoding="utf-8")
    return index

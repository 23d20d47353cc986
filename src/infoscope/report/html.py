"""A static HTML report: one self-contained page that opens from disk, no server, no CDN.

Every value from a document is escaped: documents are hostile input.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from sqlalchemy import select

from infoscope.link.clusters import cluster_timelines
from infoscope.link.tallies import verify_tallies
from infoscope.model import Document, Source
from infoscope.store import Store
from infoscope.store.queries import ledger_events, stats

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}.grid{display:flex;flex-wrap:wrap;gap:2rem}
.inconsistent{color:#b00;font-weight:bold}.consistent{color:#070}q{color:#333}
.bar{background:#4a7bb7;height:.7rem;display:inline-block}small{color:#666}
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
        f"<div class=event><p><b>{escape(e['date'] or '?')} · {escape(where)} · {escape(e['subtype'] or e['type'] or '')}"
        f"</b> · <span class=status>{escape(e['status'])}</span> · {e['independent_sources']} independent sources · "
        f"participants {escape(_range(e['participants']['low'], e['participants']['high']) or 'not stated')}</p>"
        f"<table><tr><th>source</th><th>participants</th><th>killed</th><th>injured</th><th>quote</th></tr>"
        f"{rows}</table></div>"
    )


def write_report(store: Store, folder: Path) -> Path:
    """Write ``index.html`` into ``folder`` (created if needed) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    data = stats(store)
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
        for t in verify_tallies(store)
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
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>infoscope report</title><style>{STYLE}</style></head><body>
<h1>infoscope report</h1>
<p><small>generated {dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}</small></p>
<p><b>{data["documents"]}</b> documents from <b>{data["sources"]}</b> sources ·
<b>{data["events"]}</b> ledger events</p>
<div class=grid>
{_table("Documents by language", data["languages"])}
{_table("Documents by source", data["documents_by_source"])}
{_table("Events by country", data["events_by_country"])}
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
<h2>Documents</h2>
<table><tr><th>published</th><th>lang</th><th>source</th><th>title</th><th>url</th></tr>{doc_rows}</table>
</body></html>"""
    index = folder / "index.html"
    index.write_text(page, encoding="utf-8")
    return index

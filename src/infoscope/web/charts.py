"""Dashboard aggregates and a server-rendered SVG timeline (no chart library, no inline style).

Every label that reaches the SVG is escaped: place names and types come from documents.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import func, select

from infoscope.model import Document, Event, Source
from infoscope.store import Store
from infoscope.web.data import Filters, document_query, event_query


def breakdowns(store: Store, f: Filters) -> dict[str, dict[str, int]]:
    """Filtered events by type, country, status and form; filtered documents by language and source."""
    ev = event_query(f).subquery()
    docs = document_query(f).with_only_columns(Document.language, Source.name).subquery()
    out: dict[str, dict[str, int]] = {}
    with store.sessions() as s:
        for name, col in (
            ("type", ev.c.type),
            ("country", ev.c.country),
            ("status", ev.c.status),
            ("region", ev.c.admin1),
        ):
            rows = s.execute(
                select(col, func.count()).group_by(col).order_by(func.count().desc(), col).limit(30)
            ).all()
            out[name] = {("unknown" if k is None else str(k)): n for k, n in rows}
        for name, col in (("language", docs.c.language), ("source", docs.c.name)):
            rows = s.execute(
                select(col, func.count()).group_by(col).order_by(func.count().desc(), col).limit(30)
            ).all()
            out[name] = {("unknown" if k is None else str(k)): n for k, n in rows}
    return out


def daily_counts(store: Store, f: Filters) -> tuple[Counter[str], Counter[str]]:
    """Events per day (by their date) and documents per day (by publication)."""
    with store.sessions() as s:
        ev = event_query(f).subquery()
        day = func.substr(ev.c.date, 1, 10)
        events = Counter({d: n for d, n in s.execute(select(day, func.count()).group_by(day)) if d})
        docs = document_query(f).with_only_columns(Document.published_at).subquery()
        coverage: Counter[str] = Counter()
        for (p,) in s.execute(select(docs.c.published_at)):
            if p is not None:
                coverage[p.date().isoformat()] += 1
    return events, coverage


def timeline_svg(events: Counter[str], coverage: Counter[str], width: int = 900, height: int = 160) -> Markup:
    """Bars of events (above) and coverage (below) per day over the span of the data."""
    days = sorted(d for d in {*events, *coverage} if _is_day(d))
    if not days:
        return Markup('<p class="muted">no dated events or documents for these filters</p>')
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    span = (last - first).days + 1
    if span > 400:  # long ranges: one bar per month
        events, coverage = _monthly(events), _monthly(coverage)
        keys = sorted({*events, *coverage})
    else:
        keys = [(first + dt.timedelta(days=i)).isoformat() for i in range(span)]
    top = max([*events.values(), *coverage.values(), 1])
    half = (height - 30) / 2
    bw = max(1.0, (width - 40) / max(len(keys), 1))
    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="events and coverage over time" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="30" x2="{width}" y1="{half + 5}" y2="{half + 5}" class="axis"/>',
        '<text x="0" y="14" class="lbl">events</text>',
        f'<text x="0" y="{height - 18}" class="lbl">docs</text>',
    ]
    for i, k in enumerate(keys):
        x = 35 + i * bw
        e, c = events.get(k, 0), coverage.get(k, 0)
        if e:
            h = half * e / top
            parts.append(
                f'<rect class="ev" x="{x:.1f}" y="{half + 5 - h:.1f}" width="{max(bw - 1, 1):.1f}" '
                f'height="{h:.1f}"><title>{escape(k)}: {e} events</title></rect>'
            )
        if c:
            h = half * c / top
            parts.append(
                f'<rect class="cov" x="{x:.1f}" y="{half + 5:.1f}" width="{max(bw - 1, 1):.1f}" '
                f'height="{h:.1f}"><title>{escape(k)}: {c} documents</title></rect>'
            )
    parts.append(f'<text x="35" y="{height - 2}" class="lbl">{escape(keys[0])}</text>')
    parts.append(f'<text x="{width - 80}" y="{height - 2}" class="lbl">{escape(keys[-1])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _is_day(d: str) -> bool:
    try:
        dt.date.fromisoformat(d)
    except ValueError:
        return False
    return True


def _monthly(c: Counter[str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for k, n in c.items():
        if _is_day(k):
            out[k[:7]] += n
    return out


def bar_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    """Rows with a bar width in pixels (an SVG attribute, not an inline style: CSP forbids those)."""
    top = max(counts.values(), default=0) or 1
    return [{"key": k, "n": n, "w": max(1, int(160 * n / top))} for k, n in counts.items()]


def first_event_date(store: Store) -> str | None:
    with store.sessions() as s:
        return s.scalar(select(func.min(Event.date)))

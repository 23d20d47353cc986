"""Read queries behind the web pages, the REST API and the exports: one filter, one place.

Kept free of FastAPI so the CLI's exports can use the same filters without the web stack.
Every function returns plain dicts of JSON-friendly values.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, Engine, Select, event, func, or_, select

from infoscope.model import (
    Annotation,
    AuditEntry,
    Cluster,
    Document,
    Event,
    EventMention,
    FactCheck,
    ReviewState,
    Source,
    Span,
    TallyCheck,
)
from infoscope.store import Store

MAX_LIMIT = 500
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


class FilterError(ValueError):
    """A filter value the user got wrong (shown to them as a 422 or an error line)."""


def _bound(part: str, end: bool) -> str:
    m = _PERIOD.match(part.strip())
    if not m:
        raise FilterError(f"period: expected YYYY, YYYY-MM or YYYY-MM-DD, got {part!r}")
    y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        if d:
            return dt.date(int(y), int(mo), int(d)).isoformat()
        if mo:
            first = dt.date(int(y), int(mo), 1)
            if not end:
                return first.isoformat()
            nxt = dt.date(int(y) + (mo == "12"), 1 if mo == "12" else int(mo) + 1, 1)
            return (nxt - dt.timedelta(days=1)).isoformat()
    except ValueError as exc:
        raise FilterError(f"period: not a date: {part!r}") from exc
    return f"{y}-12-31" if end else f"{y}-01-01"


def parse_period(period: str | None) -> tuple[str | None, str | None]:
    """``2024``, ``2024-07``, ``2024-07-13`` or ``FROM..TO`` (either side may be empty)."""
    if not period or not period.strip():
        return None, None
    lo, sep, hi = period.partition("..")
    if not sep:
        return _bound(lo, False), _bound(lo, True)
    return (_bound(lo, False) if lo.strip() else None), (_bound(hi, True) if hi.strip() else None)


@dataclass
class Filters:
    """The dashboard's filters; the same object drives lists, charts and exports."""

    period: str | None = None
    country: str | None = None
    type: str | None = None
    status: str | None = None
    language: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            setattr(self, f.name, v.strip() or None if isinstance(v, str) else None)
        self.range = parse_period(self.period)
        if self.country:
            self.country = self.country.upper()

    def as_query(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def _source_ids(value: str) -> Select[Any]:
    return select(Source.id).where(or_(Source.id == value, func.lower(Source.name) == value.lower()))


def event_query(f: Filters) -> Select[Any]:
    q = select(Event)
    lo, hi = f.range
    if lo:
        q = q.where(Event.date >= lo)
    if hi:
        q = q.where(Event.date <= hi + "~")  # ISO strings compare as dates; '~' sorts after any time part
    if f.country:
        q = q.where(Event.country == f.country)
    if f.type:
        q = q.where(or_(Event.type == f.type, Event.subtype == f.type))
    if f.status:
        q = q.where(Event.status == f.status)
    if f.source:
        sids = _source_ids(f.source)
        q = q.where(
            or_(
                Event.source_id.in_(sids),
                Event.id.in_(select(EventMention.event_id).where(EventMention.source_id.in_(sids))),
            )
        )
    if f.language:
        q = q.where(
            Event.id.in_(
                select(EventMention.event_id)
                .join(Document, Document.id == EventMention.document_id)
                .where(Document.language == f.language)
            )
        )
    return q


def document_query(f: Filters) -> Select[Any]:
    q = select(Document, Source).join(Source, Source.id == Document.source_id)
    lo, hi = f.range
    if lo:
        q = q.where(Document.published_at >= dt.datetime.fromisoformat(lo))
    if hi:
        q = q.where(Document.published_at < dt.datetime.fromisoformat(hi) + dt.timedelta(days=1))
    if f.country:
        q = q.where(Source.country == f.country)
    if f.language:
        q = q.where(Document.language == f.language)
    if f.source:
        q = q.where(Source.id.in_(_source_ids(f.source)))
    return q


def page(limit: int | None, offset: int | None) -> tuple[int, int]:
    limit = 50 if limit is None else limit
    offset = offset or 0
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise FilterError(f"limit must be 1..{MAX_LIMIT} and offset 0 or more")
    return limit, offset


class Totals:
    """The totals of filtered lists, kept for a moment.

    Counting every matching row is most of the cost of a list page on a large ledger, and a client
    paging through one filter asks for the same total again and again. A total is kept for
    ``INFOSCOPE_COUNT_TTL`` seconds (default 2; 0 turns this off) and dropped at once when this
    process commits anything, so only writes made by other processes can take that long to show.
    """

    def __init__(self, ttl: float | None = None, max_entries: int = 2048) -> None:
        self.ttl = float(os.environ.get("INFOSCOPE_COUNT_TTL", "2")) if ttl is None else ttl
        self.max_entries = max_entries
        self._values: dict[tuple[int, str, str], tuple[float, int]] = {}
        self._watched: set[int] = set()
        self._lock = threading.Lock()

    def _watch(self, engine: Engine) -> None:
        if id(engine) in self._watched:
            return
        key = id(engine)

        def forget(_conn: Any) -> None:
            with self._lock:
                for k in [k for k in self._values if k[0] == key]:
                    del self._values[k]

        event.listen(engine, "commit", forget)
        self._watched.add(key)

    def count(self, conn: Any, q: Select[Any]) -> int:
        stmt = select(func.count()).select_from(q.order_by(None).subquery())
        if self.ttl <= 0:
            return conn.scalar(stmt) or 0
        engine = conn.engine if isinstance(conn, Connection) else conn.get_bind()
        compiled = stmt.compile(dialect=engine.dialect)
        key = (id(engine), str(compiled), repr(sorted(compiled.params.items())))
        now = time.monotonic()
        with self._lock:
            self._watch(engine)
            hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        n = conn.scalar(stmt) or 0
        with self._lock:
            if len(self._values) >= self.max_entries:
                self._values.clear()
            self._values[key] = (now, n)
        return n


TOTALS = Totals()


def _total(conn: Any, q: Select[Any]) -> int:
    return TOTALS.count(conn, q)


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date | dt.datetime) else v


EVENT_FIELDS = (
    "id origin type subtype form date country admin1 location lat lon participants_low participants_high "
    "participants_registered participants_observed killed injured organiser actors topic notes status "
    "independent_sources mentions source_id"
).split()


def event_dict(e: Event) -> dict[str, Any]:
    return {k: _iso(getattr(e, k)) for k in EVENT_FIELDS}


_EVENT_COLUMNS = tuple(Event.__table__.c[k] for k in EVENT_FIELDS)


def list_events(store: Store, f: Filters, limit: int | None = 50, offset: int | None = 0) -> dict[str, Any]:
    """One page of events. Plain rows, not ORM objects: the API's busiest path stays a few milliseconds."""
    limit, offset = page(limit, offset)
    q = event_query(f)
    with store.engine.connect() as c:
        total = _total(c, q)
        rows = c.execute(
            q.with_only_columns(*_EVENT_COLUMNS).order_by(Event.date, Event.id).limit(limit).offset(offset)
        )
        items = [{k: _iso(v) for k, v in zip(EVENT_FIELDS, r, strict=True)} for r in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def review_state(session: Any, item_type: str, item_id: str) -> dict[str, Any]:
    r = session.get(ReviewState, (item_type, item_id))
    if r is None:
        return {"version": 0, "status": None, "note": None, "reviewed_by": None, "reviewed_at": None}
    return {
        "version": r.version,
        "status": r.status,
        "note": r.note,
        "reviewed_by": r.reviewed_by,
        "reviewed_at": _iso(r.reviewed_at),
    }


DISAGREEABLE = ("date", "location", "country", "participants_low", "participants_high", "killed", "injured")


def event_detail(store: Store, event_id: str) -> dict[str, Any] | None:
    """An event with every mention (source, quote, values) and the values they disagree on."""
    with store.sessions() as s:
        e = s.get(Event, event_id)
        if e is None:
            return None
        rows = s.execute(
            select(EventMention, Source.name, Document.title, Document.url, Document.language)
            .outerjoin(Source, Source.id == EventMention.source_id)
            .outerjoin(Document, Document.id == EventMention.document_id)
            .where(EventMention.event_id == event_id)
            .order_by(EventMention.id)
        ).all()
        own_source = s.get(Source, e.source_id) if e.source_id else None
        mentions = [
            {
                "id": m.id,
                "source": name,
                "source_id": m.source_id,
                "document": m.document_id,
                "document_title": title,
                "url": url,
                "language": lang,
                "quote": m.quote,
                **{k: getattr(m, k) for k in ("type", "subtype", *DISAGREEABLE)},
            }
            for m, name, title, url, lang in rows
        ]
        disagreements = {}
        for k in DISAGREEABLE:
            by_value: dict[str, list[str]] = defaultdict(list)
            for m in mentions:
                if m[k] is not None:
                    by_value[str(m[k])].append(m["source"] or m["source_id"] or "unknown source")
            if len(by_value) > 1:
                disagreements[k] = [{"value": v, "sources": srcs} for v, srcs in sorted(by_value.items())]
        return {
            **event_dict(e),
            "source": own_source.name if own_source else None,
            "provenance": e.provenance,
            "review": review_state(s, "event", event_id),
            "mention_list": mentions,
            "disagreements": disagreements,
        }


def list_documents(
    store: Store, f: Filters, limit: int | None = 50, offset: int | None = 0
) -> dict[str, Any]:
    limit, offset = page(limit, offset)
    q = document_query(f)
    with store.sessions() as s:
        total = _total(s, q)
        rows = s.execute(
            q.order_by(Document.published_at.is_(None), Document.published_at, Document.id)
            .limit(limit)
            .offset(offset)
        ).all()
        items = [
            {
                "id": d.id,
                "title": d.title,
                "url": d.url,
                "published_at": _iso(d.published_at),
                "language": d.language,
                "source": src.name,
                "source_id": src.id,
                "country": src.country,
                "chars": len(d.text),
            }
            for d, src in rows
        ]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def document_detail(store: Store, doc_id: str) -> dict[str, Any] | None:
    """The document's text and every annotation with its span, event link and review state."""
    with store.sessions() as s:
        row = s.execute(
            select(Document, Source)
            .join(Source, Source.id == Document.source_id)
            .where(Document.id == doc_id)
        ).first()
        if row is None:
            return None
        d, src = row
        anns = s.execute(
            select(Annotation, Span.start, Span.end)
            .outerjoin(Span, Span.id == Annotation.span_id)
            .where(Annotation.document_id == doc_id)
            .order_by(Span.start, Annotation.id)
        ).all()
        events = dict(
            s.execute(
                select(EventMention.annotation_id, EventMention.event_id).where(
                    EventMention.document_id == doc_id
                )
            ).all()
        )
        claims = {
            r.item_id: r
            for r in s.scalars(
                select(ReviewState).where(
                    ReviewState.item_type == "claim",
                    ReviewState.item_id.in_([a.id for a, _, _ in anns if a.layer == "claims"]),
                )
            )
        }
        return {
            "id": d.id,
            "title": d.title,
            "url": d.url,
            "author": d.author,
            "published_at": _iso(d.published_at),
            "language": d.language,
            "source": src.name,
            "source_id": src.id,
            "source_kind": src.kind,
            "country": src.country,
            "origin": d.origin,
            "meta": d.meta,
            "text": d.text,
            "annotations": [
                {
                    "id": a.id,
                    "layer": a.layer,
                    "label": a.label,
                    "start": start,
                    "end": end,
                    "value": a.value,
                    "event": events.get(a.id),
                    "review_status": claims[a.id].status if a.id in claims else None,
                    "review_version": claims[a.id].version if a.id in claims else 0,
                }
                for a, start, end in anns
            ],
        }


def list_claims(store: Store, f: Filters, limit: int | None = 50, offset: int | None = 0) -> dict[str, Any]:
    """Annotations of the ``claims`` layer (empty until an annotator fills it), with review state."""
    limit, offset = page(limit, offset)
    docs = document_query(f).with_only_columns(Document.id)
    q = (
        select(Annotation, Document.title, Source.name, ReviewState.status, ReviewState.version)
        .join(Document, Document.id == Annotation.document_id)
        .join(Source, Source.id == Document.source_id)
        .outerjoin(ReviewState, (ReviewState.item_type == "claim") & (ReviewState.item_id == Annotation.id))
        .where(Annotation.layer == "claims", Annotation.document_id.in_(docs))
    )
    if f.status:
        q = q.where(ReviewState.status == f.status)
    with store.sessions() as s:
        total = _total(s, q)
        rows = s.execute(q.order_by(Annotation.document_id, Annotation.id).limit(limit).offset(offset)).all()
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "items": [
            {
                "id": a.id,
                "document": a.document_id,
                "document_title": title,
                "source": src,
                "label": a.label,
                "value": a.value,
                "review_status": status,
                "review_version": version or 0,
            }
            for a, title, src, status, version in rows
        ],
    }


def list_tallies(store: Store, f: Filters, limit: int | None = 50, offset: int | None = 0) -> dict[str, Any]:
    limit, offset = page(limit, offset)
    docs = document_query(f).with_only_columns(Document.id)
    q = (
        select(Annotation.id, Annotation.value, Document.id, Document.title, Document.url, Source.name)
        .join(Document, Document.id == Annotation.document_id)
        .join(Source, Source.id == Document.source_id)
        .where(Annotation.layer == "tallies", Annotation.document_id.in_(docs))
    )
    with store.sessions() as s:
        total = _total(s, q)
        rows = s.execute(
            q.add_columns(TallyCheck.status, TallyCheck.detail, TallyCheck.checked_at)
            .outerjoin(TallyCheck, TallyCheck.id == Annotation.id)
            .order_by(Document.published_at, Document.id, Annotation.id)
            .limit(limit)
            .offset(offset)
        ).all()
    items = [
        {
            "id": aid,
            "document": did,
            "title": title,
            "url": url,
            "source": src,
            **(value or {}),
            # what the ledger held for the same period and kinds when `infoscope link` last ran
            "ledger_check": None
            if status is None
            else {"status": status, "detail": detail, "checked_at": _iso(checked)},
        }
        for aid, value, did, title, url, src, status, detail, checked in rows
    ]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def list_factchecks(
    store: Store, f: Filters, limit: int | None = 50, offset: int | None = 0
) -> dict[str, Any]:
    limit, offset = page(limit, offset)
    q = select(FactCheck)
    if f.language:
        q = q.where(FactCheck.language == f.language)
    lo, hi = f.range
    if lo:
        q = q.where(FactCheck.published_at >= dt.datetime.fromisoformat(lo))
    if hi:
        q = q.where(FactCheck.published_at < dt.datetime.fromisoformat(hi) + dt.timedelta(days=1))
    with store.sessions() as s:
        total = _total(s, q)
        rows = s.scalars(q.order_by(FactCheck.published_at, FactCheck.id).limit(limit).offset(offset)).all()
        items = [
            {
                k: _iso(getattr(fc, k))
                for k in ("id", "claim", "title", "rating", "url", "publisher", "published_at", "language")
            }
            for fc in rows
        ]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def list_clusters(
    store: Store, coordinated: bool = False, limit: int | None = 50, offset: int | None = 0
) -> dict[str, Any]:
    from infoscope.link.clusters import cluster_timelines

    limit, offset = page(limit, offset)
    with store.sessions() as s:
        q = select(func.count()).select_from(Cluster)
        if coordinated:
            q = q.where(Cluster.coordinated.is_(True))
        total = s.scalar(q) or 0
    items = cluster_timelines(store, coordinated_only=coordinated)[offset : offset + limit]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def audit_entries(
    store: Store,
    item_type: str | None = None,
    item_id: str | None = None,
    limit: int | None = 100,
    offset: int | None = 0,
) -> dict[str, Any]:
    """The audit log, oldest first (ids sort by time)."""
    limit, offset = page(limit, offset)
    q = select(AuditEntry)
    if item_type:
        q = q.where(AuditEntry.item_type == item_type)
    if item_id:
        q = q.where(AuditEntry.item_id == item_id)
    with store.sessions() as s:
        total = _total(s, q)
        rows = s.scalars(q.order_by(AuditEntry.id).limit(limit).offset(offset)).all()
        items = [audit_dict(a) for a in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def audit_dict(a: AuditEntry) -> dict[str, Any]:
    return {
        k: _iso(getattr(a, k))
        for k in (
            "id",
            "at",
            "actor",
            "action",
            "item_type",
            "item_id",
            "field",
            "old_value",
            "new_value",
            "note",
        )
    }


def facet_values(store: Store) -> dict[str, list[str]]:
    """What the filter drop-downs offer."""
    with store.sessions() as s:

        def distinct(col: Any) -> list[str]:
            return [v for v in s.scalars(select(col).distinct().order_by(col)) if v]

        return {
            "country": distinct(Event.country),
            "type": distinct(Event.type),
            "status": distinct(Event.status),
            "language": distinct(Document.language),
            "source": distinct(Source.name),
        }

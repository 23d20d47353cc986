"""Aggregate queries over the ledger, shared by the CLI, the report and the web app."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from infoscope.model import Document, Event, Source
from infoscope.store.engine import Store


def _counts(session, column, *, limit: int | None = None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    q = select(column, func.count()).group_by(column).order_by(func.count().desc(), column)
    if limit:
        q = q.limit(limit)
    return {("unknown" if k is None else str(k)): n for k, n in session.execute(q)}


def stats(store: Store) -> dict[str, Any]:
    """Counts of the ledger's contents. Keys are a public contract: add, never rename."""
    year = func.substr(Event.date, 1, 4)
    with store.sessions() as s:
        return {
            "documents": s.scalar(select(func.count()).select_from(Document)),
            "sources": s.scalar(select(func.count()).select_from(Source)),
            "languages": _counts(s, Document.language),
            "events": s.scalar(select(func.count()).select_from(Event)),
            "documents_by_source": {
                name: n
                for name, n in s.execute(
                    select(Source.name, func.count(Document.id))
                    .join(Document, Document.source_id == Source.id)
                    .group_by(Source.name)
                    .order_by(func.count(Document.id).desc(), Source.name)
                )
            },
            "events_by_country": _counts(s, Event.country),
            "events_by_city": _counts(s, Event.location),
            "events_by_year": dict(sorted(_counts(s, year).items())),
            "events_by_type": _counts(s, Event.type),
            "events_by_form": _counts(s, Event.form),
        }

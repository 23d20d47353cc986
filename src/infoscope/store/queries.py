"""Aggregate queries over the ledger, shared by the CLI, the report and the web app."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from infoscope.model import Annotation, Cluster, Document, DocumentAnalysis, Event, Source
from infoscope.store.engine import Store


def _counts(session, column, *, where=None, limit: int | None = None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    q = select(column, func.count()).group_by(column).order_by(func.count().desc(), column)
    if where is not None:
        q = q.where(where)
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
            "corroborated_events": s.scalar(
                select(func.count()).select_from(Event).where(Event.independent_sources >= 2)
            ),
            "events_by_status": _counts(s, Event.status),
            "clusters": s.scalar(select(func.count()).select_from(Cluster)),
            "coordinated_clusters": s.scalar(
                select(func.count()).select_from(Cluster).where(Cluster.coordinated.is_(True))
            ),
            "analyzed_documents": s.scalar(
                select(func.count()).select_from(DocumentAnalysis).where(DocumentAnalysis.error.is_(None))
            ),
            "annotations": _counts(s, Annotation.layer),
            "tallies": s.scalar(
                select(func.count()).select_from(Annotation).where(Annotation.layer == "tallies")
            ),
            "event_mentions_by_type": _counts(s, Annotation.label, where=Annotation.layer == "events"),
            "places_mentioned": _counts(s, Annotation.label, where=Annotation.layer == "places", limit=50),
        }


def tallies(store: Store) -> list[dict[str, Any]]:
    """Every tally found in a document, with its document and check, in document order."""
    with store.sessions() as s:
        rows = s.execute(
            select(Annotation.value, Document.id, Document.title, Document.url, Source.name)
            .join(Document, Document.id == Annotation.document_id)
            .join(Source, Source.id == Document.source_id)
            .where(Annotation.layer == "tallies")
            .order_by(Document.published_at, Document.id, Annotation.id)
        ).all()
    return [
        {"document": doc_id, "title": title, "url": url, "source": src, **value}
        for value, doc_id, title, url, src in rows
    ]

"""Aggregate queries over the ledger, shared by the CLI, the report and the web app."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from infoscope.model import Annotation, Cluster, Document, DocumentAnalysis, Event, EventMention, Source
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
            "claims": s.scalar(
                select(func.count()).select_from(Annotation).where(Annotation.layer == "claims")
            ),
            "techniques": s.scalar(
                select(func.count()).select_from(Annotation).where(Annotation.layer == "techniques")
            ),
            "techniques_by_label": _counts(s, Annotation.label, where=Annotation.layer == "techniques"),
            "tallies": s.scalar(
                select(func.count()).select_from(Annotation).where(Annotation.layer == "tallies")
            ),
            "event_mentions_by_type": _counts(s, Annotation.label, where=Annotation.layer == "events"),
            "places_mentioned": _counts(s, Annotation.label, where=Annotation.layer == "places", limit=50),
        }


def ledger_events(store: Store, *, limit: int = 100, min_mentions: int = 1) -> list[dict[str, Any]]:
    """Ledger events with every mention: who reported what, values side by side.

    Events with the most independent sources come first: they are the ones a reader can check.
    """
    with store.sessions() as s:
        events = list(
            s.scalars(
                select(Event)
                .where(Event.mentions >= min_mentions)
                .order_by(Event.independent_sources.desc(), Event.mentions.desc(), Event.date_low, Event.id)
                .limit(limit)
            )
        )
        out = []
        for e in events:
            rows = s.execute(
                select(EventMention, Source.name, Document.title, Document.url)
                .outerjoin(Source, Source.id == EventMention.source_id)
                .outerjoin(Document, Document.id == EventMention.document_id)
                .where(EventMention.event_id == e.id)
                .order_by(Source.name, EventMention.id)
            ).all()
            out.append(
                {
                    "id": e.id,
                    "origin": e.origin,
                    "type": e.type,
                    "subtype": e.subtype,
                    "form": e.form,
                    "date": e.date,
                    "country": e.country,
                    "location": e.location,
                    "status": e.status,
                    "independent_sources": e.independent_sources,
                    "mentions": e.mentions,
                    "participants": {"low": e.participants_low, "high": e.participants_high},
                    "killed": e.killed,
                    "injured": e.injured,
                    "reports": [
                        {
                            "source": name,
                            "document": m.document_id,
                            "title": title,
                            "url": url,
                            "participants": {"low": m.participants_low, "high": m.participants_high},
                            "killed": m.killed,
                            "injured": m.injured,
                            "date": m.date,
                            "quote": m.quote,
                        }
                        for m, name, title, url in rows
                    ],
                }
            )
    return out


def rhetoric(store: Store, *, limit: int = 200) -> dict[str, list[dict[str, Any]]]:
    """Persuasion techniques (layer "techniques") and check-worthy claims (layer "claims") in documents.

    Each list is sorted by score, highest first, and cut to ``limit``; every hostile generalisation
    is kept whatever its score. A row holds the document, its source, the label, the score and the
    quoted sentence (``value["text"]``).
    """
    with store.sessions() as s:
        rows = s.execute(
            select(
                Annotation.layer, Annotation.label, Annotation.value, Document.id, Document.title, Source.name
            )
            .join(Document, Document.id == Annotation.document_id)
            .outerjoin(Source, Source.id == Document.source_id)
            .where(Annotation.layer.in_(("techniques", "claims")))
            .order_by(Annotation.id)
        ).all()
    out: dict[str, list[dict[str, Any]]] = {"techniques": [], "claims": []}
    for layer, label, value, doc_id, title, source in rows:
        value = value or {}
        score = value.get("score") if layer == "techniques" else value.get("checkworthy")
        out[layer].append(
            {
                "document": doc_id,
                "title": title,
                "source": source,
                "label": value.get("technique") or label if layer == "techniques" else label,
                "score": score if isinstance(score, int | float) else None,
                "text": value.get("text") or "",
                "start": value.get("start"),
                "end": value.get("end"),
            }
        )
    for layer, items in out.items():
        items.sort(key=lambda r: -(r["score"] or 0))
        hostile = [r for r in items[limit:] if r["label"] == "Hostile_Generalization"]
        out[layer] = items[:limit] + hostile
    return out

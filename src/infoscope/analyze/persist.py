"""Running the pipeline over stored documents and storing what it finds, one document per transaction.

Each item becomes an Annotation tied to a Span of the document (its own offsets, or its
``evidence`` span for events and tallies). Re-analysing a document replaces its annotations
whole, so a changed pipeline never leaves old and new results mixed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, select

from infoscope import vectors
from infoscope.analyze.document import AnalysisDoc
from infoscope.analyze.pipeline import CONTRACT_LAYERS, ORDER, annotators, run
from infoscope.ids import make_id
from infoscope.model import Annotation, Document, DocumentAnalysis, Span, utcnow
from infoscope.store import Store
from infoscope.store.retry import retry_write

ANNOTATOR = "infoscope"


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """A hash of the annotators' code and resources: changes whenever what they find can change."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    files = [here / f"{name}.py" for name in (*ORDER, "document", "segment")]
    files += [here / "techniques_en.py", here / "persuasion.py", here / "hostility.py"]
    files += sorted(here.glob("resources/**/*")) + sorted((here.parent / "geo").glob("*.py"))
    files += sorted((here.parent / "models").glob("**/*")) + sorted((here.parent / "propaganda").glob("*.py"))
    files += [here.parent / "language.py", here.parent / "vectors.py"]
    for f in files:
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def item_span(item: dict[str, Any]) -> tuple[int, int] | None:
    if "start" in item and "end" in item:
        return int(item["start"]), int(item["end"])
    ev = item.get("evidence")
    if isinstance(ev, dict) and "start" in ev:
        return int(ev["start"]), int(ev["end"])
    return None


def _label(layer: str, item: dict[str, Any]) -> str | None:
    """The value the ledger groups this item by (kept in a column so queries need no JSON)."""
    if layer == "places":
        value = item.get("name")
    elif layer == "dates":
        value = item.get("date")
    elif layer == "quantities":
        value = item.get("unit")
    elif layer == "actors":
        value = item.get("kind")
    elif layer == "events":
        value = "/".join(str(x) for x in (item.get("type"), item.get("subtype")) if x)
    elif layer == "tallies":
        value = item.get("counted")
    elif layer == "techniques":
        value = item.get("technique")
    elif layer == "claims":
        value = "checkworthy"
    else:
        value = None
    return None if value in (None, "") else str(value)[:200]


@dataclass
class AnalyzeSummary:
    analyzed: int = 0
    failed: int = 0
    items: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "analyzed": self.analyzed,
            "failed": self.failed,
            "items": self.items,
            "errors": [{"document": d, "error": e} for d, e in self.errors[:50]],
        }


def result_layers(doc: AnalysisDoc) -> dict[str, Any]:
    """The layers that are stored: all a worker needs to send back to the client."""
    keep = {layer: doc.layers.get(layer) or [] for layer in CONTRACT_LAYERS}
    if doc.layers.get("tone"):
        keep["tone"] = doc.layers["tone"]
    keep["vector"] = vectors.head_vector(doc.text)  # for link's cross-language search (not a layer)
    return keep


def result_rows(doc_id: str, layers: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Span and annotation rows for one analysed document: one function for every way of storing."""
    spans: dict[tuple[int, int], str] = {}
    rows: list[dict[str, Any]] = []
    stored = {layer: layers.get(layer) or [] for layer in CONTRACT_LAYERS}
    if layers.get("tone"):
        stored["tone"] = [layers["tone"]]  # one item: the document's score with its sentences
    for layer, items in stored.items():
        for i, item in enumerate(items):
            se = item_span(item)
            span_id = None
            if se is not None:
                span_id = spans.setdefault(se, make_id("spn", doc_id, se[0], se[1]))
            label = _label(layer, item)
            rows.append(
                {
                    "id": make_id("ann", doc_id, layer, i, se),
                    "document_id": doc_id,
                    "span_id": span_id,
                    "layer": layer,
                    "label": None if label is None else str(label)[:200],
                    "value": item,
                    "annotator": ANNOTATOR,
                }
            )
    span_rows = [{"id": sid, "document_id": doc_id, "start": s, "end": e} for (s, e), sid in spans.items()]
    return span_rows, rows


def analysis_row(doc_id: str, items: int, error: str | None = None) -> dict[str, Any]:
    """The document_analyses row saying this pipeline version has seen the document."""
    return {
        "document_id": doc_id,
        "version": pipeline_version(),
        "analyzed_at": utcnow(),
        "items": items,
        "error": error,
    }


def store_result(
    store: Store, doc_id: str, doc: AnalysisDoc, on_stored: Callable[[Connection], None] | None = None
) -> int:
    """Replace the document's annotations with ``doc.layers``; returns the number of items.

    ``on_stored`` runs inside the same transaction (a job's progress counter).
    """
    layers = result_layers(doc)
    span_rows, rows = result_rows(doc_id, layers)
    vector = vectors.row(doc_id, layers["vector"])
    with store.engine.begin() as conn:
        conn.execute(delete(Annotation).where(Annotation.document_id == doc_id))
        conn.execute(delete(Span).where(Span.document_id == doc_id))
        conn.execute(delete(DocumentAnalysis).where(DocumentAnalysis.document_id == doc_id))
        if span_rows:
            conn.execute(insert(Span), span_rows)
        if rows:
            conn.execute(insert(Annotation), rows)
        conn.execute(insert(DocumentAnalysis), [analysis_row(doc_id, len(rows))])
        if vector:
            vectors.replace(conn, [vector])
        if on_stored:
            on_stored(conn)
    return len(rows)


def _pending(everything: bool, since: dt.datetime | None) -> Select[tuple[str]]:
    q = select(Document.id)
    if not everything or since is not None:
        # correlated, so each document is looked up by key: a NOT IN list would be rebuilt per page
        done = select(DocumentAnalysis.document_id).where(
            DocumentAnalysis.document_id == Document.id,
            DocumentAnalysis.version == pipeline_version(),
            DocumentAnalysis.error.is_(None),
        )
        if everything:
            done = done.where(DocumentAnalysis.analyzed_at >= since)
        q = q.where(~done.exists())
    return q


def count_pending(store: Store, *, everything: bool = False, since: dt.datetime | None = None) -> int:
    """How many documents ``iter_pending`` would give now (for a progress bar's total)."""
    with store.sessions() as s:
        return s.scalar(select(func.count()).select_from(_pending(everything, since).subquery())) or 0


def iter_pending(
    store: Store, *, everything: bool = False, since: dt.datetime | None = None, page: int = 1000
) -> Iterator[str]:
    """Ids of documents to analyse, in id order, read a page at a time.

    Never analysed or analysed by another pipeline version. ``everything`` takes every document;
    with ``since`` (when an interrupted ``--all`` run started) it leaves out those this pipeline
    version analysed from then on, so the run resumes. Pages are read by key (ids after the last
    one seen), each in a short transaction: a corpus of millions is never held in memory, and no
    read stays open while the analysis writes.
    """
    if page < 1:
        raise ValueError(f"page must be at least 1, not {page}")
    q = _pending(everything, since).order_by(Document.id).limit(page)
    last: str | None = None
    while True:
        with store.sessions() as s:
            ids = list(s.scalars(q if last is None else q.where(Document.id > last)))
        yield from ids
        if len(ids) < page:
            return
        last = ids[-1]


def pending_documents(
    store: Store, *, everything: bool = False, since: dt.datetime | None = None
) -> list[str]:
    """``iter_pending`` as a list, for callers that hold small stores."""
    return list(iter_pending(store, everything=everything, since=since))


def analyze_stored(
    store: Store,
    doc_ids: Iterable[str],
    on_doc: Callable[[str, bool], None] | None = None,
    on_stored: Callable[[Connection], None] | None = None,
) -> AnalyzeSummary:
    """Analyse stored documents; one failing document is recorded and the rest go on."""
    annotators()  # load and check the pipeline once, before the first document
    summary = AnalyzeSummary()
    for doc_id in doc_ids:
        with store.sessions() as s:
            d = s.get(Document, doc_id)
            if d is None:
                continue
            adoc = AnalysisDoc(
                text=d.text, id=d.id, source=d.origin, language=d.language, published=d.published_at
            )
        try:
            run(adoc)
            retry_write(lambda: store_result(store, doc_id, adoc, on_stored))  # noqa: B023 (called at once)
        except Exception as exc:  # one bad document never sinks the batch
            reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            summary.failed += 1
            summary.errors.append((doc_id, reason))
            retry_write(lambda: _record_error(store, doc_id, reason))  # noqa: B023 (called at once)
            if on_doc:
                on_doc(doc_id, False)
            continue
        summary.analyzed += 1
        for layer in CONTRACT_LAYERS:
            summary.items[layer] = summary.items.get(layer, 0) + len(adoc.layers.get(layer, []))
        if on_doc:
            on_doc(doc_id, True)
    return summary


def _record_error(store: Store, doc_id: str, reason: str) -> None:
    """Note that this pipeline version failed on the document, and why."""
    with store.engine.begin() as conn:
        conn.execute(delete(DocumentAnalysis).where(DocumentAnalysis.document_id == doc_id))
        conn.execute(
            insert(DocumentAnalysis),
            [
                {
                    "document_id": doc_id,
                    "version": pipeline_version(),
                    "analyzed_at": utcnow(),
                    "items": 0,
                    "error": reason,
                }
            ],
        )

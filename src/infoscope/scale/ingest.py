"""``infoscope ingest --engine dask``: reading, decoding and language detection on the workers.

The client expands the inputs and cuts them into tasks: JSON Lines shards by runs of lines and
Parquet shards by record batches (their bytes travel to the workers), other files by small groups
of paths (the workers read them: a shared filesystem on a real cluster). URLs, stdin, CSV and TSV
are read on the client, as the local engine reads them. Results come back in input order and the
client stores them with the local engine's ``DocumentWriter``: the same ids, the same de-duplication
(the first copy of a text is the one kept), one transaction per document. At most ``window`` tasks
are in flight, so memory does not grow with the corpus.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from infoscope import language as langid
from infoscope.ingest.parquet import batch_documents, batches
from infoscope.ingest.records import IncomingDocument, Problem
from infoscope.ingest.run import (
    DocumentWriter,
    IngestOptions,
    IngestSummary,
    Item,
    expand_inputs,
    normalised_text,
    read_input,
    store_item,
)
from infoscope.ingest.tabular import bounded_lines, read_jsonl, resolve_columns

CHUNK_LINES = 500  # JSON Lines per task
CHUNK_ROWS = 500  # Parquet rows per task
FILES_PER_TASK = 20  # whole-file inputs (text, HTML, feeds, JSON) per task
CLIENT_SIDE = (".csv", ".tsv")  # streamed with a sniffed header: read where they are opened

Named = list[tuple[str, list[Item]]]  # (input name, its items) in input order


def _prepared(items: Iterable[Item], opts: IngestOptions) -> list[Item]:
    """Worker side: the text as it will be stored and its language, the CPU work of storing."""
    out: list[Item] = []
    for item in items:
        if isinstance(item, IncomingDocument):
            text = normalised_text(item.text)
            item.text = text
            if text.strip() and len(text) <= opts.max_text_chars:
                item.language = langid.normalise_code(item.language) or langid.detect(text)[0]
        out.append(item)
    return out


def _guarded(origin: str, read: Callable[[], Iterable[Item]], opts: IngestOptions) -> list[Item]:
    items: list[Item] = []
    try:
        for item in read():
            items.append(item)
    except Exception as exc:  # a reader bug must not sink the batch (as in read_input)
        items.append(Problem(origin, f"reader error: {type(exc).__name__}: {exc}"))
    return _prepared(items, opts)


def read_jsonl_chunk(
    lines: list[bytes], origin: str, first_line: int, columns: dict[str, str] | None, opts: IngestOptions
) -> Named:
    return [
        (
            origin,
            _guarded(
                origin,
                lambda: read_jsonl(lines, origin, opts.mapping, first_line=first_line, columns=columns),
                opts,
            ),
        )
    ]


def read_parquet_chunk(
    batch: Any, origin: str, columns: dict[str, str], first_row: int, opts: IngestOptions
) -> Named:
    return [(origin, _guarded(origin, lambda: batch_documents(batch, origin, columns, first_row), opts))]


def read_files(paths: Sequence[str], opts: IngestOptions) -> Named:
    """Worker side: whole files by path, through the local engine's own ``read_input``."""
    return [(p, _prepared(read_input(p, opts, lambda _u: False), opts)) for p in paths]


class _Local:
    """A unit read on the client when its turn comes (URLs, stdin, CSV, problems)."""

    def __init__(self, name: str, items: Callable[[], Iterable[Item]]) -> None:
        self.name, self.items = name, items

    def result(self) -> Named:
        return [(self.name, list(self.items()))]


def _fixed_columns(lines: list[bytes], opts: IngestOptions) -> dict[str, str] | None:
    """The columns a whole-file read settles on at the first record with a text column, if here."""
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):  # what read_jsonl reports as a bad line
            continue
        if isinstance(record, dict):
            cols = resolve_columns(record.keys(), opts.mapping)
            if "text" in cols:
                return cols
    return None


def _units(
    inputs: Iterable[str], opts: IngestOptions, writer: DocumentWriter, submit: Callable[..., Any]
) -> Iterator[Any]:
    """Tasks (futures) and client-side units, in input order, created as they are consumed."""
    group: list[str] = []
    for given in expand_inputs(inputs):
        if isinstance(given, str) and not given.startswith(("http://", "https://")) and given != "-":
            suffix = Path(given).suffix.lower()
            if suffix not in (".jsonl", ".ndjson", ".parquet", *CLIENT_SIDE):
                group.append(given)
                if len(group) >= FILES_PER_TASK:
                    yield submit(read_files, list(group), opts)
                    group.clear()
                continue
        if group:
            yield submit(read_files, list(group), opts)
            group.clear()
        if isinstance(given, Problem):
            yield _Local(given.origin, lambda g=given: [g])
        elif (
            given.startswith(("http://", "https://"))
            or given == "-"
            or Path(given).suffix.lower() in CLIENT_SIDE
        ):
            yield _Local(given, lambda g=given: read_input(g, opts, writer.url_known))
        elif Path(given).suffix.lower() == ".parquet":
            yield from _parquet_units(given, opts, submit)
        else:
            yield from _jsonl_units(given, opts, submit)
    if group:
        yield submit(read_files, list(group), opts)


def _jsonl_units(path: str, opts: IngestOptions, submit: Callable[..., Any]) -> Iterator[Any]:
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, after the last chunk is cut
    except OSError as exc:
        problem = Problem(path, f"cannot read: {exc.strerror or exc}")
        yield _Local(path, lambda: [problem])
        return
    with fh:
        first, fixed = 1, None
        stream = bounded_lines(fh)  # an over-long line travels as a marker, as a whole-file read sees it
        while lines := list(islice(stream, CHUNK_LINES)):
            yield submit(read_jsonl_chunk, lines, path, first, fixed, opts)
            fixed = fixed or _fixed_columns(lines, opts)
            first += len(lines)


def _parquet_units(path: str, opts: IngestOptions, submit: Callable[..., Any]) -> Iterator[Any]:
    import pyarrow as pa

    row = 0
    try:
        for names, batch in batches(path, CHUNK_ROWS):
            yield submit(read_parquet_chunk, batch, path, resolve_columns(names, opts.mapping), row, opts)
            row += batch.num_rows
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:  # as read_parquet says it
        problem = Problem(path, f"not a readable Parquet file: {str(exc).splitlines()[0]}")
        yield _Local(path, lambda: [problem])


def ingest_distributed(
    store: Any,
    inputs: Iterable[str],
    client: Any,
    opts: IngestOptions | None = None,
    *,
    window: int | None = None,
    on_input: Callable[[str], None] | None = None,
    on_item: Callable[[str, str], None] | None = None,
    on_stored: Callable[[Any], None] | None = None,
) -> IngestSummary:
    """Ingest on the cluster behind ``client``; stores what ``ingest.run.ingest`` stores."""
    from infoscope.scale.cluster import worker_count

    opts = opts or IngestOptions()
    writer = DocumentWriter(store, opts, on_stored)
    summary = IngestSummary()
    window = window or 2 * worker_count(client)

    def submit(fn: Callable[..., Named], *args: Any) -> Any:
        return client.submit(fn, *args, pure=False)

    units = _units(inputs, opts, writer, submit)
    ahead: deque[Any] = deque(islice(units, window))
    while ahead:
        unit = ahead.popleft()
        ahead.extend(islice(units, 1))  # keep the workers busy while the client writes
        named = unit.result()
        if not isinstance(unit, _Local):
            unit.release()
        for name, items in named:
            if on_input:
                on_input(name)
            for item in items:
                origin, status = store_item(writer, summary, item)
                if on_item:
                    on_item(origin, status)
    return summary

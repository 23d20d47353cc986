"""JSON Lines, JSON and CSV: one document per record, columns mapped to document fields.

Columns are found by common names (text, content, body, title, url, ...) unless a mapping
names them: ``--map text=article_body`` on the command line or a ``[columns]`` table in a
TOML file. Columns that map to no field are kept in the document's ``meta``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from infoscope.ingest.dates import parse_published
from infoscope.ingest.records import IncomingDocument, Problem, SourceInfo

ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "article", "full_text", "maintext", "document"),
    "title": ("title", "headline"),
    "url": ("url", "link", "href"),
    "author": ("author", "byline", "authors"),
    "published_at": ("published_at", "published", "date", "pubdate", "date_publish", "datetime", "timestamp"),
    "language": ("language", "lang"),
    "source": ("source", "outlet", "source_name", "publisher", "site_name"),
    "source_country": ("source_country", "country"),
    "source_kind": ("source_kind",),
    "source_domain": ("source_domain", "domain"),
    "source_owner": ("source_owner", "owner"),
}
FIELDS = tuple(ALIASES)
MAX_FIELD = 50_000_000
MAX_LINE_BYTES = 50_000_000  # a longer line is refused without being held in memory whole
csv.field_size_limit(MAX_FIELD)
# what json.loads raises on hostile input besides JSONDecodeError: integers of over 4300 digits
# (ValueError), nesting deeper than the recursion limit (RecursionError)
_BAD_JSON = (ValueError, UnicodeDecodeError, RecursionError)


def resolve_columns(columns: Iterable[str], mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Field -> column name: the mapping where it names a column this input has, else the aliases."""
    cols = list(columns)
    lower = {c.lower().strip(): c for c in cols}
    found: dict[str, str] = {}
    for fld in FIELDS:
        if mapping and fld in mapping and mapping[fld] in cols:
            found[fld] = mapping[fld]
            continue
        for alias in ALIASES[fld]:
            if alias in lower:
                found[fld] = lower[alias]
                break
    return found


def _record_to_document(
    record: Mapping[str, Any], columns: dict[str, str], origin: str, raw: bytes, media_type: str
) -> IncomingDocument | Problem:
    if "text" not in columns:
        return Problem(origin, "no text column (looked for text, content, body; give --map text=COLUMN)")
    text = record.get(columns["text"])
    if not isinstance(text, str) or not text.strip():
        return Problem(origin, "empty text", failed=False)

    def get(fld: str) -> str | None:
        col = columns.get(fld)
        val = record.get(col) if col else None
        if val is None or val == "":
            return None
        if isinstance(val, list):
            val = ", ".join(str(v) for v in val)
        return str(val)

    used = set(columns.values())
    meta = {k: v for k, v in record.items() if k not in used}
    published_raw = get("published_at")
    published = parse_published(published_raw)
    if published_raw and published is None:
        meta["published_raw"] = published_raw
    source = None
    if get("source"):
        source = SourceInfo(
            name=get("source") or "",
            kind=get("source_kind") or "unknown",
            country=(get("source_country") or "").upper()[:2] or None,
            domain=get("source_domain"),
            owner=get("source_owner"),
        )
    return IncomingDocument(
        origin=origin,
        text=text,
        title=get("title"),
        author=get("author"),
        published_at=published,
        language=get("language"),
        url=get("url"),
        source=source,
        raw=raw,
        media_type=media_type,
        meta=meta,
    )


def read_jsonl(
    stream: Iterable[bytes],
    origin: str,
    mapping: Mapping[str, str] | None = None,
    *,
    first_line: int = 1,
    columns: dict[str, str] | None = None,
) -> Iterator[IncomingDocument | Problem]:
    """Stream a JSON Lines file: memory stays flat however long the file is.

    ``first_line`` and ``columns`` let a worker read one chunk of a file exactly as a whole-file
    read would: the chunk's line numbers and the columns fixed by an earlier line.
    """
    lines = bounded_lines(stream) if hasattr(stream, "readline") else stream
    for lineno, line in enumerate(lines, start=first_line):
        item_origin = f"{origin}#L{lineno}"
        if isinstance(line, LineTooLong):
            yield Problem(item_origin, f"line longer than {line.limit} bytes")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except _BAD_JSON as exc:
            yield Problem(item_origin, f"not valid JSON: {_json_error(exc)}")
            continue
        if not isinstance(record, dict):
            yield Problem(item_origin, "JSON line is not an object")
            continue
        cols = (
            resolve_columns(record.keys(), mapping) if columns is None or "text" not in columns else columns
        )
        columns = cols
        yield _record_to_document(record, cols, item_origin, line.rstrip(b"\r\n"), "application/x-ndjson")


def read_json(
    data: bytes, origin: str, mapping: Mapping[str, str] | None = None
) -> Iterator[IncomingDocument | Problem]:
    """A JSON document holding one object or an array of objects."""
    try:
        value = json.loads(data)
    except _BAD_JSON as exc:
        yield Problem(origin, f"not valid JSON: {_json_error(exc)}")
        return
    records = value if isinstance(value, list) else [value]
    for i, record in enumerate(records):
        item_origin = f"{origin}#{i}" if isinstance(value, list) else origin
        if not isinstance(record, dict):
            yield Problem(item_origin, "JSON item is not an object")
            continue
        raw = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        yield _record_to_document(
            record, resolve_columns(record.keys(), mapping), item_origin, raw, "application/json"
        )


def read_csv(
    stream: IO[bytes], origin: str, mapping: Mapping[str, str] | None = None, delimiter: str | None = None
) -> Iterator[IncomingDocument | Problem]:
    """Stream a CSV (or TSV) file with a header row."""
    from infoscope.ingest.decode import detect_encoding

    head = stream.read(65536)
    try:
        encoding = detect_encoding(head)
    except ValueError as exc:
        yield Problem(origin, str(exc), failed=False)
        return
    sample = head.decode(encoding, errors="replace")
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(sample[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    body = io.BufferedReader(_Prepend(head, stream))  # stream on: memory stays flat
    text = io.TextIOWrapper(body, encoding=encoding, errors="replace", newline="")
    too_long: list[int] = []  # line numbers of lines refused for their length
    reader = csv.DictReader(_bounded_text_lines(text, MAX_LINE_BYTES, too_long), delimiter=delimiter)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        yield Problem(origin, f"not valid CSV: {exc}")
        return
    if not fieldnames:
        yield Problem(origin, "CSV has no header row")
        return
    columns = resolve_columns(fieldnames, mapping)
    rowno = 1
    while True:
        rowno += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over the limit, say: this row only
            yield Problem(f"{origin}#row{rowno}", f"not valid CSV: {exc}")
            continue
        finally:
            while too_long:
                yield Problem(
                    f"{origin}#line{too_long.pop(0)}", f"line longer than {MAX_LINE_BYTES} characters"
                )
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter).writerow([row.get(f, "") for f in reader.fieldnames])
        yield _record_to_document(
            row, columns, f"{origin}#row{rowno}", buf.getvalue().encode("utf-8"), "text/csv"
        )


def _json_error(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


class LineTooLong(bytes):
    """Stands in for a line over the limit, which was skipped, not read into memory."""

    limit: int = MAX_LINE_BYTES


def bounded_lines(stream: IO[bytes], limit: int | None = None) -> Iterator[bytes]:
    """The stream's lines; a line over ``limit`` bytes (default MAX_LINE_BYTES) becomes an empty ``LineTooLong``."""
    limit = limit or MAX_LINE_BYTES
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of it, a block at a time
                line = stream.readline(1 << 20)
            marker = LineTooLong()
            marker.limit = limit
            yield marker
            continue
        yield line


def _bounded_text_lines(text: IO[str], limit: int, too_long: list[int]) -> Iterator[str]:
    """Text lines for the CSV reader; one over ``limit`` characters is noted and read as blank."""
    lineno = 0
    while True:
        line = text.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            while line and not line.endswith(("\n", "\r")):
                line = text.readline(1 << 20)
            too_long.append(lineno)
            yield "\n"  # a blank line: the CSV reader skips it
            continue
        yield line


class _Prepend(io.RawIOBase):
    """A byte stream that replays ``head`` and then continues with ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        chunk = self._rest.read(len(b))
        b[: len(chunk)] = chunk
        return len(chunk)

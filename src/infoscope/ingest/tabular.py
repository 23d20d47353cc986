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
csv.field_size_limit(MAX_FIELD)


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
    stream: IO[bytes], origin: str, mapping: Mapping[str, str] | None = None
) -> Iterator[IncomingDocument | Problem]:
    """Stream a JSON Lines file: memory stays flat however long the file is."""
    columns: dict[str, str] | None = None
    for lineno, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        item_origin = f"{origin}#L{lineno}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Problem(item_origin, f"not valid JSON: {exc}")
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
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield Problem(origin, f"not valid JSON: {exc}")
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
    reader = csv.DictReader(
        io.TextIOWrapper(body, encoding=encoding, errors="replace", newline=""), delimiter=delimiter
    )
    if not reader.fieldnames:
        yield Problem(origin, "CSV has no header row")
        return
    columns = resolve_columns(reader.fieldnames, mapping)
    for rowno, row in enumerate(reader, start=2):
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter).writerow([row.get(f, "") for f in reader.fieldnames])
        yield _record_to_document(
            row, columns, f"{origin}#row{rowno}", buf.getvalue().encode("utf-8"), "text/csv"
        )


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

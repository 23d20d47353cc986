"""The ingestion run: expand inputs, pick a reader, de-duplicate, store one document per transaction.

A bad input yields a Problem and the run goes on; a document is either stored whole with its
source or not at all. Re-ingesting the same URL, or the same text from the same source, is a no-op.
"""

from __future__ import annotations

import glob
import io
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

from sqlalchemy import Connection, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from infoscope import language as langid
from infoscope.ids import content_hash, make_id
from infoscope.ingest.clean import clean_document
from infoscope.ingest.decode import NotText
from infoscope.ingest.feed import looks_like_feed, read_feed
from infoscope.ingest.fetch import FetchError, fetch
from infoscope.ingest.html import read_html
from infoscope.ingest.parquet import MEDIA_TYPE as PARQUET_MEDIA_TYPE
from infoscope.ingest.parquet import read_parquet
from infoscope.ingest.records import Duplicate, IncomingDocument, Problem, SourceInfo
from infoscope.ingest.registry import SourceRegistry, bare_domain
from infoscope.ingest.tabular import read_csv, read_json, read_jsonl
from infoscope.ingest.text import read_text
from infoscope.model import Document, Source, utcnow
from infoscope.store import Store
from infoscope.store.retry import retry_write

TEXT_EXT = {".txt", ".text", ".md", ".markdown", ".rst"}
HTML_EXT = {".html", ".htm", ".xhtml"}
FEED_EXT = {".rss", ".atom", ".xml"}
UNKNOWN_SOURCE = SourceInfo(name="unknown source", kind="unknown")

Item = IncomingDocument | Problem | Duplicate


@dataclass
class IngestOptions:
    source: str | None = None  # attribute every document to this source
    registry: SourceRegistry = field(default_factory=SourceRegistry)
    mapping: dict[str, str] | None = None  # field -> column for JSON Lines / CSV
    allow_private: bool = False
    max_file_bytes: int = 50_000_000  # whole-file formats (HTML, feeds, text)
    max_text_chars: int = 5_000_000  # per document
    timeout: float = 30.0


@dataclass
class IngestSummary:
    ingested: int = 0
    duplicates: int = 0
    skipped: int = 0
    failed: int = 0
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (status, origin, reason)

    def note(self, status: str, origin: str, reason: str) -> None:
        self.reasons[(status, reason)] += 1
        if len(self.examples) < 50:
            self.examples.append((status, origin, reason))

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def as_dict(self) -> dict[str, object]:
        return {
            "ingested": self.ingested,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "failed": self.failed,
            "reasons": [{"status": s, "reason": r, "count": n} for (s, r), n in self.reasons.most_common()],
        }


# --- inputs -------------------------------------------------------------------------------


def expand_inputs(inputs: Iterable[str]) -> Iterator[str | Problem]:
    """Paths, directories (recursively, sorted, hidden files left out), URLs and '-' for stdin."""
    for given in inputs:
        if given == "-" or given.startswith(("http://", "https://")):
            yield given
            continue
        path = Path(given)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path).parts
                if p.is_file() and not any(part.startswith(".") for part in rel):
                    yield str(p)
        elif path.is_file():
            yield given
        elif path.exists():
            yield Problem(given, "not a regular file", failed=False)
        elif glob.has_magic(given):  # shards: "corpus/part-*.parquet", "dump/**/*.jsonl"
            matches = sorted(glob.glob(given, recursive=True))
            if matches:
                yield from expand_inputs(matches)
            else:
                yield Problem(given, "no files match this pattern")
        else:
            yield Problem(given, "no such file or directory")


def read_bytes(
    data: bytes,
    origin: str,
    opts: IngestOptions,
    *,
    suffix: str = "",
    media_type: str = "",
    url: str | None = None,
    charset: str | None = None,
) -> Iterator[Item]:
    """Choose a reader by media type, file suffix and a look at the first bytes."""
    head = data[:2048].lstrip()
    if media_type in ("application/rss+xml", "application/atom+xml") or (
        (suffix in FEED_EXT or media_type.endswith("xml") or head.startswith(b"<?xml"))
        and looks_like_feed(head)
    ):
        yield from read_feed(data, origin)
    elif (
        suffix in HTML_EXT
        or media_type in ("text/html", "application/xhtml+xml")
        or (suffix not in TEXT_EXT and head[:15].lower().startswith((b"<!doctype html", b"<html")))
    ):
        yield from read_html(data, origin, url=url, charset=charset)
    elif suffix == ".parquet" or media_type == PARQUET_MEDIA_TYPE or (data[:4] == data[-4:] == b"PAR1"):
        yield from read_parquet(io.BytesIO(data), origin, opts.mapping)
    elif suffix in (".jsonl", ".ndjson") or media_type in ("application/x-ndjson", "application/jsonl"):
        yield from read_jsonl(io.BytesIO(data), origin, opts.mapping)
    elif suffix == ".json" or media_type == "application/json":
        yield from read_json(data, origin, opts.mapping)
    elif suffix in (".csv", ".tsv") or media_type in ("text/csv", "text/tab-separated-values"):
        yield from read_csv(io.BytesIO(data), origin, opts.mapping, "\t" if suffix == ".tsv" else None)
    else:
        for doc in read_text(
            data, origin, "text/markdown" if suffix in (".md", ".markdown") else "text/plain"
        ):
            if url and not doc.url:
                doc.url = url
            yield doc


def read_input(given: str, opts: IngestOptions, known_url: Callable[[str], bool]) -> Iterator[Item]:
    """All items from one expanded input; any error becomes a Problem for that input."""
    try:
        if given == "-":
            yield from read_bytes(
                sys.stdin.buffer.read(opts.max_file_bytes + 1)[: opts.max_file_bytes], "stdin", opts
            )
        elif given.startswith(("http://", "https://")):
            if known_url(given):
                yield Duplicate(given)
                return
            got = fetch(
                given, allow_private=opts.allow_private, max_bytes=opts.max_file_bytes, timeout=opts.timeout
            )
            suffix = Path(urlparse(got.url).path).suffix.lower()
            yield from read_bytes(
                got.data,
                given,
                opts,
                suffix=suffix,
                media_type=got.media_type,
                url=got.url,
                charset=got.charset,
            )
        else:
            path = Path(given)
            suffix = path.suffix.lower()
            size = path.stat().st_size
            if suffix in (".jsonl", ".ndjson", ".csv", ".tsv"):
                with path.open("rb") as stream:  # streamed: no size limit on the file as a whole
                    yield from _stream_table(stream, given, suffix, opts)
                return
            if suffix == ".parquet":  # streamed by record batches
                yield from read_parquet(given, given, opts.mapping)
                return
            if size > opts.max_file_bytes:
                yield Problem(given, f"file larger than {opts.max_file_bytes} bytes")
                return
            yield from read_bytes(path.read_bytes(), given, opts, suffix=suffix)
    except NotText as exc:
        yield Problem(given, str(exc), failed=False)
    except FetchError as exc:
        yield Problem(given, str(exc))
    except OSError as exc:
        yield Problem(given, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # a reader bug must not sink the batch
        yield Problem(given, f"reader error: {type(exc).__name__}: {exc}")


def _stream_table(stream: IO[bytes], origin: str, suffix: str, opts: IngestOptions) -> Iterator[Item]:
    if suffix in (".jsonl", ".ndjson"):
        yield from read_jsonl(stream, origin, opts.mapping)
    else:
        yield from read_csv(stream, origin, opts.mapping, "\t" if suffix == ".tsv" else None)


# --- storing ------------------------------------------------------------------------------


def resolve_source(doc: IncomingDocument, opts: IngestOptions) -> SourceInfo:
    """Who published ``doc``: the forced source, the input's own, the registry, the URL's domain."""
    reg = opts.registry
    domain = urlparse(doc.url).hostname if doc.url else None
    if opts.source:
        return reg.find(opts.source) or SourceInfo(name=opts.source)
    if doc.source is not None:
        return reg.find(doc.source.name, doc.source.domain) or doc.source
    if doc.source_name:
        return reg.find(doc.source_name) or SourceInfo(
            name=doc.source_name, domain=bare_domain(domain) if domain else None
        )
    if domain:
        return reg.find(domain=domain) or SourceInfo(
            name=bare_domain(domain), kind="outlet", domain=bare_domain(domain)
        )
    return UNKNOWN_SOURCE


def document_id(doc: IncomingDocument, opts: IngestOptions) -> str:
    """The id the document has (or would have) in the store."""
    return make_id("doc", source_id(resolve_source(doc, opts)), content_hash(doc.text))


def source_id(info: SourceInfo) -> str:
    return make_id("src", info.name.casefold().strip())


def normalised_text(text: str) -> str:
    """Stored text has Unix line ends, so offsets mean the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Built once: statements with bound parameters compile once and are reused from the cache.
_SEEN_TEXT = (
    select(Document.url)
    .where(Document.source_id == bindparam("sid"), Document.content_hash == bindparam("h"))
    .limit(1)
)
_SEEN_URL = (
    select(Document.url)
    .where(
        or_(
            (Document.source_id == bindparam("sid")) & (Document.content_hash == bindparam("h")),
            Document.url == bindparam("url"),
        )
    )
    .limit(1)
)
_INSERT_DOCUMENT = insert(Document)


class DocumentWriter:
    """Stores incoming documents, one transaction each, creating their sources on first sight."""

    def __init__(
        self, store: Store, opts: IngestOptions, on_stored: Callable[[Connection], None] | None = None
    ) -> None:
        self.store = store
        self.opts = opts
        self.on_stored = on_stored  # runs in each stored document's transaction (the job's counter)
        self._sources: set[str] = set()

    def url_known(self, url: str) -> bool:
        with self.store.engine.connect() as c:
            return c.execute(select(Document.id).where(Document.url == url)).first() is not None

    def _ensure_source(self, conn: Connection, info: SourceInfo) -> str:
        sid = source_id(info)
        if sid in self._sources:
            return sid
        row = conn.execute(select(Source).where(Source.id == sid)).first()
        values = {k: getattr(info, k) for k in ("kind", "country", "language", "domain", "owner")}
        if row is None:
            conn.execute(insert(Source).values(id=sid, name=info.name, created_at=utcnow(), **values))
        else:  # fill what an earlier, vaguer mention of the source left empty
            fill = {
                k: v
                for k, v in values.items()
                if v and (getattr(row, k) in (None, "") or (k == "kind" and row.kind == "unknown"))
            }
            if fill:
                conn.execute(update(Source).where(Source.id == sid).values(**fill))
        self._sources.add(sid)
        return sid

    def write(self, doc: IncomingDocument, *, again: bool = False) -> tuple[str, str]:
        """Store ``doc``; returns (status, reason) with status ingested, duplicate, skipped or failed."""
        doc = clean_document(doc)  # NUL and lone surrogates would make the insert fail
        text = normalised_text(doc.text)
        if not text.strip():
            return "skipped", "empty"
        if len(text) > self.opts.max_text_chars:
            return "failed", f"text longer than {self.opts.max_text_chars} characters"
        info = resolve_source(doc, self.opts)
        chash = content_hash(text)
        lang = langid.normalise_code(doc.language) or langid.detect(text)[0]
        try:
            with self.store.engine.begin() as s:  # Core, not the ORM: this is the hot path
                sid = self._ensure_source(s, info)
                seen = s.execute(
                    _SEEN_URL if doc.url else _SEEN_TEXT, {"sid": sid, "h": chash, "url": doc.url}
                ).first()
                if seen is not None:
                    if doc.url and seen.url == doc.url:
                        return "duplicate", "URL already ingested"
                    return "duplicate", "same text from the same source already ingested"
                s.execute(
                    _INSERT_DOCUMENT,
                    [
                        dict(
                            id=make_id("doc", sid, chash),
                            source_id=sid,
                            url=doc.url,
                            origin=doc.origin,
                            title=(doc.title or None),
                            author=doc.author,
                            published_at=doc.published_at,
                            language=lang,
                            text=text,
                            content_hash=chash,
                            raw=doc.raw,
                            media_type=doc.media_type,
                            meta=doc.meta or {},
                            ingested_at=utcnow(),
                        )
                    ],
                )
                if self.on_stored:
                    self.on_stored(s)
        except IntegrityError:
            self._sources.clear()
            if not again:  # maybe only the source was created meanwhile by another run: look again
                return self.write(doc, again=True)
            return "duplicate", "stored concurrently by another run"
        except Exception:
            self._sources.clear()  # the source this transaction created was rolled back with it
            raise
        return "ingested", ""


def ingest(
    store: Store,
    inputs: Iterable[str],
    opts: IngestOptions | None = None,
    on_input: Callable[[str], None] | None = None,
    on_item: Callable[[str, str], None] | None = None,
    on_stored: Callable[[Connection], None] | None = None,
) -> IngestSummary:
    """Ingest every input; ``on_input``/``on_item`` report progress to the caller."""
    opts = opts or IngestOptions()
    writer = DocumentWriter(store, opts, on_stored)
    summary = IngestSummary()
    for given in expand_inputs(inputs):
        if isinstance(given, Problem):
            items: Iterable[Item] = [given]
            name = given.origin
        else:
            items = read_input(given, opts, writer.url_known)
            name = given
        if on_input:
            on_input(name)
        for item in items:
            origin, status = store_item(writer, summary, item)
            if on_item:
                on_item(origin, status)
    return summary


def store_item(writer: DocumentWriter, summary: IngestSummary, item: Item) -> tuple[str, str]:
    """Write one item (or count its problem); returns (origin, status). Shared by every engine."""
    if isinstance(item, Problem):
        status, reason, origin = ("failed" if item.failed else "skipped"), item.reason, item.origin
    elif isinstance(item, Duplicate):
        status, reason, origin = "duplicate", item.reason, item.origin
    else:
        origin = item.origin
        try:
            status, reason = retry_write(lambda: writer.write(item))  # noqa: B023 (called at once)
        except Exception as exc:  # storage errors of one document must not sink the batch
            status, reason = (
                "failed",
                f"cannot store: {type(exc).__name__}: {str(exc).splitlines()[0]}",
            )
    if status == "ingested":
        summary.ingested += 1
    elif status == "duplicate":
        summary.duplicates += 1
        summary.note(status, origin, reason)
    elif status == "skipped":
        summary.skipped += 1
        summary.note(status, origin, reason)
    else:
        summary.failed += 1
        summary.note(status, origin, reason)
    return origin, status

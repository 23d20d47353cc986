"""Contributions: documents and event reports sent in by contributors, unverified until reviewed.

Documents go through the same ingest code as the CLI, attributed to a source named after the
contributor (kind ``community``). Event reports become ledger events with origin
``contribution`` and status ``reported``: nothing a contributor sends is ever verified by itself.
Uploads are size-limited and must be text, Markdown, HTML or JSON (checked by name, declared
type and content).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from sqlalchemy import insert

from infoscope.ids import make_id
from infoscope.ingest.records import IncomingDocument, SourceInfo
from infoscope.ingest.registry import SourceRegistry
from infoscope.ingest.run import DocumentWriter, IngestOptions, document_id, read_bytes
from infoscope.model import AuditEntry, Event, utcnow
from infoscope.store import Store
from infoscope.store.retry import retry_write
from infoscope.web.accounts import Principal, audit_id

MAX_UPLOAD_BYTES = 5_000_000
ALLOWED_SUFFIXES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".json": "application/json",
}
ALLOWED_TYPES = {
    "text/plain",
    "text/markdown",
    "text/html",
    "application/json",
    "text/x-markdown",
    "application/octet-stream",
    "",
}  # browsers send octet-stream for unknown suffixes
EVENT_TYPES = (
    "Protests",
    "Riots",
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Strategic developments",
    "Information activity",
)
_URL = re.compile(r"^https?://[^\s<>\"']{1,1990}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ContributionError(ValueError):
    """A contribution refused; ``status`` is the HTTP status (413 too large, 415 wrong type, 422)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass
class DocumentResult:
    ingested: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ingested": self.ingested, "duplicates": self.duplicates, "problems": self.problems}


def contributor_source(user: Principal) -> SourceInfo:
    return SourceInfo(name=f"contributor: {user.name}", kind="community")


def check_links(links: str | list[str] | None) -> list[str]:
    items = links.split() if isinstance(links, str) else list(links or [])
    if len(items) > 20:
        raise ContributionError("at most 20 links")
    for u in items:
        if not _URL.match(u):
            raise ContributionError(f"not an http(s) link: {u[:100]!r}")
    return items


def check_upload(up: Upload, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The file's suffix when it is an allowed type of an allowed size, else ContributionError."""
    if len(up.data) > max_bytes:
        raise ContributionError(f"file larger than {max_bytes // 1_000_000} MB", 413)
    suffix = PurePath(up.filename or "").suffix.lower()
    ctype = (up.content_type or "").split(";")[0].strip().lower()
    if suffix not in ALLOWED_SUFFIXES or ctype not in ALLOWED_TYPES | {ALLOWED_SUFFIXES[suffix]}:
        raise ContributionError("only text, Markdown, HTML and JSON files are accepted", 415)
    if b"\x00" in up.data[:65536]:
        raise ContributionError("the file is binary, not text", 415)
    try:
        up.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContributionError("the file is not UTF-8 text", 415) from exc
    return suffix


def contribute_document(
    store: Store,
    user: Principal,
    *,
    text: str | None = None,
    title: str | None = None,
    links: str | list[str] | None = None,
    upload: Upload | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> DocumentResult:
    """Ingest a contributor's text and/or file as documents of their own source."""
    link_list = check_links(links)
    if not (text and text.strip()) and upload is None:
        raise ContributionError("give a text or a file")
    if text and len(text.encode("utf-8")) > max_bytes:
        raise ContributionError(f"text larger than {max_bytes // 1_000_000} MB", 413)
    opts = IngestOptions(
        source=contributor_source(user).name,
        registry=SourceRegistry([contributor_source(user)]),
        max_text_chars=max_bytes,
    )
    meta = {"contributed_by": user.name, "links": link_list}
    docs: list[IncomingDocument] = []
    result = DocumentResult()
    if text and text.strip():
        docs.append(
            IncomingDocument(
                origin=f"contribution:{user.name}",
                text=text,
                title=(title or "").strip()[:500] or None,
                media_type="text/plain",
                raw=text.encode("utf-8"),
            )
        )
    if upload is not None:
        suffix = check_upload(upload, max_bytes)
        origin = f"contribution:{user.name}:{os.path.basename(upload.filename)[:200]}"
        for item in read_bytes(upload.data, origin, opts, suffix=suffix, media_type=ALLOWED_SUFFIXES[suffix]):
            if isinstance(item, IncomingDocument):
                if title and not item.title:
                    item.title = title.strip()[:500]
                docs.append(item)
            else:
                result.problems.append(getattr(item, "reason", "unreadable"))
    writer = DocumentWriter(store, opts)
    for doc in docs[:1000]:
        doc.meta = {**(doc.meta or {}), **meta}
        status, reason = retry_write(lambda: writer.write(doc))  # noqa: B023 (called at once)
        did = document_id(doc, opts)
        if status == "ingested":
            result.ingested.append(did)
            _audit(store, user, "document", did, "contributed document")
        elif status == "duplicate":
            result.duplicates.append(did)
        else:
            result.problems.append(reason)
    return result


def _int(v: Any, name: str) -> int | None:
    if v in (None, ""):
        return None
    try:
        n = int(v)
    except (TypeError, ValueError) as exc:
        raise ContributionError(f"{name} must be a whole number") from exc
    if not 0 <= n <= 100_000_000:
        raise ContributionError(f"{name} out of range")
    return n


def contribute_event(store: Store, user: Principal, report: dict[str, Any]) -> str:
    """Store an event report as a ledger event (origin contribution, status reported); returns its id."""

    def text(name: str, limit: int) -> str | None:
        v = report.get(name)
        if v is None:
            return None
        v = str(v).strip()
        if len(v) > limit:
            raise ContributionError(f"{name} has at most {limit} characters")
        return v or None

    etype = text("type", 60)
    if etype not in EVENT_TYPES:
        raise ContributionError(f"type must be one of: {', '.join(EVENT_TYPES)}")
    date = text("date", 10)
    if not date or not _DATE.match(date):
        raise ContributionError("date must be YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(date)
    except ValueError as exc:
        raise ContributionError("date must be a real day") from exc
    country = text("country", 60)
    if country:
        from infoscope.geo.gazetteer import gazetteer

        code = gazetteer().country(country)
        if code is None:
            raise ContributionError(f"unknown country: {country!r}")
        country = code
    description = text("description", 20_000)
    if not description:
        raise ContributionError("describe what happened")
    participants = _int(report.get("participants"), "participants")
    links = check_links(report.get("links"))
    now = utcnow()
    eid = make_id("evt", "contribution", user.name, now.isoformat(), description, os.urandom(4).hex())

    def write() -> None:  # the event and its audit entry, in one transaction
        with store.engine.begin() as conn:
            conn.execute(
                insert(Event).values(
                    id=eid,
                    fingerprint=eid,
                    origin="contribution",
                    type=etype,
                    subtype=text("subtype", 80),
                    form=text("form", 60),
                    date=date,
                    date_low=day,
                    date_high=day,
                    country=country,
                    location=text("location", 300),
                    participants_low=participants,
                    participants_high=participants,
                    participants_text=None if participants is None else str(participants),
                    killed=_int(report.get("killed"), "killed"),
                    injured=_int(report.get("injured"), "injured"),
                    organiser=text("organiser", 2000),
                    actors=[],
                    notes=description,
                    status="reported",
                    independent_sources=1,
                    mentions=1,
                    source_id=None,
                    provenance={"contributed_by": user.name, "links": links, "submitted_at": now.isoformat()},
                    created_at=now,
                )
            )
            conn.execute(
                insert(AuditEntry).values(
                    id=audit_id(),
                    at=now,
                    actor=user.name,
                    action="contribute",
                    item_type="event",
                    item_id=eid,
                    field="status",
                    old_value=None,
                    new_value="reported",
                    note="contributed event report",
                )
            )

    retry_write(write)
    return eid


def _audit(store: Store, user: Principal, item_type: str, item_id: str, note: str) -> None:
    retry_write(lambda: _write_audit(store, user, item_type, item_id, note))


def _write_audit(store: Store, user: Principal, item_type: str, item_id: str, note: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            insert(AuditEntry).values(
                id=audit_id(),
                at=utcnow(),
                actor=user.name,
                action="contribute",
                item_type=item_type,
                item_id=item_id,
                note=note,
            )
        )

"""The REST API under /api/v1: read the ledger, review it, contribute to it.

Lists take ``limit`` (1..500) and ``offset`` and answer ``{total, limit, offset, items}``; the
dashboard's filters (period, country, type, status, language, source) apply where they mean
something. Reading needs a signed-in user or token, or the public-read setting; writing needs
the role named on each endpoint.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from infoscope.store.queries import stats as ledger_stats
from infoscope.web import data
from infoscope.web.accounts import Principal, create_user
from infoscope.web.auth import reader, require
from infoscope.web.contributions import ContributionError, Upload, contribute_document, contribute_event
from infoscope.web.exports import FORMATS, MEDIA_TYPES, export_events
from infoscope.web.review import REVIEW_STATUSES, ReviewError, audit_jsonl, set_review

router = APIRouter(prefix="/api/v1")

Limit = Annotated[int, Query(ge=1, le=data.MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0)]


async def filters(
    period: str | None = None,
    country: str | None = None,
    type: str | None = None,
    status: str | None = None,
    language: str | None = None,
    source: str | None = None,
) -> data.Filters:
    """The dashboard's filters. ``period``: YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO.

    Async because it only parses: a plain function would cost every request a trip to the thread pool."""
    try:
        return data.Filters(period, country, type, status, language, source)
    except data.FilterError as exc:
        raise HTTPException(422, str(exc)) from exc


Flt = Annotated[data.Filters, Depends(filters)]
Reader = Annotated[Principal, Depends(reader)]


def _store(request: Request) -> Any:
    return request.app.state.store


def page_response(page: dict[str, Any]) -> JSONResponse:
    """A list page as JSON, skipping FastAPI's generic re-encoding: the data layer already returns
    plain values, and re-walking every field of every item was a large share of a list request."""
    return JSONResponse(page)


@router.get("/stats", tags=["read"])
def stats(request: Request, _u: Reader) -> dict[str, Any]:
    return ledger_stats(_store(request))


@router.get("/documents", tags=["read"])
def documents(request: Request, _u: Reader, f: Flt, limit: Limit = 50, offset: Offset = 0) -> JSONResponse:
    return page_response(data.list_documents(_store(request), f, limit, offset))


@router.get("/documents/{doc_id}", tags=["read"])
def document(request: Request, doc_id: str, _u: Reader) -> dict[str, Any]:
    d = data.document_detail(_store(request), doc_id)
    if d is None:
        raise HTTPException(404, "no such document")
    return d


@router.get("/events", tags=["read"])
def events(request: Request, _u: Reader, f: Flt, limit: Limit = 50, offset: Offset = 0) -> JSONResponse:
    return page_response(data.list_events(_store(request), f, limit, offset))


@router.get("/events/export", tags=["read"])
def events_export(request: Request, _u: Reader, f: Flt, format: str = "csv") -> StreamingResponse:
    """The filtered events as csv, jsonl, geojson or acled-csv."""
    if format not in FORMATS:
        raise HTTPException(422, f"format must be one of {', '.join(FORMATS)}")
    buf = io.StringIO()
    export_events(_store(request), buf, format, f)
    ext = {"acled-csv": "csv"}.get(format, format)
    return StreamingResponse(
        iter([buf.getvalue()]),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="infoscope-events.{ext}"'},
    )


@router.get("/events/{event_id}", tags=["read"])
def event(request: Request, event_id: str, _u: Reader) -> dict[str, Any]:
    e = data.event_detail(_store(request), event_id)
    if e is None:
        raise HTTPException(404, "no such event")
    return e


@router.get("/tallies", tags=["read"])
def tallies(request: Request, _u: Reader, f: Flt, limit: Limit = 50, offset: Offset = 0) -> JSONResponse:
    return page_response(data.list_tallies(_store(request), f, limit, offset))


@router.get("/claims", tags=["read"])
def claims(request: Request, _u: Reader, f: Flt, limit: Limit = 50, offset: Offset = 0) -> JSONResponse:
    return page_response(data.list_claims(_store(request), f, limit, offset))


@router.get("/clusters", tags=["read"])
def clusters(
    request: Request, _u: Reader, coordinated: bool = False, limit: Limit = 50, offset: Offset = 0
) -> JSONResponse:
    return page_response(data.list_clusters(_store(request), coordinated, limit, offset))


@router.get("/factchecks", tags=["read"])
def factchecks(request: Request, _u: Reader, f: Flt, limit: Limit = 50, offset: Offset = 0) -> JSONResponse:
    return page_response(data.list_factchecks(_store(request), f, limit, offset))


# --- audit -----------------------------------------------------------------------------------


@router.get("/audit", tags=["review"], response_model=None)
def audit(
    request: Request,
    _u: Annotated[Principal, Depends(require("viewer"))],
    item_type: str | None = None,
    item_id: str | None = None,
    format: str = "json",
    limit: Annotated[int, Query(ge=1, le=data.MAX_LIMIT)] = 100,
    offset: Offset = 0,
) -> dict[str, Any] | StreamingResponse:
    """The append-only audit log (signed-in users only: it names reviewers). ``format=jsonl``: all of it."""
    if format == "jsonl":
        return StreamingResponse(
            audit_jsonl(_store(request)),
            media_type="application/x-ndjson",
            headers={"Content-Disposition": 'attachment; filename="infoscope-audit.jsonl"'},
        )
    if format != "json":
        raise HTTPException(422, "format must be json or jsonl")
    return data.audit_entries(_store(request), item_type, item_id, limit, offset)


# --- review ----------------------------------------------------------------------------------


class ReviewIn(BaseModel):
    status: str = Field(description=f"one of {', '.join(REVIEW_STATUSES)}")
    note: str | None = Field(default=None, max_length=5000)
    version: int = Field(ge=0, description="the review version this decision is based on (0: never reviewed)")


def _review(request: Request, item_type: str, item_id: str, body: ReviewIn, user: Principal) -> Any:
    try:
        return set_review(_store(request), item_type, item_id, body.status, body.note, body.version, user)
    except ReviewError as exc:
        return JSONResponse({"detail": str(exc), "current": exc.current}, status_code=exc.status)


@router.post("/events/{event_id}/review", tags=["review"])
def review_event(
    request: Request, event_id: str, body: ReviewIn, user: Annotated[Principal, Depends(require("reviewer"))]
) -> Any:
    """Set an event's status (verified, disputed, rejected) with a note. 409 when the version is stale."""
    return _review(request, "event", event_id, body, user)


@router.post("/claims/{claim_id}/review", tags=["review"])
def review_claim(
    request: Request, claim_id: str, body: ReviewIn, user: Annotated[Principal, Depends(require("reviewer"))]
) -> Any:
    """Set a claim's status (verified, disputed, rejected) with a note. 409 when the version is stale."""
    return _review(request, "claim", claim_id, body, user)


# --- contributions ---------------------------------------------------------------------------


class EventReportIn(BaseModel):
    type: str
    date: str = Field(description="YYYY-MM-DD")
    description: str = Field(max_length=20_000)
    country: str | None = None
    location: str | None = None
    participants: int | None = Field(default=None, ge=0)
    killed: int | None = Field(default=None, ge=0)
    injured: int | None = Field(default=None, ge=0)
    organiser: str | None = None
    links: list[str] = Field(default_factory=list)


@router.post("/contributions/events", tags=["contribute"], status_code=201)
def contribute_event_api(
    request: Request, body: EventReportIn, user: Annotated[Principal, Depends(require("contributor"))]
) -> dict[str, Any]:
    """Report an event; it enters the ledger as reported (unverified) and awaits review."""
    try:
        eid = contribute_event(_store(request), user, body.model_dump())
    except ContributionError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    return {"id": eid, "status": "reported"}


@router.post("/contributions/documents", tags=["contribute"], status_code=201)
async def contribute_document_api(
    request: Request,
    user: Annotated[Principal, Depends(require("contributor"))],
    text: Annotated[str | None, Form()] = None,
    title: Annotated[str | None, Form()] = None,
    links: Annotated[str | None, Form(description="http(s) links separated by spaces")] = None,
    file: Annotated[UploadFile | None, File(description="text, Markdown, HTML or JSON, at most 5 MB")] = None,
) -> dict[str, Any]:
    """Send a document (text and/or a file); it is ingested under a source named after you."""
    upload = await read_upload(request, file)
    try:
        from starlette.concurrency import run_in_threadpool

        result = await run_in_threadpool(
            contribute_document,
            _store(request),
            user,
            text=text,
            title=title,
            links=links,
            upload=upload,
            max_bytes=request.app.state.settings.max_upload_bytes,
        )
    except ContributionError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    return result.as_dict()


async def read_upload(request: Request, file: UploadFile | None) -> Upload | None:
    """Read at most the size limit plus one byte, so an oversized file is refused without buffering it all."""
    if file is None or not file.filename:
        return None
    limit = request.app.state.settings.max_upload_bytes
    blob = await file.read(limit + 1)
    if len(blob) > limit:
        raise HTTPException(413, f"file larger than {limit // 1_000_000} MB")
    return Upload(file.filename, file.content_type or "", blob)


# --- users (admin) -------------------------------------------------------------------------------


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: str
    password: str | None = Field(default=None, min_length=8, max_length=1000)


@router.post("/users", tags=["admin"], status_code=201)
def add_user(
    request: Request, body: UserIn, user: Annotated[Principal, Depends(require("admin"))]
) -> dict[str, str]:
    """Add a person or change their role (admins only)."""
    from infoscope.errors import InfoscopeError

    try:
        p = create_user(_store(request), body.name, body.role, body.password, actor=user.name)
    except InfoscopeError as exc:
        raise HTTPException(422, str(exc)) from exc
    return {"id": p.id, "name": p.name, "role": p.role}

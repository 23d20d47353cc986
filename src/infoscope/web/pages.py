"""Server-rendered pages: sign-in, dashboard, documents, events with review, contributions, audit.

Templates autoescape; the only markup built in Python is the highlighted document text
(``security.highlight``, which escapes every segment) and the SVG timeline (``charts``).
Every POST checks the session's CSRF token before anything else.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from infoscope.web import charts, data
from infoscope.web.accounts import Principal, authenticate
from infoscope.web.api import read_upload
from infoscope.web.auth import current_user, reader, require
from infoscope.web.contributions import EVENT_TYPES, ContributionError, contribute_document, contribute_event
from infoscope.web.exports import FORMATS, event_points
from infoscope.web.review import REVIEW_STATUSES, ReviewError, set_review
from infoscope.web.security import csrf_ok, csrf_token, highlight

router = APIRouter()
Reader = Annotated[Principal, Depends(reader)]


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    user = current_user(request)
    return request.app.state.templates.TemplateResponse(
        request,
        name,
        {"user": user, "csrf": csrf_token(request), **ctx},
        status_code=status_code,
    )


def check_csrf(request: Request, token: str | None) -> None:
    if not csrf_ok(request, token):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def _filters(request: Request) -> data.Filters:
    q = request.query_params
    try:
        return data.Filters(
            *(q.get(k) for k in ("period", "country", "type", "status", "language", "source"))
        )
    except data.FilterError as exc:
        raise HTTPException(422, str(exc)) from exc


# --- sign-in ----------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only paths in this app: never an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", response_model=None)
def login(
    request: Request,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token_: Annotated[str, Form(alias="csrf_token")] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_csrf(request, csrf_token_)
    limiter = request.app.state.login_limiter
    key = f"{request.client.host if request.client else '?'}|{name.strip().casefold()}"
    wait = limiter.blocked(key)
    if wait:
        return render(
            request,
            "login.html",
            429,
            next=_safe_next(next),
            error=f"too many failed sign-ins: try again in {int(wait) + 1} s",
        )
    user = authenticate(request.app.state.store, name, password)
    if user is None:
        limiter.fail(key)
        return render(request, "login.html", 401, next=_safe_next(next), error="wrong name or password")
    limiter.reset(key)
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["uid"] = user.id
    csrf_token(request)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf_token_: Annotated[str, Form(alias="csrf_token")] = "") -> RedirectResponse:
    check_csrf(request, csrf_token_)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# --- dashboard --------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, _u: Reader) -> HTMLResponse:
    store = request.app.state.store
    f = _filters(request)
    events = data.list_events(store, f, limit=200)
    ev_days, doc_days = charts.daily_counts(store, f)
    query = urlencode(f.as_query())
    return render(
        request,
        "dashboard.html",
        f=f,
        facets=data.facet_values(store),
        events=events,
        points=event_points(store, f),
        timeline=charts.timeline_svg(ev_days, doc_days),
        breakdowns={k: charts.bar_rows(v) for k, v in charts.breakdowns(store, f).items()},
        tallies=data.list_tallies(store, f, limit=50),
        exports=[
            (fmt, f"/api/v1/events/export?{urlencode({**f.as_query(), 'format': fmt})}") for fmt in FORMATS
        ],
        query=query,
    )


# --- documents ----------------------------------------------------------------------------------


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, _u: Reader, offset: int = 0) -> HTMLResponse:
    f = _filters(request)
    docs = data.list_documents(request.app.state.store, f, limit=100, offset=max(offset, 0))
    return render(request, "documents.html", f=f, docs=docs, query=urlencode(f.as_query()))


def _mark_title(a: dict[str, Any]) -> str:
    v = a.get("value") or {}
    bits = [a["layer"]]
    if a.get("label"):
        bits.append(str(a["label"]))
    for k in ("value", "date", "technique", "counted"):
        if k in v and v[k] not in (None, "") and str(v[k]) != str(a.get("label")):
            bits.append(f"{k}: {v[k]}")
    if a.get("review_status"):
        bits.append(f"review: {a['review_status']}")
    return " · ".join(bits)[:300]


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str, _u: Reader) -> HTMLResponse:
    d = data.document_detail(request.app.state.store, doc_id)
    if d is None:
        raise HTTPException(404, "no such document")
    marks = [
        {
            "start": a["start"],
            "end": a["end"],
            "layer": a["layer"],
            "title": _mark_title(a),
            "href": f"/events/{quote(a['event'])}" if a.get("event") else None,
        }
        for a in d["annotations"]
        if a["layer"] not in ("quantities",)
    ]
    layers = sorted({a["layer"] for a in d["annotations"]})
    return render(request, "document.html", d=d, text=highlight(d["text"], marks), layers=layers)


# --- events -------------------------------------------------------------------------------------


@router.get("/events", response_class=HTMLResponse)
def events(request: Request, _u: Reader, offset: int = 0) -> HTMLResponse:
    f = _filters(request)
    evs = data.list_events(request.app.state.store, f, limit=100, offset=max(offset, 0))
    return render(request, "events.html", f=f, events=evs, query=urlencode(f.as_query()))


def _event_page(
    request: Request, event_id: str, status_code: int = 200, error: str | None = None
) -> HTMLResponse:
    store = request.app.state.store
    e = data.event_detail(store, event_id)
    if e is None:
        raise HTTPException(404, "no such event")
    history = data.audit_entries(store, "event", event_id, limit=500)
    return render(
        request, "event.html", status_code, e=e, history=history, statuses=REVIEW_STATUSES, error=error
    )


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str, _u: Reader) -> HTMLResponse:
    return _event_page(request, event_id)


@router.post("/events/{event_id}/review", response_model=None)
def review_event(
    request: Request,
    event_id: str,
    user: Annotated[Principal, Depends(require("reviewer", csrf_header=False))],
    status: Annotated[str, Form()],
    version: Annotated[int, Form(ge=0)],
    note: Annotated[str, Form(max_length=5000)] = "",
    csrf_token_: Annotated[str, Form(alias="csrf_token")] = "",
) -> Response:
    check_csrf(request, csrf_token_)
    try:
        set_review(request.app.state.store, "event", event_id, status, note, version, user)
    except ReviewError as exc:
        if exc.status == 404:
            raise HTTPException(404, str(exc)) from exc
        return _event_page(request, event_id, exc.status, str(exc))
    return RedirectResponse(f"/events/{quote(event_id)}", status_code=303)


@router.post("/claims/{claim_id}/review", response_model=None)
def review_claim(
    request: Request,
    claim_id: str,
    user: Annotated[Principal, Depends(require("reviewer", csrf_header=False))],
    status: Annotated[str, Form()],
    version: Annotated[int, Form(ge=0)],
    document: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=5000)] = "",
    csrf_token_: Annotated[str, Form(alias="csrf_token")] = "",
) -> Response:
    check_csrf(request, csrf_token_)
    try:
        set_review(request.app.state.store, "claim", claim_id, status, note, version, user)
    except ReviewError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    return RedirectResponse(f"/documents/{quote(document)}", status_code=303)


# --- contributions -------------------------------------------------------------------------------


@router.get("/contribute", response_class=HTMLResponse)
def contribute_form(
    request: Request, _u: Annotated[Principal, Depends(require("contributor"))]
) -> HTMLResponse:
    return render(request, "contribute.html", types=EVENT_TYPES, message=None, error=None)


@router.post("/contribute/document", response_model=None)
async def contribute_document_form(
    request: Request,
    user: Annotated[Principal, Depends(require("contributor", csrf_header=False))],
    text: Annotated[str, Form()] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    links: Annotated[str, Form(max_length=50_000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    csrf_token_: Annotated[str, Form(alias="csrf_token")] = "",
) -> Response:
    check_csrf(request, csrf_token_)
    try:
        upload = await read_upload(request, file)
        result = await run_in_threadpool(
            contribute_document,
            request.app.state.store,
            user,
            text=text,
            title=title,
            links=links,
            upload=upload,
            max_bytes=request.app.state.settings.max_upload_bytes,
        )
    except ContributionError as exc:
        return render(request, "contribute.html", exc.status, types=EVENT_TYPES, message=None, error=str(exc))
    except HTTPException as exc:
        return render(
            request,
            "contribute.html",
            exc.status_code,
            types=EVENT_TYPES,
            message=None,
            error=str(exc.detail),
        )
    msg = (
        f"received: {len(result.ingested)} new document(s), {len(result.duplicates)} already known"
        + (f"; problems: {'; '.join(result.problems)}" if result.problems else "")
        + ". It is unverified until a reviewer looks at it."
    )
    return render(
        request, "contribute.html", types=EVENT_TYPES, message=msg, error=None, docs=result.ingested
    )


@router.post("/contribute/event", response_model=None)
def contribute_event_form(
    request: Request,
    user: Annotated[Principal, Depends(require("contributor", csrf_header=False))],
    type: Annotated[str, Form()],
    date: Annotated[str, Form()],
    description: Annotated[str, Form()],
    country: Annotated[str, Form()] = "",
    location: Annotated[str, Form()] = "",
    participants: Annotated[str, Form()] = "",
    organiser: Annotated[str, Form()] = "",
    links: Annotated[str, Form()] = "",
    csrf_token_: Annotated[str, Form(alias="csrf_token")] = "",
) -> Response:
    check_csrf(request, csrf_token_)
    report = {
        "type": type,
        "date": date,
        "description": description,
        "country": country,
        "location": location,
        "participants": participants,
        "organiser": organiser,
        "links": links,
    }
    try:
        eid = contribute_event(request.app.state.store, user, report)
    except ContributionError as exc:
        return render(request, "contribute.html", exc.status, types=EVENT_TYPES, message=None, error=str(exc))
    return RedirectResponse(f"/events/{quote(eid)}", status_code=303)


# --- audit ------------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request, _u: Annotated[Principal, Depends(require("viewer"))], offset: int = 0
) -> HTMLResponse:
    entries = data.audit_entries(request.app.state.store, limit=200, offset=max(offset, 0))
    return render(request, "audit.html", entries=entries)

"""The application factory: one store, settings, sessions, security headers, routers, static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio.to_thread
import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from infoscope import __version__
from infoscope.store import Store, open_store
from infoscope.store.retry import StillLocked
from infoscope.web.security import HEADERS, RateLimiter, SecurityHeaders
from infoscope.web.settings import Settings

HERE = Path(__file__).parent


class BodyLimit:
    """Refuse request bodies over the upload limit (plus room for form fields) before reading them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.limit):
                resp = JSONResponse({"detail": "request too large"}, status_code=413, headers=HEADERS)
                await resp(scope, receive, send)
                return
            received = 0

            async def limited() -> Any:
                nonlocal received
                msg = await receive()
                if msg["type"] == "http.request":
                    received += len(msg.get("body", b""))
                    if received > self.limit:
                        raise StarletteHTTPException(413, "request too large")
                return msg

            await self.app(scope, limited, send)
            return
        await self.app(scope, receive, send)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"


def create_app(
    db_url: str | None = None,
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    public_read: bool | None = None,
) -> FastAPI:
    """The web app over the store at ``db_url`` (``--db`` / INFOSCOPE_DB / ./infoscope.db)."""
    settings = settings or Settings.from_env(public_read=public_read)
    if public_read is not None:
        settings.public_read = public_read

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, settings.threads)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="infoscope",
        version=__version__,
        description="The infoscope ledger: documents, events, tallies, claims, clusters, fact-checks, "
        "reviews. Bearer tokens come from `infoscope token create NAME`.",
        docs_url=None,  # the interactive docs load scripts from a CDN, which the CSP forbids
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store or open_store(db_url)
    app.state.settings = settings
    app.state.login_limiter = RateLimiter(settings.login_attempts, settings.login_window_s)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True, undefined=jinja2.Undefined
    )
    templates = Jinja2Templates(env=env)
    templates.env.globals["version"] = __version__
    app.state.templates = templates

    from infoscope.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="infoscope_session",
        max_age=12 * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + 1_000_000)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not _wants_html(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 401 and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return _error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(StillLocked)
    async def busy(request: Request, exc: StillLocked) -> Response:
        """Writers kept the database busy through every retry: say so, and when to come back."""
        if not _wants_html(request):
            return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})
        return _error_page(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if not _wants_html(request):
            return JSONResponse({"detail": _plain(exc.errors())}, status_code=422)
        return _error_page(
            request, 422, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        )

    return app


def _plain(errors: Any) -> Any:
    """Validation errors without the raw input (it may be a whole uploaded document)."""
    return [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in errors]


def _error_page(request: Request, status: int, message: str) -> Response:
    from infoscope.web.pages import render

    return render(request, "error.html", status, status=status, message=message)

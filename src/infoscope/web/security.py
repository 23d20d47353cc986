"""Defences that do not depend on who is asking: headers, CSRF tokens, login rate limit, escaping.

Documents are hostile input. Highlighted text is built here by escaping every segment; nothing
else in the app marks document text safe.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """Every response gets a strict CSP (no inline script, nothing from elsewhere) and friends.

    Plain ASGI rather than BaseHTTPMiddleware: it only adds headers, and the latter's extra task per
    request cost the API a measurable share of its latency.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = scope["path"].startswith(("/api/", "/login", "/logout"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in HEADERS.items():
                    headers.setdefault(k, v)
                if no_store:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)


# --- CSRF --------------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (forms embed it in a hidden field)."""
    tok = request.session.get("csrf")
    if not tok:
        tok = secrets.token_urlsafe(32)
        request.session["csrf"] = tok
    return tok


def csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and submitted and hmac.compare_digest(str(expected), str(submitted)))


# --- login rate limit ----------------------------------------------------------------------------


class RateLimiter:
    """At most ``attempts`` failures per ``window`` seconds per key (client address + user name)."""

    def __init__(self, attempts: int = 5, window: float = 60.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, key: str) -> float:
        """Seconds until ``key`` may try again (0 when it may now)."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(key, now)
            if len(q) < self.attempts:
                return 0.0
            return max(0.0, q[0] + self.window - now)

    def fail(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._failures) > 100_000:  # bound memory under a flood of names
                for k in [k for k, q in self._failures.items() if not q][:50_000]:
                    del self._failures[k]

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


# --- highlighting ---------------------------------------------------------------------------------

_LAYER = re.compile(r"[^a-z_]")


def highlight(text: str, marks: Iterable[dict[str, Any]]) -> Markup:
    """The text with each mark as ``<mark class="hl-LAYER" title=...>``, every piece escaped.

    ``marks`` are dicts with start, end, layer, title and optionally href (a path in this app).
    Overlapping marks: the earlier (then longer) one wins; the others stay listed beside the text.
    """
    spans = sorted(
        (m for m in marks if m.get("start") is not None and m.get("end") is not None),
        key=lambda m: (m["start"], -(m["end"] - m["start"])),
    )
    out: list[str] = []
    pos = 0
    n = len(text)
    for m in spans:
        start, end = int(m["start"]), int(m["end"])
        if start < pos or not 0 <= start < end <= n:
            continue
        out.append(str(escape(text[pos:start])))
        layer = _LAYER.sub("", str(m.get("layer", "")).lower())[:30]
        inner = str(escape(text[start:end]))
        href = m.get("href")
        if href and str(href).startswith("/") and not str(href).startswith("//"):
            inner = f'<a href="{escape(href)}">{inner}</a>'
        out.append(
            f'<mark class="hl hl-{layer}" title="{escape(m.get("title") or layer)}" '
            f'data-layer="{layer}">{inner}</mark>'
        )
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))

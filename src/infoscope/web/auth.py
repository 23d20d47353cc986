"""Who is asking and what they may do: bearer tokens, session sign-in, roles, CSRF on cookies.

A request is authenticated by ``Authorization: Bearer <token>`` or by the signed session
cookie. Cookie-authenticated writes must carry the session's CSRF token (a form field, or the
``X-CSRF-Token`` header for API calls); bearer requests need none, as browsers never add them.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException, Request

from infoscope.web.accounts import Principal, principal_by_id, principal_for_token
from infoscope.web.security import csrf_ok

ANONYMOUS = Principal("", "anonymous", "anonymous")


def current_user(request: Request) -> Principal | None:
    cached = getattr(request.state, "principal", False)
    if cached is not False:
        return cached
    store = request.app.state.store
    principal: Principal | None = None
    request.state.via_token = False
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "use Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"})
        principal = principal_for_token(store, token.strip())
        if principal is None:
            raise HTTPException(401, "invalid token", {"WWW-Authenticate": "Bearer"})
        request.state.via_token = True
    elif "session" in request.scope and request.session.get("uid"):
        principal = principal_by_id(store, request.session["uid"])
    request.state.principal = principal
    return principal


def reader(request: Request) -> Principal:
    """Anyone signed in; anonymous visitors too when the app is public-read."""
    user = current_user(request)
    if user is not None:
        return user
    if request.app.state.settings.public_read:
        return ANONYMOUS
    raise HTTPException(401, "sign in or send a bearer token", {"WWW-Authenticate": "Bearer"})


def require(role: str, csrf_header: bool = True) -> Callable[[Request], Principal]:
    """A dependency admitting ``role`` and above.

    Cookie-authenticated API writes must send the CSRF header; form handlers pass
    ``csrf_header=False`` and check the form's hidden field themselves.
    """

    def dependency(request: Request) -> Principal:
        user = current_user(request)
        if user is None:
            raise HTTPException(401, "sign in or send a bearer token", {"WWW-Authenticate": "Bearer"})
        if not user.can(role):
            raise HTTPException(403, f"this needs the {role} role (you are {user.role})")
        if csrf_header and request.method not in ("GET", "HEAD", "OPTIONS") and not request.state.via_token:
            if not csrf_ok(request, request.headers.get("x-csrf-token")):
                raise HTTPException(403, "missing or wrong CSRF token")
        return user

    return dependency

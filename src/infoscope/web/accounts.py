"""People and API tokens: argon2 password hashes, SHA-256 token hashes, roles in rank order.

Used by the CLI (``infoscope user add``, ``infoscope token create``) and by the web app's login.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from infoscope.errors import InfoscopeError, UsageError
from infoscope.ids import make_id
from infoscope.model import USER_ROLES, ApiToken, AuditEntry, User, utcnow
from infoscope.store import Store

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password anyone has")  # unknown names cost the same time as known ones
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in person or a token's owner."""

    id: str
    name: str
    role: str

    def can(self, role: str) -> bool:
        return rank(self.role) >= rank(role)


def rank(role: str) -> int:
    return USER_ROLES.index(role) if role in USER_ROLES else -1


def audit_id() -> str:
    """Ids that sort by time, so the audit log's primary key is its order."""
    return f"aud_{time.time_ns():020d}_{os.urandom(4).hex()}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(store: Store, name: str, role: str, password: str | None, actor: str = "cli") -> Principal:
    """Add a person (or change the role and password of an existing one)."""
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise UsageError("a user name is 1 to 100 characters without spaces")
    if role not in USER_ROLES:
        raise UsageError(f"role must be one of {', '.join(USER_ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UsageError(f"a password has at least {MIN_PASSWORD} characters")
    pw_hash = _hasher.hash(password) if password is not None else None
    uid = make_id("usr", name.casefold())
    with store.session() as s:
        user = s.get(User, uid)
        old = None if user is None else user.role
        if user is None:
            user = User(id=uid, name=name, role=role, password_hash=pw_hash, active=True, created_at=utcnow())
            s.add(user)
        else:
            user.role = role
            if pw_hash is not None:
                user.password_hash = pw_hash
        s.add(
            AuditEntry(
                id=audit_id(),
                at=utcnow(),
                actor=actor,
                action="user",
                item_type="user",
                item_id=uid,
                field="role",
                old_value=old,
                new_value=role,
            )
        )
    return Principal(uid, name, role)


def find_user(store: Store, name: str) -> User | None:
    with store.sessions() as s:
        return s.scalars(select(User).where(func.lower(User.name) == name.strip().casefold())).first()


def create_token(store: Store, name: str, label: str | None = None) -> str:
    """A new API token for ``name``; only its hash is stored, so this is the one time it is seen."""
    user = find_user(store, name)
    if user is None:
        raise InfoscopeError(f"no such user: {name!r} (add one with: infoscope user add NAME --role ROLE)")
    token = "isc_" + secrets.token_urlsafe(32)
    try:
        with store.session() as s:
            s.add(
                ApiToken(
                    id="tok_" + secrets.token_hex(12),
                    user_id=user.id,
                    token_hash=hash_token(token),
                    label=label,
                    created_at=utcnow(),
                )
            )
    except IntegrityError as exc:  # pragma: no cover - 256 random bits do not collide
        raise InfoscopeError("token collision, try again") from exc
    return token


def authenticate(store: Store, name: str, password: str) -> Principal | None:
    """The person when the password matches, else None (same cost whether or not the name exists)."""
    user = find_user(store, name)
    stored = user.password_hash if user is not None and user.active and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is _DUMMY_HASH:
        return None
    if _hasher.check_needs_rehash(stored):
        with store.session() as s:
            s.execute(update(User).where(User.id == user.id).values(password_hash=_hasher.hash(password)))
    return Principal(user.id, user.name, user.role)


def principal_for_token(store: Store, token: str) -> Principal | None:
    if not token.startswith("isc_") or len(token) > 200:
        return None
    with store.sessions() as s:
        row = s.execute(
            select(User, ApiToken.id)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == hash_token(token), User.active.is_(True))
        ).first()
    if row is None:
        return None
    user, _tok = row
    return Principal(user.id, user.name, user.role)


def principal_by_id(store: Store, user_id: str) -> Principal | None:
    with store.sessions() as s:
        user = s.get(User, user_id)
    if user is None or not user.active:
        return None
    return Principal(user.id, user.name, user.role)

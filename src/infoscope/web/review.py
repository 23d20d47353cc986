"""Review decisions on events and claims, with optimistic locking and an append-only audit log.

A decision names the version of the review it was based on; if someone else decided in the
meantime the versions differ and the decision is refused (409), never silently overwritten.
The compare-and-set is one UPDATE ... WHERE version = :seen (or an INSERT that collides on the
primary key), so two concurrent reviewers cannot both win on either back end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from infoscope.model import Annotation, AuditEntry, Event, ReviewState, utcnow
from infoscope.store import Store
from infoscope.store.retry import retry_write
from infoscope.web.accounts import Principal, audit_id
from infoscope.web.data import audit_dict

REVIEW_STATUSES = ("verified", "disputed", "rejected")
ITEM_TYPES = ("event", "claim")


class ReviewError(Exception):
    """A review that cannot be applied; ``status`` is the HTTP status it maps to."""

    def __init__(self, message: str, status: int = 422, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.current = current or {}


def set_review(
    store: Store,
    item_type: str,
    item_id: str,
    status: str,
    note: str | None,
    version: int,
    actor: Principal,
) -> dict[str, Any]:
    """Apply a reviewer's decision; returns the new review state. Raises ReviewError."""
    if item_type not in ITEM_TYPES:
        raise ReviewError(f"cannot review a {item_type}", 404)
    if status not in REVIEW_STATUSES:
        raise ReviewError(f"status must be one of {', '.join(REVIEW_STATUSES)}")
    note = (note or "").strip() or None
    if note and len(note) > 5000:
        raise ReviewError("a note has at most 5000 characters")
    now = utcnow()

    def decide() -> None:
        with store.engine.begin() as conn:
            if item_type == "event":
                old = conn.execute(select(Event.status).where(Event.id == item_id)).scalar_one_or_none()
            else:
                found = conn.execute(
                    select(Annotation.id).where(Annotation.id == item_id, Annotation.layer == "claims")
                ).first()
                old = None
                if found is not None:
                    old = (
                        conn.execute(
                            select(ReviewState.status).where(
                                ReviewState.item_type == "claim", ReviewState.item_id == item_id
                            )
                        ).scalar_one_or_none()
                        or "unreviewed"
                    )
                if found is None:
                    raise ReviewError(f"no such claim: {item_id}", 404)
            if old is None:
                raise ReviewError(f"no such {item_type}: {item_id}", 404)
            values = {"status": status, "note": note, "reviewed_by": actor.name, "reviewed_at": now}
            if version == 0:
                conn.execute(
                    insert(ReviewState).values(item_type=item_type, item_id=item_id, version=1, **values)
                )
            else:
                done = conn.execute(
                    update(ReviewState)
                    .where(
                        ReviewState.item_type == item_type,
                        ReviewState.item_id == item_id,
                        ReviewState.version == version,
                    )
                    .values(version=ReviewState.version + 1, **values)
                )
                if done.rowcount != 1:
                    raise ReviewError("conflict", 409)
            if item_type == "event":
                conn.execute(update(Event).where(Event.id == item_id).values(status=status))
            conn.execute(
                insert(AuditEntry).values(
                    id=audit_id(),
                    at=now,
                    actor=actor.name,
                    action="review",
                    item_type=item_type,
                    item_id=item_id,
                    field="status",
                    old_value=old,
                    new_value=status,
                    note=note,
                )
            )

    try:
        retry_write(decide)  # a busy database is waited out; a changed version is a conflict
    except (IntegrityError, ReviewError) as exc:
        if isinstance(exc, ReviewError) and exc.status != 409:
            raise
        current = current_review(store, item_type, item_id)
        raise ReviewError(
            f"this {item_type} was reviewed by someone else in the meantime "
            f"(now {current['status']!r} by {current['reviewed_by']}, version {current['version']}; "
            f"your change was based on version {version}): reload and decide again",
            409,
            current,
        ) from None
    return current_review(store, item_type, item_id)


def current_review(store: Store, item_type: str, item_id: str) -> dict[str, Any]:
    with store.sessions() as s:
        r = s.get(ReviewState, (item_type, item_id))
        if r is None:
            return {
                "item_type": item_type,
                "item_id": item_id,
                "version": 0,
                "status": None,
                "note": None,
                "reviewed_by": None,
                "reviewed_at": None,
            }
        return {
            "item_type": item_type,
            "item_id": item_id,
            "version": r.version,
            "status": r.status,
            "note": r.note,
            "reviewed_by": r.reviewed_by,
            "reviewed_at": r.reviewed_at.isoformat() if r.reviewed_at else None,
        }


def audit_jsonl(store: Store, batch: int = 1000) -> Iterator[str]:
    """The whole audit log as JSON Lines, oldest first, streamed."""
    import json

    with store.sessions() as s:
        for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch)):
            yield json.dumps(audit_dict(a), ensure_ascii=False) + "\n"

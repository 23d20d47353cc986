"""Retrying a write transaction that lost a race for the database, with backoff.

SQLite lets one writer at a time: the others wait up to ``busy_timeout`` and then fail with
"database is locked" (also at once, without waiting, when a reader's snapshot went stale). On
PostgreSQL two writers can deadlock, and one is cancelled. Each is transient: the same
transaction run again a little later succeeds. Callers wrap one whole transaction, so a retry
never repeats half of one; the transactions wrapped here are idempotent (they re-check what is
stored before writing).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from infoscope.errors import InfoscopeError

T = TypeVar("T")
ATTEMPTS = 8
FIRST_DELAY = 0.05  # seconds; doubled per attempt, with jitter, up to MAX_DELAY
MAX_DELAY = 5.0
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available
_PG_TRANSIENT = {"40001", "40P01", "55P03"}


def busy_timeout_ms() -> int:
    """How long an SQLite connection waits for the write lock itself (INFOSCOPE_SQLITE_BUSY_MS)."""
    try:
        return max(0, int(os.environ.get("INFOSCOPE_SQLITE_BUSY_MS", "30000")))
    except ValueError:
        return 30000


def is_transient(exc: BaseException) -> bool:
    """True for lock contention that a later retry of the same transaction can get past."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code in _PG_TRANSIENT:
        return True
    if isinstance(exc, OperationalError):
        msg = str(orig).lower()
        return "database is locked" in msg or "database table is locked" in msg or "database is busy" in msg
    return False


class StillLocked(InfoscopeError):
    """The database stayed locked by other writers through every retry."""


def retry_write(
    fn: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    first_delay: float = FIRST_DELAY,
    on_retry: Callable[[int, BaseException], None] | None = None,
) -> T:
    """``fn()`` (one whole transaction), run again with growing pauses while the database is busy."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except DBAPIError as exc:
            if not is_transient(exc):
                raise
            if attempt == attempts:
                raise StillLocked(
                    f"the database stayed busy with other writers through {attempts} attempts; "
                    "try again when the other runs have finished"
                ) from exc
            if on_retry:
                on_retry(attempt, exc)
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, MAX_DELAY)
    raise AssertionError("unreachable")

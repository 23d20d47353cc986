"""Progress records of long commands: a run killed at any moment is found and continued by the next.

The work itself is resumable because each command commits in units a re-run recognises: a
stored document (a duplicate the second time), an analysed document (no longer pending), a
batch of event rows (duplicates by fingerprint), a whole ledger rebuild (one transaction). The
job row adds the bookkeeping people ask about: this command with these arguments, when it
started, whether it finished, how many units are committed. ``tick`` runs inside the unit's own
transaction, so the count is exact after a crash, never ahead of or behind the store.

A run that finds the row of the same command and arguments still marked running takes it to
be an interrupted run and continues it. A second run started while the first is still alive
looks the same; the store stays right either way (units are idempotent), only the message is
then a guess.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from infoscope.ids import make_id
from infoscope.model import Job, utcnow
from infoscope.store import Store


@dataclass
class JobRun:
    """One run of a job; ``resumed`` when an earlier run with the same arguments did not finish."""

    store: Store
    id: str
    command: str
    started_at: dt.datetime  # of the first, unfinished run when resumed
    resumed: bool = False
    done_before: int = 0
    finished: bool = False

    def tick(self, conn: Connection | Session, n: int = 1) -> None:
        """Count ``n`` committed units; call inside the transaction that commits them."""
        if n:
            conn.execute(update(Job).where(Job.id == self.id).values(done=Job.done + n, updated_at=utcnow()))

    def finish(self, counts: dict[str, Any], conn: Connection | None = None) -> None:
        """Mark the job finished with the run's summary (in ``conn``'s transaction when given)."""
        stmt = (
            update(Job)
            .where(Job.id == self.id)
            .values(status="finished", counts=counts, error=None, updated_at=utcnow(), finished_at=utcnow())
        )
        if conn is not None:
            conn.execute(stmt)
        else:
            with self.store.engine.begin() as c:
                c.execute(stmt)
        self.finished = True

    def fail(self, reason: str) -> None:
        """Mark the job failed, unless it committed its finish (an error after that changes nothing)."""
        with self.store.engine.begin() as c:
            c.execute(
                update(Job)
                .where(Job.id == self.id, Job.status != "finished")
                .values(status="failed", error=reason[:2000], updated_at=utcnow())
            )

    def resume_message(self, unit: str) -> str | None:
        if not self.resumed:
            return None
        return (
            f"resuming: an earlier {self.command} with these arguments did not finish; "
            f"{self.done_before} {unit} already done"
        )


def args_hash(command: str, args: dict[str, Any]) -> str:
    canon = json.dumps({"command": command, "args": args}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def start_job(store: Store, command: str, args: dict[str, Any]) -> JobRun:
    """Record the start of ``command`` with ``args``, or pick up the unfinished run of the same."""
    h = args_hash(command, args)
    job_id = make_id("job", command, h)
    now = utcnow()
    with store.engine.begin() as conn:
        row = conn.execute(select(Job).where(Job.id == job_id)).first()
        if row is None:
            conn.execute(
                insert(Job).values(
                    id=job_id,
                    command=command,
                    args_hash=h,
                    args=json.loads(json.dumps(args, default=str)),
                    status="running",
                    done=0,
                    runs=1,
                    interrupted=0,
                    counts={},
                    started_at=now,
                    updated_at=now,
                )
            )
            return JobRun(store, job_id, command, now)
        if row.status != "finished":  # the last run never reached its end: continue it
            killed = int(row.status == "running")  # a failed run recorded its own end
            conn.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(
                    status="running",
                    runs=Job.runs + 1,
                    interrupted=Job.interrupted + killed,
                    error=None,
                    updated_at=now,
                )
            )
            return JobRun(store, job_id, command, row.started_at, resumed=True, done_before=row.done)
        conn.execute(  # finished before: this is a new run of the same job
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="running",
                done=0,
                runs=Job.runs + 1,
                counts={},
                error=None,
                started_at=now,
                updated_at=now,
                finished_at=None,
            )
        )
        return JobRun(store, job_id, command, now)


@contextmanager
def job(store: Store, command: str, args: dict[str, Any]) -> Iterator[JobRun]:
    """A job run; an exception that ends it early marks it failed (a kill leaves it running)."""
    run = start_job(store, command, args)
    try:
        yield run
    except BaseException as exc:
        # not ``run.finished``: the finish may have been written in a transaction that then failed
        # to commit; ``fail`` leaves a committed finish alone
        try:
            run.fail(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        except Exception:  # the store itself may be what failed; the original error matters
            pass
        raise

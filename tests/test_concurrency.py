"""Concurrent writers: two ``infoscope ingest`` runs and a live ``infoscope serve`` writing at once.

On SQLite and PostgreSQL: every document is stored exactly once (the two runs share part of
their inputs), every write the server accepted is in the store, two reviewers deciding from the
same version get one success and one 409 with a clear message (never a silent overwrite), and
"database is locked" never reaches anyone. SQLite's own wait for the write lock is cut to 50 ms
here, so the retries with backoff (store/retry.py) are what keeps the writers going.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from conftest import DEMO, ROOT
from infoscope.events.importer import EventMapping, import_events
from infoscope.ids import content_hash
from infoscope.link.run import link_store
from infoscope.model import AuditEntry, Document, Event, ReviewState
from infoscope.store import open_store
from infoscope.store.retry import StillLocked, is_transient, retry_write
from infoscope.web.accounts import create_token, create_user

BUSY_MS = "50"
EVENTS_REVIEWED = 8
CONTRIBUTIONS = 12


def _env() -> dict[str, str]:
    return {**os.environ, "INFOSCOPE_SQLITE_BUSY_MS": BUSY_MS, "COLUMNS": "200", "NO_COLOR": "1"}


def _cli(db: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "infoscope", "--db", db, *args],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _write_docs(folder: Path, tag: str, n: int) -> list[str]:
    folder.mkdir(parents=True)
    texts = []
    for i in range(n):
        t = f"Report {tag}-{i}: {i + 3} people gathered in Lyon on {1 + i % 28} May 2024, police said."
        (folder / f"{tag}{i:04d}.txt").write_text(t + "\n", encoding="utf-8")
        texts.append(t)
    return texts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[str]]]:
    """A live ``infoscope serve`` over a store holding the demo events, with its tokens."""
    store = open_store(db_url)
    try:
        import_events(store, DEMO / "events.csv", EventMapping())
        tokens = {}
        for name, role in [("rev1", "reviewer"), ("rev2", "reviewer"), ("contrib", "contributor")]:
            create_user(store, name, role, None)
            tokens[name] = create_token(store, name, "concurrency")
    finally:
        store.close()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "infoscope", "--db", db_url, "serve", "--port", str(port)],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/api/v1/stats", timeout=2).status_code in (200, 401):
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"server did not start: {proc.stdout.read() if proc.stdout else ''}")
        time.sleep(0.3)
    try:
        yield base, tokens, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_two_ingest_runs_and_the_server_write_at_once(db_url: str, tmp_path: Path, server) -> None:
    base, tokens, proc = server
    shared = _write_docs(tmp_path / "shared", "S", 80)  # both runs ingest these
    only_a = _write_docs(tmp_path / "a", "A", 120)
    only_b = _write_docs(tmp_path / "b", "B", 120)
    store = open_store(db_url)
    with store.sessions() as s:
        events = list(s.scalars(select(Event.id).order_by(Event.id).limit(EVENTS_REVIEWED)))
    assert len(events) == EVENTS_REVIEWED

    runs = [
        _cli(db_url, "ingest", str(tmp_path / "shared"), str(tmp_path / "a"), "--json"),
        _cli(db_url, "ingest", str(tmp_path / "shared"), str(tmp_path / "b"), "--json"),
    ]
    outcomes: dict[str, list] = {"docs": [], "events": [], "reviews": [], "errors": []}
    lock = threading.Lock()

    def post(path: str, token: str, **kw) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=120) as c:
            return c.post(path, headers={"Authorization": f"Bearer {token}"}, **kw)

    def contribute(i: int) -> None:
        r = post(
            "/api/v1/contributions/documents", tokens["contrib"], data={"text": f"Contributed note {i}."}
        )
        e = post(
            "/api/v1/contributions/events",
            tokens["contrib"],
            json={"type": "Protests", "date": "2024-05-02", "description": f"Contributed event {i}"},
        )
        with lock:
            outcomes["docs"].append(r)
            outcomes["events"].append(e)

    def review(eid: str, name: str, status: str, version: int, gate: threading.Barrier) -> None:
        gate.wait()
        r = post(f"/api/v1/events/{eid}/review", tokens[name], json={"status": status, "version": version})
        with lock:
            outcomes["reviews"].append((eid, name, status, version, r))

    threads = [threading.Thread(target=contribute, args=(i,)) for i in range(CONTRIBUTIONS)]
    for t in threads:
        t.start()
    for rnd in range(2):  # two rounds: from version 0, then both from version 1
        round_threads = []
        for eid in events:
            gate = threading.Barrier(2)
            for name, status in [("rev1", "verified"), ("rev2", "disputed")]:
                round_threads.append(threading.Thread(target=review, args=(eid, name, status, rnd, gate)))
        for t in round_threads:
            t.start()
        for t in round_threads:
            t.join()
    for t in threads:
        t.join()
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in runs]  # type: ignore[union-attr]

    # the CLI runs: both finished cleanly, and between them stored each input once

    for rc, _out, err in results:
        assert rc == 0, err
        assert "locked" not in err.lower() and "Traceback" not in err
    summaries = [json.loads(out) for _, out, _ in results]
    assert sum(s["ingested"] for s in summaries) == len(shared) + len(only_a) + len(only_b)
    assert all(s["failed"] == 0 for s in summaries)
    with store.sessions() as s:
        counts = dict(
            s.execute(select(Document.content_hash, func.count()).group_by(Document.content_hash)).all()
        )
    for t in shared + only_a + only_b:
        assert counts.get(content_hash(t)) == 1, t  # exactly once: nothing lost, nothing doubled

    # the server: every accepted contribution is in the store
    assert all(r.status_code == 201 for r in outcomes["docs"] + outcomes["events"]), [
        (r.status_code, r.text[:200]) for r in outcomes["docs"] + outcomes["events"] if r.status_code != 201
    ]
    doc_ids = {d for r in outcomes["docs"] for d in r.json()["ingested"]}
    event_ids = {r.json()["id"] for r in outcomes["events"]}
    assert len(doc_ids) == CONTRIBUTIONS and len(event_ids) == CONTRIBUTIONS
    with store.sessions() as s:
        assert set(s.scalars(select(Document.id).where(Document.id.in_(doc_ids)))) == doc_ids
        assert set(s.scalars(select(Event.id).where(Event.id.in_(event_ids)))) == event_ids

    # the reviews: per event and round exactly one success and one clear conflict
    for eid in events:
        for rnd in range(2):
            got = [r for e, _n, _s, v, r in outcomes["reviews"] if e == eid and v == rnd]
            codes = sorted(r.status_code for r in got)
            assert codes == [200, 409], (eid, rnd, [(r.status_code, r.text[:200]) for r in got])
            conflict = next(r for r in got if r.status_code == 409).json()
            assert "reviewed by someone else in the meantime" in conflict["detail"]
            assert conflict["current"]["version"] >= rnd + 1
        winners = [
            (name, status)
            for e, name, status, _v, r in sorted(outcomes["reviews"], key=lambda x: x[3])
            if e == eid and r.status_code == 200
        ]
        with store.sessions() as s:
            state = s.get(ReviewState, ("event", eid))
            audit = list(
                s.scalars(
                    select(AuditEntry.new_value)
                    .where(AuditEntry.item_id == eid, AuditEntry.action == "review")
                    .order_by(AuditEntry.at, AuditEntry.id)
                )
            )
            status = s.scalar(select(Event.status).where(Event.id == eid))
        assert state is not None and state.version == 2  # two successes, none lost
        assert state.status == winners[-1][1] == status  # the last accepted decision stands
        assert audit == [w[1] for w in winners]  # and each accepted one is in the audit log
    store.close()
    proc.terminate()
    log = proc.communicate(timeout=30)[0]
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    assert " 500 " not in log
    if os.environ.get("INFOSCOPE_CONCURRENCY_STATS"):  # bench/reliability.py --part concurrency
        trial = {
            "backend": "sqlite" if db_url.startswith("sqlite") else "postgresql",
            "documents_expected": len(shared) + len(only_a) + len(only_b),
            "ingested_by_run": [x["ingested"] for x in summaries],
            "duplicates_by_run": [x["duplicates"] for x in summaries],
            "review_requests": len(outcomes["reviews"]),
            "review_conflicts_409": sum(r.status_code == 409 for *_x, r in outcomes["reviews"]),
            "contributions_accepted": len(doc_ids) + len(event_ids),
        }
        with open(os.environ["INFOSCOPE_CONCURRENCY_STATS"], "a", encoding="utf-8") as fh:
            fh.write(json.dumps(trial) + "\n")


def test_two_runs_on_a_fresh_store_both_migrate_and_ingest(db_url: str, tmp_path: Path) -> None:
    """Two first runs at the same moment: one creates the schema, the other waits and goes on."""
    _write_docs(tmp_path / "x", "X", 30)
    _write_docs(tmp_path / "y", "Y", 30)
    runs = [_cli(db_url, "ingest", str(tmp_path / d), "--json") for d in ("x", "y")]
    for p in runs:
        rc = p.wait(timeout=300)
        err = p.stderr.read()  # type: ignore[union-attr]
        assert rc == 0 and "locked" not in err.lower() and "already exists" not in err, err
    store = open_store(db_url)
    try:
        with store.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Document)) == 60
    finally:
        store.close()


def test_retry_write_waits_out_a_held_lock(sqlite_url: str, monkeypatch) -> None:
    """A writer holding SQLite's lock past the busy timeout: the retried transaction still lands."""
    monkeypatch.setenv("INFOSCOPE_SQLITE_BUSY_MS", "20")
    store = open_store(sqlite_url)
    holder = open_store(sqlite_url)
    try:
        with holder.engine.connect() as c:
            c.connection.driver_connection.isolation_level = None  # type: ignore[union-attr]
            c.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock and keep it a while
            release = threading.Timer(0.8, lambda: c.exec_driver_sql("COMMIT"))
            release.start()
            retries: list[int] = []

            def write() -> None:
                with store.engine.begin() as conn:
                    conn.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
                    conn.execute(text("INSERT INTO t VALUES (1)"))

            retry_write(write, on_retry=lambda n, _e: retries.append(n))
            release.join()
        assert retries, "the lock was never hit: the test proves nothing"
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1
        # past every attempt: one clear line, not "database is locked"
        with holder.engine.connect() as c:
            c.connection.driver_connection.isolation_level = None  # type: ignore[union-attr]
            c.exec_driver_sql("BEGIN IMMEDIATE")
            with pytest.raises(StillLocked, match="stayed busy with other writers"):
                retry_write(write, attempts=3, first_delay=0.01)
            c.exec_driver_sql("ROLLBACK")
    finally:
        store.close()
        holder.close()


def test_import_events_and_link_wait_out_a_held_lock(sqlite_url: str, monkeypatch) -> None:
    """An import's batch, and link's one transaction, are retried when another writer holds on."""
    import infoscope.events.importer as importer
    import infoscope.link.run as link_run

    monkeypatch.setenv("INFOSCOPE_SQLITE_BUSY_MS", "20")
    retried: list[str] = []  # which transaction each retry was for
    for module in (importer, link_run):
        real = module.retry_write
        monkeypatch.setattr(
            module,
            "retry_write",
            lambda fn, real=real: real(fn, on_retry=lambda _n, _e, fn=fn: retried.append(fn.__name__)),
        )
    store = open_store(sqlite_url)
    holder = open_store(sqlite_url)
    conn = holder.engine.connect()
    conn.connection.driver_connection.isolation_level = None  # type: ignore[union-attr]

    def hold_lock(seconds: float = 0.8) -> threading.Timer:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # another writer takes the lock and keeps it a while
        release = threading.Timer(seconds, lambda: conn.exec_driver_sql("COMMIT"))
        release.start()
        return release

    try:
        timers: list[threading.Timer] = []
        # the lock is taken once the import's source row is stored and its rows are being read,
        # so what meets it is the batch's own transaction
        imported = import_events(
            store, DEMO / "events.csv", on_row=lambda n: timers.append(hold_lock()) if not timers else None
        )
        timers[0].join()
        assert "write" in retried and "add_source" not in retried, retried
        retried.clear()
        release = hold_lock()
        linked = link_store(store)
        release.join()
        assert retried == ["write"] * len(retried) and retried, retried
        with store.sessions() as s:
            events = s.scalar(select(func.count()).select_from(Event))
        assert imported.failed == 0 and events == imported.imported > 0
        assert linked.ledger.events == events  # the rebuilt ledger holds every imported event
    finally:
        conn.close()
        store.close()
        holder.close()


def test_only_lock_contention_counts_as_transient(sqlite_url: str) -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError

    assert is_transient(OperationalError("x", {}, Exception("database is locked")))
    assert not is_transient(OperationalError("x", {}, Exception("no such table: t")))
    assert not is_transient(IntegrityError("x", {}, Exception("UNIQUE constraint failed")))

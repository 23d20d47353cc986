"""Kill-and-resume trials for the long commands, shared by tests/test_resume.py and bench/reliability.py.

A trial runs the real CLI (``python -m infoscope``) as a subprocess, sends it SIGKILL after a
seeded random delay drawn over the command's whole runtime (start-up and migration included:
up to 1.1 times the duration of the uninterrupted runs, measured two at a time as chains run;
the first run of the first three chains is killed in the stretch where the reference runs were
committing units, and half the others in the second half, where a command that loads models works),
checks what the kill left behind, and runs the command again. Trials come in chains: the run
that resumes a kill is itself the next one killed, until a run completes (or a chain has had
``max_kills`` kills, after which one run goes uninterrupted). Every chain starts from the
command's input state in a fresh store and ends compared with an uninterrupted run of the same
command from the same state, table by table, without volatile timestamps and the jobs table.

After each kill the store is checked too: what a kill leaves must be part of the finished
result (never a row the uninterrupted run does not have: no half document, no stray source);
``analyze`` must hold every analysed document's annotations whole; ``link`` must hold the
previous ledger or the new one entirely; and the job's ``done`` counter must equal the units
actually committed. The next run must say "resuming" when the killed run had recorded its start.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import SQLAlchemyError

from infoscope.ledger.exchange import import_ledger
from infoscope.model import Base
from infoscope.store import open_store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"
VOLATILE = frozenset({"ingested_at", "analyzed_at", "created_at", "updated_at", "checked_at"})
NOT_COMPARED = frozenset({"jobs"})
LINK_TABLES = ("clusters", "cluster_members", "events", "event_mentions")

Dump = dict[str, list[str]]
# Alembic keeps its migration context in module globals: two threads of one process must not
# migrate at once (separate processes may; the store serialises them)
_MIGRATING = threading.Lock()


# --- stores ------------------------------------------------------------------------------------


class Backend:
    """Fresh stores on one back end: SQLite files in a folder, or schemas on a PostgreSQL server."""

    def __init__(self, name: str, workdir: Path, pg_server: str | None = None) -> None:
        self.name = name
        self.workdir = workdir
        self.pg_server = pg_server
        self._schemas: list[str] = []
        self._n = 0
        self._lock = threading.Lock()

    def new_url(self) -> str:
        with self._lock:
            self._n += 1
            n = self._n
        if self.name == "sqlite":
            path = self.workdir / f"store{n}.db"
            for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                stale.unlink(missing_ok=True)
            return f"sqlite:///{path}"
        assert self.pg_server
        schema = f"r_{uuid.uuid4().hex[:12]}"
        eng = create_engine(self.pg_server, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        eng.dispose()
        self._schemas.append(schema)
        return f"{self.pg_server}?options=-csearch_path%3D{schema}"

    def cleanup(self) -> None:
        if not self._schemas:
            return
        eng = create_engine(self.pg_server or "", isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            for schema in self._schemas:
                c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        eng.dispose()
        self._schemas.clear()


def _canon(row: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in row.items() if k not in VOLATILE}, sort_keys=True, default=str, ensure_ascii=False
    )


def dump(url: str) -> Dump:
    """Every compared table as sorted canonical rows; a table not (yet) created reads as empty.

    The store is opened without migrating, so a store killed before its schema existed is
    read as it is.
    """
    store = open_store(url, upgrade=False)
    out: Dump = {}
    try:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_COMPARED:
                continue
            try:
                with store.engine.connect() as c:
                    rows = [_canon(dict(r._mapping)) for r in c.execute(select(table))]
            except SQLAlchemyError:
                rows = []
            out[table.name] = sorted(rows)
    finally:
        store.close()
    return out


def job_row(url: str, command: str) -> dict[str, Any] | None:
    store = open_store(url, upgrade=False)
    try:
        with store.engine.connect() as c:
            r = c.execute(text("SELECT status, done FROM jobs WHERE command = :c"), {"c": command}).first()
            return None if r is None else {"status": r.status, "done": r.done}
    except SQLAlchemyError:
        return None
    finally:
        store.close()


def differences(got: Dump, want: Dump, limit: int = 3) -> list[str]:
    out = []
    for table in sorted(set(got) | set(want)):
        g, w = set(got.get(table, [])), set(want.get(table, []))
        if g != w:
            out.append(
                f"{table}: {len(w - g)} missing, {len(g - w)} extra "
                f"(e.g. missing {sorted(w - g)[:limit]}, extra {sorted(g - w)[:limit]})"
            )
    return out


# --- scenarios -----------------------------------------------------------------------------------


@dataclass
class Scenario:
    """One command with its input state: ``prepare`` fills a fresh store, ``args`` run the command."""

    command: str
    args: list[str]
    prepare: Callable[[str], None]
    units: Callable[[Dump], int]  # committed units of work as the store shows them

    def check_after_kill(self, got: Dump, before: Dump, want: Dump) -> list[str]:
        """What a kill may leave: anything else is a violation (listed)."""
        problems = []
        if self.command == "link":
            for t in LINK_TABLES:
                if got[t] != before[t] and got[t] != want[t]:
                    problems.append(f"link left {t} neither as it was nor as rebuilt")
            if (got["events"] == want["events"]) != (got["clusters"] == want["clusters"]):
                problems.append("link left clusters and ledger from different runs")
            return problems
        for t in got:
            extra = set(got[t]) - set(want[t]) - set(before[t])
            if extra:
                problems.append(f"{t}: {len(extra)} rows the finished run does not have")
        if self.command == "analyze":
            problems += _whole_analyses(got, want)
        return problems


def _by_document(rows: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(json.loads(r)["document_id"], set()).add(r)
    return out


def _whole_analyses(got: Dump, want: Dump) -> list[str]:
    """Each analysed document holds exactly its finished annotations; the others hold none."""
    done = set(_by_document(got["document_analyses"]))
    problems = []
    for table in ("annotations", "spans"):
        g, w = _by_document(got[table]), _by_document(want[table])
        for doc, rows in g.items():
            if doc not in done:
                problems.append(f"{table} of {doc} without its analysis record")
            elif rows != w.get(doc, set()):
                problems.append(f"{table} of {doc} incomplete")
        for doc in done:
            if w.get(doc) and not g.get(doc):
                problems.append(f"{table} of analysed {doc} missing")
    return problems


def write_ingest_corpus(path: Path, n: int = 600, seed: int = 7) -> Path:
    """JSON Lines of ``n`` short articles from 9 outlets, with repeated URLs and repeated texts."""
    rng = random.Random(seed)
    words = (DEMO / "articles" / "en-berlin-clash-continental-wire.md").read_text(encoding="utf-8").split()
    lines = []
    for i in range(n):
        body = " ".join(rng.choice(words) for _ in range(60))
        rec: dict[str, Any] = {
            "url": f"https://news{i % 9}.example.org/story/{i}",
            "title": f"Story {i}",
            "text": f"Story {i}. {body}",
            "source": f"Outlet {i % 9}",
            "language": "en",
            "published_at": f"2024-07-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
        }
        if i % 40 == 39:  # the same URL again: a duplicate
            rec = json.loads(lines[i - 20])
        elif i % 55 == 54:  # the same text from the same outlet under another URL: a duplicate
            rec = {**json.loads(lines[i - 9]), "url": f"https://news{(i - 9) % 9}.example.org/copy/{i}"}
        lines.append(json.dumps(rec, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_events_csv(path: Path, n: int = 5000, seed: int = 11) -> Path:
    """``n`` ACLED-style rows made from the demo events, with exact repeats of earlier rows."""
    rng = random.Random(seed)
    src = (DEMO / "events.csv").read_text(encoding="utf-8").splitlines()
    header, rows = src[0], src[1:]
    import csv
    import io

    parsed = list(csv.reader(io.StringIO("\n".join(rows))))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    made: list[list[str]] = []
    for i in range(n):
        if i % 37 == 36 and made:
            made.append(list(made[rng.randrange(len(made))]))  # an identical row: one event
        else:
            r = list(rng.choice(parsed))
            r[0] = f"{r[0]}-{i}"
            r[1] = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
            r[2] = "2024"
            made.append(r)
    w.writerows(made)
    path.write_text(header + "\n" + out.getvalue(), encoding="utf-8")
    return path


def _nothing(_url: str) -> None:
    return None


def loader(export: Path) -> Callable[[str], None]:
    def load(url: str) -> None:
        store = open_store(url)
        try:
            with export.open(encoding="utf-8") as f:
                import_ledger(store, f)
        finally:
            store.close()

    return load


def scenarios(workdir: Path) -> dict[str, Scenario]:
    """The four commands with inputs sized so that kills land while they work.

    ``analyze`` and ``link`` start from ledger exports made here once (with the library, not
    the commands under test): 20 demo articles to analyse; all demo articles analysed plus the
    demo events to link.
    """
    from infoscope.analyze.persist import analyze_stored, pending_documents
    from infoscope.events.importer import import_events
    from infoscope.ingest.registry import SourceRegistry
    from infoscope.ingest.run import IngestOptions, ingest
    from infoscope.ledger.exchange import export_ledger

    workdir.mkdir(parents=True, exist_ok=True)
    corpus = write_ingest_corpus(workdir / "articles.jsonl")
    events = write_events_csv(workdir / "events.csv")
    opts = IngestOptions(registry=SourceRegistry.load(DEMO / "sources.toml"))
    articles = sorted((DEMO / "articles").iterdir())

    to_analyze = workdir / "to-analyze.jsonl"
    s = open_store(f"sqlite:///{workdir / 'to-analyze.db'}")
    ingest(s, [str(p) for p in articles[::2][:20]], opts)
    with to_analyze.open("w", encoding="utf-8") as f:
        export_ledger(s, f)
    s.close()

    to_link = workdir / "to-link.jsonl"
    s = open_store(f"sqlite:///{workdir / 'to-link.db'}")
    ingest(s, [str(DEMO / "articles")], opts)
    analyze_stored(s, pending_documents(s))
    import_events(s, DEMO / "events.csv")
    with to_link.open("w", encoding="utf-8") as f:
        export_ledger(s, f)
    s.close()

    return {
        "ingest": Scenario(
            "ingest",
            ["ingest", str(corpus), str(DEMO / "articles"), "--sources", str(DEMO / "sources.toml")],
            _nothing,
            lambda d: len(d["documents"]),
        ),
        "import-events": Scenario(
            "import-events", ["import-events", str(events)], _nothing, lambda d: len(d["events"])
        ),
        "analyze": Scenario(
            "analyze",
            ["analyze"],
            loader(to_analyze),
            lambda d: sum('"error": null' in r for r in d["document_analyses"]),
        ),
        "link": Scenario(
            "link", ["link"], loader(to_link), lambda d: int(bool(d["clusters"] or d["event_mentions"]))
        ),
    }


# --- running -----------------------------------------------------------------------------------


@dataclass
class Run:
    returncode: int
    seconds: float
    stderr: str
    killed: bool


def run_cli(url: str, args: list[str], kill_after: float | None = None) -> Run:
    """The real command; with ``kill_after`` it gets SIGKILL then if still running."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(
            [sys.executable, "-m", "infoscope", "--db", url, *args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=ROOT,
            env=env,
        )
        try:
            rc = p.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            rc = p.wait()
        seconds = time.perf_counter() - t0
        err.seek(0)
        return Run(rc, seconds, err.read().decode("utf-8", "replace"), rc == -signal.SIGKILL)


TARGETED_CHAINS = 3  # chains whose first run is killed in the reference's working stretch


@dataclass
class Reference:
    before: Dump
    after: Dump
    seconds: float
    units: int
    working: tuple[float, float] | None = None  # from the first to the last unit committed


def reference(scn: Scenario, backend: Backend, parallel: int = 2) -> Reference:
    """Uninterrupted runs from the scenario's input state, ``parallel`` at once as the trials run.

    Their mean duration sets the span of the kill delays (two runs at once take longer than one
    alone); their final stores must be equal, or the command is not deterministic to begin with.
    """
    urls = [backend.new_url() for _ in range(parallel)]
    for url in urls:
        scn.prepare(url)
    before = dump(urls[0])
    watch = _Progress(urls[0], scn.command)
    watch.start()
    try:
        with ThreadPoolExecutor(parallel) as pool:
            runs = list(pool.map(lambda u: run_cli(u, scn.args), urls))
    finally:
        watch.stop()
    for r in runs:
        if r.returncode != 0:
            raise AssertionError(f"reference {scn.command} failed ({r.returncode}): {r.stderr[-2000:]}")
    after = dump(urls[0])
    for url in urls[1:]:
        diff = differences(dump(url), after)
        if diff:
            raise AssertionError(f"two uninterrupted runs of {scn.command} differ: {diff}")
    seconds = sum(r.seconds for r in runs) / len(runs)
    return Reference(before, after, seconds, scn.units(after), watch.window())


class _Progress(threading.Thread):
    """Polls a store while its command runs for the stretch in which the job's counter advances.

    Start-up (Python, models, a gazetteer) can take most of a short command's runtime, so delays
    drawn over the whole of it may all miss the stretch in which units are being committed.
    """

    def __init__(self, url: str, command: str, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.url, self.command, self.every = url, command, every
        self.first: float | None = None  # the counter first above 0
        self.last: float | None = None  # its last change
        self._halt = threading.Event()
        self._t0 = time.perf_counter()

    def run(self) -> None:
        self._t0 = time.perf_counter()
        seen = 0
        while not self._halt.wait(self.every):
            job = job_row(self.url, self.command)
            done = 0 if job is None else job["done"]
            if done != seen:
                seen, now = done, time.perf_counter() - self._t0
                self.first = self.first if self.first is not None else now
                self.last = now

    def window(self) -> tuple[float, float] | None:
        """When units were committed one after another (None for a command that commits once)."""
        if self.first is None or self.last is None or self.last - self.first < 2 * self.every:
            return None
        return self.first, self.last

    def stop(self) -> None:
        self._halt.set()
        self.join()


@dataclass
class Tally:
    """What the trials of one command on one back end found."""

    chains: int = 0
    runs: int = 0
    kills: int = 0  # runs that were still alive when SIGKILL arrived
    kills_with_partial_work: int = 0  # some but not all units committed when killed
    kills_while_working: int = 0  # the job had recorded its start (start-up and migration were over)
    completed_before_kill: int = 0
    mismatches: list[str] = field(default_factory=list)  # final store differs from the reference
    violations: list[str] = field(default_factory=list)  # a kill left something it must not
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        for name in ("chains", "runs", "kills", "kills_with_partial_work", "kills_while_working"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.completed_before_kill += other.completed_before_kill
        self.mismatches += other.mismatches
        self.violations += other.violations

    def as_dict(self) -> dict[str, Any]:
        return {
            "chains": self.chains,
            "runs": self.runs,
            "kills": self.kills,
            "kills_with_partial_work": self.kills_with_partial_work,
            "kills_while_working": self.kills_while_working,
            "completed_before_kill": self.completed_before_kill,
            "mismatches": len(self.mismatches),
            "violations": len(self.violations),
            "problems": (self.mismatches + self.violations)[:20],
            "seconds": round(self.seconds, 1),
        }


def chain(scn: Scenario, backend: Backend, ref: Reference, n: int, seed: int, max_kills: int) -> Tally:
    """Chain ``n``: kill-and-resume from a fresh store until a run completes, then compare."""
    rng = random.Random(f"{seed}-{scn.command}-{backend.name}-{n}")
    span = ref.seconds * 1.1  # over the whole runtime, a little past its end
    tally = Tally(chains=1)
    url = backend.new_url()
    with _MIGRATING:
        scn.prepare(url)
    expect_resume = False
    base = scn.units(ref.before)  # units in the store when the job's current run started
    for i in range(max_kills + 1):
        # the first run of the first chains is killed while units are being committed (when the
        # reference runs showed that stretch); the others half anywhere over the runtime (start-up
        # and migration included), half in its second half, where commands that load models work
        late = rng.random() < 0.5
        if i == max_kills:
            delay = None
        elif i == 0 and n <= TARGETED_CHAINS and ref.working is not None:
            delay = rng.uniform(*ref.working)
        else:
            delay = rng.uniform(0.5 * span if late else 0.0, span)
        r = run_cli(url, scn.args, kill_after=delay)
        tally.runs += 1
        where = f"chain {n} run {i + 1}"
        if not r.killed:
            if expect_resume and "resuming" not in r.stderr:
                tally.violations.append(f"{where}: no 'resuming' after a killed run had started its job")
            if r.returncode != 0:
                tally.violations.append(f"{where}: exit {r.returncode}: {r.stderr.strip()[-500:]}")
            if delay is not None:
                tally.completed_before_kill += 1
            break
        tally.kills += 1
        got = dump(url)
        units = scn.units(got)
        if scn.units(ref.before) < units < ref.units:
            tally.kills_with_partial_work += 1
        tally.violations += [f"{where}: {p}" for p in scn.check_after_kill(got, ref.before, ref.after)]
        job = job_row(url, scn.command)
        expect_resume = job is not None and job["status"] == "running"
        tally.kills_while_working += expect_resume
        if expect_resume and job is not None and job["done"] != units - base:
            tally.violations.append(
                f"{where}: job counts {job['done']} units, the store holds {units - base} more"
            )
        if job is not None and job["status"] == "finished":  # killed on its way out: done
            base = units
    diff = differences(dump(url), ref.after)
    if diff:
        tally.mismatches.append(f"chain {n}: " + "; ".join(diff))
    job = job_row(url, scn.command)
    if job is None or job["status"] != "finished":
        tally.violations.append(f"chain {n}: job not finished after the last run: {job}")
    return tally


def trials(
    scn: Scenario,
    backend: Backend,
    ref: Reference,
    kills: int,
    seed: int,
    max_kills: int = 6,
    parallel: int = 2,
) -> Tally:
    """Chains of kill-and-resume, ``parallel`` at a time, until at least ``kills`` runs were killed.

    Chains are independent (each its own store and seeded delays), so running two at once only
    uses both cores; which chains run is decided by the kills counted when each chain finishes.
    """
    tally = Tally()
    t0 = time.perf_counter()
    started = 0
    with ThreadPoolExecutor(parallel) as pool:
        running: set[Future[Tally]] = set()
        while True:
            # another chain only while the finished and running ones may fall short of ``kills``
            while len(running) < parallel and tally.kills + max_kills * len(running) < kills:
                started += 1
                running.add(pool.submit(chain, scn, backend, ref, started, seed, max_kills))
            if not running:
                break
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for f in finished:
                tally.add(f.result())
    tally.seconds = time.perf_counter() - t0
    return tally

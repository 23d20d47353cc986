"""Killed with SIGKILL at random moments and run again, the long commands end as if never interrupted.

For each of ``ingest``, ``import-events``, ``analyze`` and ``link``, on SQLite and PostgreSQL:
one uninterrupted reference run, then chains of kill-and-resume (see tests/resume_trials.py)
until at least 20 runs were killed while still running. Every chain's final store must equal
the reference; every kill must leave only part of the finished result, with the job's counter
equal to the work committed; and the run after a kill must say it is resuming.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgserver import PG_SERVER
from resume_trials import Backend, Scenario, reference, scenarios, trials

KILLS = 20  # per command and back end (issue #8)
SEED = 8


@pytest.fixture(scope="module")
def resume_scenarios(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scenario]:
    return scenarios(tmp_path_factory.mktemp("resume-inputs"))


@pytest.mark.parametrize("command", ["ingest", "import-events", "analyze", "link"])
def test_killed_and_rerun_equals_uninterrupted(
    command: str, db_url: str, resume_scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    backend = Backend("sqlite" if db_url.startswith("sqlite") else "postgresql", tmp_path, PG_SERVER)
    scn = resume_scenarios[command]
    try:
        ref = reference(scn, backend)
        assert ref.units > scn.units(ref.before)  # the command has work to do
        tally = trials(scn, backend, ref, kills=KILLS, seed=SEED)
    finally:
        backend.cleanup()
    seen = {**tally.as_dict(), "reference_seconds": round(ref.seconds, 2), "working": ref.working}
    assert tally.kills >= KILLS, seen
    # some kills landed while the command worked, not only while Python and the store started up
    assert tally.kills_while_working >= 1, seen
    if command != "link":  # link commits once; the others commit unit by unit
        assert tally.kills_with_partial_work >= 1, seen
    assert not tally.mismatches, tally.mismatches[:5]
    assert not tally.violations, tally.violations[:5]


def test_a_kill_during_the_first_migration_leaves_no_half_schema(tmp_path: Path) -> None:
    """SQLite commits DDL one statement at a time unless told otherwise: the migration must be whole."""
    import random
    import sqlite3

    from infoscope.model import Base
    from resume_trials import run_cli

    tables = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
    clean = run_cli(f"sqlite:///{tmp_path / 'clean.db'}", ["db", "upgrade"])
    assert clean.returncode == 0, clean.stderr
    rng = random.Random(SEED)
    states = []
    for i in range(8):
        path = tmp_path / f"m{i}.db"
        r = run_cli(f"sqlite:///{path}", ["db", "upgrade"], kill_after=rng.uniform(0.4, 1.0) * clean.seconds)
        found = set()
        if path.exists():
            with sqlite3.connect(path) as c:
                found = {n for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        states.append((r.killed, len(found)))
        assert found in (set(), tables), f"a kill left {len(found)} of {len(tables)} tables"
        again = run_cli(f"sqlite:///{path}", ["db", "upgrade"])
        assert again.returncode == 0, again.stderr
    assert any(killed for killed, _ in states), states

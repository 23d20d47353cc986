"""The jobs table: a run that did not finish is found by the next run with the same arguments."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, insert, select

from conftest import DEMO, run_cli
from infoscope.analyze.persist import count_pending, iter_pending, pending_documents, pipeline_version
from infoscope.ingest.run import ingest
from infoscope.jobs import job, start_job
from infoscope.model import DocumentAnalysis, Job


def _row(store, command: str) -> Job:
    with store.sessions() as s:
        return s.scalars(select(Job).where(Job.command == command)).one()


def test_an_unfinished_run_is_resumed_and_a_finished_one_starts_afresh(store):
    first = start_job(store, "ingest", {"inputs": ["/a"], "n": 1})
    assert not first.resumed
    with store.engine.begin() as conn:
        first.tick(conn, 3)
    # killed here: no finish. The same arguments find it; other arguments are another job.
    other = start_job(store, "ingest", {"inputs": ["/b"], "n": 1})
    assert not other.resumed and other.id != first.id
    again = start_job(store, "ingest", {"n": 1, "inputs": ["/a"]})  # key order does not matter
    assert again.resumed and again.done_before == 3 and again.id == first.id
    assert again.started_at == first.started_at  # the job's start, not this run's
    assert "3 documents already done" in (again.resume_message("documents") or "")
    with store.engine.begin() as conn:
        again.tick(conn, 2)
    again.finish({"ingested": 5})
    with store.sessions() as s:
        row = s.get(Job, first.id)
        assert (row.status, row.done, row.runs, row.interrupted) == ("finished", 5, 2, 1)
        assert row.counts == {"ingested": 5} and row.finished_at is not None
    fresh = start_job(store, "ingest", {"inputs": ["/a"], "n": 1})
    assert not fresh.resumed and fresh.done_before == 0


def test_an_error_marks_the_job_failed_and_the_next_run_resumes_it(store):
    with pytest.raises(RuntimeError), job(store, "link", {"x": 1}):
        raise RuntimeError("disk full\nmore")
    row = _row(store, "link")
    assert row.status == "failed" and row.error == "RuntimeError: disk full"
    with job(store, "link", {"x": 1}) as run:
        assert run.resumed
        run.finish({})
    assert _row(store, "link").interrupted == 0  # it failed visibly; it was not killed


def test_a_finish_that_never_committed_leaves_the_job_failed_and_a_committed_one_stays(store):
    with pytest.raises(RuntimeError), job(store, "link", {"y": 1}) as run:
        with store.engine.begin() as conn:
            run.finish({"events": 3}, conn)
            raise RuntimeError("lost at commit")  # the transaction holding the finish rolls back
    assert _row(store, "link").status == "failed"
    with pytest.raises(RuntimeError), job(store, "link", {"y": 1}) as run:
        run.finish({"events": 3})
        raise RuntimeError("printing the summary failed")  # after a committed finish
    row = _row(store, "link")
    assert (row.status, row.counts, row.error) == ("finished", {"events": 3}, None)


def test_an_interrupted_analyze_all_goes_on_with_what_it_had_not_reached(store):
    ingest(store, [str(p) for p in sorted((DEMO / "articles").iterdir())[:4]])
    ids = pending_documents(store)
    assert len(ids) == 4
    start = dt.datetime(2026, 1, 1, 12, 0, 0)
    with store.engine.begin() as conn:
        rows = [
            (ids[0], start - dt.timedelta(days=1), None),  # analysed before the --all run began
            (ids[1], start, None),  # analysed by it
            (ids[2], start + dt.timedelta(minutes=5), "ValueError: bad"),  # failed in it: again
        ]
        for doc, at, error in rows:
            conn.execute(
                insert(DocumentAnalysis).values(
                    document_id=doc, version=pipeline_version(), analyzed_at=at, items=0, error=error
                )
            )
    assert pending_documents(store, everything=True) == ids
    assert pending_documents(store, everything=True, since=start) == [ids[0], ids[2], ids[3]]
    assert pending_documents(store) == [ids[2], ids[3]]


def test_pending_documents_are_read_a_page_at_a_time_while_the_analysis_writes(store):
    ingest(store, [str(p) for p in sorted((DEMO / "articles").iterdir())[:7]])
    ids = pending_documents(store)
    assert len(ids) == 7 and ids == sorted(ids) and count_pending(store) == 7
    pages: list[str] = []  # the id queries sent while reading: one per page, never one for all
    event.listen(
        store.engine, "before_cursor_execute", lambda *a: pages.append(a[2]) if "LIMIT" in a[2] else None
    )
    seen = []
    for doc in iter_pending(store, page=2):  # four pages; each document is stored as it comes
        seen.append(doc)
        with store.engine.begin() as conn:
            conn.execute(
                insert(DocumentAnalysis).values(
                    document_id=doc, version=pipeline_version(), analyzed_at=dt.datetime(2026, 1, 1), items=0
                )
            )
    assert seen == ids  # none skipped, none twice, though every page's query sees fewer pending
    assert len(pages) == 4
    assert count_pending(store) == 0 and list(iter_pending(store, page=2)) == []
    assert (
        count_pending(store, everything=True) == 7
        and list(iter_pending(store, everything=True, page=3)) == ids
    )


def test_the_cli_says_it_resumes(sqlite_url, tmp_path):
    args = ("import-events", str(DEMO / "events.csv"))
    r = run_cli(*args, db=sqlite_url)
    assert r.returncode == 0 and "resuming" not in r.stderr
    from infoscope.store import open_store

    s = open_store(sqlite_url)
    with s.engine.begin() as conn:  # as a SIGKILL would leave it: still marked running
        conn.execute(Job.__table__.update().values(status="running"))
    s.close()
    r = run_cli(*args, db=sqlite_url)
    assert r.returncode == 0
    assert "resuming: an earlier import-events with these arguments did not finish; 40 events" in r.stderr

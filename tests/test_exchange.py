"""Ledger export and import: export, import into an empty store, export again is identical."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

from conftest import DEMO, run_cli
from infoscope.errors import InfoscopeError
from infoscope.events.importer import import_events
from infoscope.ingest.registry import SourceRegistry
from infoscope.ingest.run import IngestOptions, ingest
from infoscope.ledger.exchange import export_ledger, import_ledger
from infoscope.store import open_store


def _fill(store) -> None:
    opts = IngestOptions(registry=SourceRegistry.load(DEMO / "sources.toml"))
    summary = ingest(store, [str(DEMO / "articles"), str(DEMO / "html"), str(DEMO / "feed.xml")], opts)
    assert summary.failed == 0 and summary.ingested >= 40
    import_events(store, DEMO / "events.csv")


def _export(store) -> str:
    buf = io.StringIO()
    export_ledger(store, buf)
    return buf.getvalue()


def test_round_trip_is_exact_across_back_ends(store, tmp_path: Path, request):
    _fill(store)
    first = _export(store)
    # into the other back end as well as the same one: the export is independent of the database
    targets = [f"sqlite:///{tmp_path / 'copy.db'}"]
    if store.dialect == "sqlite":
        targets.append(request.getfixturevalue("pg_url"))
    for url in targets:
        target = open_store(url)
        counts = import_ledger(target, io.StringIO(first))
        assert counts["documents"] >= 40 and counts["events"] > 0
        assert _export(target) == first
        target.close()


def test_round_trip_through_the_cli(sqlite_url, tmp_path: Path):
    r = run_cli("ingest", str(DEMO / "articles"), "--sources", str(DEMO / "sources.toml"), db=sqlite_url)
    assert r.returncode == 0, r.stderr
    dump = tmp_path / "ledger.jsonl"
    assert run_cli("export", "--format", "jsonl", "-o", str(dump), db=sqlite_url).returncode == 0
    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    assert run_cli("import-ledger", str(dump), db=copy).returncode == 0
    again = run_cli("export", "--format", "jsonl", db=copy)
    assert hashlib.sha256(again.stdout.encode()).hexdigest() == hashlib.sha256(dump.read_bytes()).hexdigest()
    refused = run_cli("import-ledger", str(dump), db=copy)
    assert refused.returncode == 1 and "not empty" in refused.stderr


def test_bad_export_loads_nothing(store):
    with pytest.raises(InfoscopeError, match="not an infoscope ledger export"):
        import_ledger(store, io.StringIO('{"hello": 1}\n'))
    good_header = '{"format": "infoscope-ledger", "schema": "0001", "version": 1}\n'
    src = (
        '{"row": {"id": "src_a", "name": "A", "kind": "outlet", "country": null, "language": null, '
        '"domain": null, "owner": null, "created_at": "2024-01-01T00:00:00"}, "table": "sources"}\n'
    )
    with pytest.raises(InfoscopeError, match="line 3"):
        import_ledger(store, io.StringIO(good_header + src + "{not json\n"))
    assert _export(store).count("\n") == 1  # all or nothing: the source row was rolled back


def test_users_and_tokens_never_travel_in_an_export(sqlite_url, tmp_path: Path):
    from infoscope.web.accounts import create_token, create_user

    s = open_store(sqlite_url)
    create_user(s, "ana", "reviewer", "a long enough password")
    create_token(s, "ana", "ci")
    dump = _export(s)
    s.close()
    assert '"table": "users"' not in dump and '"table": "api_tokens"' not in dump
    assert "argon2" not in dump


def test_filtered_event_exports(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    assert run_cli("import-events", str(DEMO / "events.csv"), db=db).returncode == 0
    geo = json.loads(run_cli("export", "--format", "geojson", "--country", "DE", db=db).stdout)
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert {f["properties"]["country"] for f in geo["features"]} == {"DE"}
    acled = run_cli("export", "--format", "acled-csv", "--period", "2024-07", db=db).stdout.splitlines()
    assert acled[0].startswith("event_id_cnty,event_date,year,event_type,sub_event_type")
    assert len(acled) > 10
    bad = run_cli("export", "--format", "xml", db=db)
    assert bad.returncode == 2 and "unknown export format" in bad.stderr


def test_round_trip_keeps_review_decisions_and_the_audit_log(store, tmp_path: Path, request):
    """A backup restores people's decisions exactly: review states, their versions, the audit log."""
    from sqlalchemy import select

    from infoscope.analyze.document import AnalysisDoc
    from infoscope.analyze.persist import store_result
    from infoscope.model import Annotation, Document, Event
    from infoscope.web.accounts import Principal
    from infoscope.web.review import ReviewError, set_review

    _fill(store)
    with store.sessions() as s:
        e1, e2 = s.scalars(select(Event.id).order_by(Event.id).limit(2)).all()
        doc = s.scalars(select(Document).order_by(Document.id).limit(1)).one()
    sentence = doc.text.split("\n")[0]
    claim = AnalysisDoc(text=doc.text, id=doc.id, layers={"claims": [{"start": 0, "end": len(sentence)}]})
    store_result(store, doc.id, claim)
    with store.sessions() as s:
        claim_id = s.scalars(select(Annotation.id).where(Annotation.layer == "claims")).one()
    rita = Principal("usr_rita", "rita", "reviewer")
    set_review(store, "event", e1, "verified", "two outlets agree", 0, rita)
    set_review(store, "event", e1, "disputed", "casualty figures differ <b>", 1, rita)
    set_review(store, "event", e2, "rejected", None, 0, rita)
    set_review(store, "claim", claim_id, "verified", "checked against the registry", 0, rita)
    first = _export(store)
    assert first.count('"table": "review_states"') == 3 and first.count('"table": "audit_log"') == 4

    targets = [f"sqlite:///{tmp_path / 'restored.db'}"]
    if store.dialect == "sqlite":
        targets.append(request.getfixturevalue("pg_url"))
    for url in targets:
        target = open_store(url)
        import_ledger(target, io.StringIO(first))
        again = _export(target)
        assert hashlib.sha256(again.encode()).hexdigest() == hashlib.sha256(first.encode()).hexdigest()
        # the restored decisions are live: the next decision builds on version 2, a stale one is refused
        with target.sessions() as s:
            assert s.get(Event, e1).status == "disputed" and s.get(Event, e2).status == "rejected"
        assert set_review(target, "event", e1, "verified", None, 2, rita)["version"] == 3
        with pytest.raises(ReviewError, match="reviewed by someone else"):
            set_review(target, "event", e1, "rejected", None, 2, rita)
        target.close()

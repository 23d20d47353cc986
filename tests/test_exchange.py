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

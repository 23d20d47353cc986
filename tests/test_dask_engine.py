"""``--engine dask`` stores exactly what the local engine stores, on SQLite and on PostgreSQL.

The demo corpus runs end to end (ingest, analyze, import-events, link) through the real CLI with
each engine, and the two ledger exports must be equal once volatile timestamps are dropped.
Sharded JSON Lines and Parquet inputs are ingested with both engines through the library, on a
real LocalCluster, and cut into small chunks so that chunk boundaries are crossed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conftest import DEMO, pg_schema, run_cli
from infoscope.analyze.bulk import Result, write_batch
from infoscope.ingest.run import IngestOptions, expand_inputs, ingest
from infoscope.model import Annotation, Document, DocumentAnalysis, DocumentVector
from infoscope.store import open_store


@pytest.fixture
def second_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty store on the same back end as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    with pg_schema() as url:
        yield url


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from infoscope.scale.cluster import dask_client

    with dask_client(workers=1) as c:
        yield c


def canonical_export(url: str, tmp_path: Path, name: str) -> list[str]:
    """The ledger export, rows with their run timestamps (``*_at``) left out."""
    out = tmp_path / f"{name}.jsonl"
    r = run_cli("export", "--format", "jsonl", "-o", str(out), db=url)
    assert r.returncode == 0, r.stderr
    lines = []
    for line in out.read_text(encoding="utf-8").splitlines()[1:]:  # line 1: format header
        obj = json.loads(line)
        row = {k: v for k, v in obj["row"].items() if not k.endswith("_at")}
        lines.append(json.dumps({"table": obj["table"], "row": row}, sort_keys=True, ensure_ascii=False))
    return lines


def demo_run(url: str, engine: list[str]) -> None:
    steps = [
        ["ingest", str(DEMO / "articles"), str(DEMO / "html"), str(DEMO / "feed.xml")]
        + ["--sources", str(DEMO / "sources.toml"), *engine],
        ["analyze", *engine],
        ["import-events", str(DEMO / "events.csv")],
        ["link", *engine],
    ]
    for args in steps:
        r = run_cli(*args, db=url)
        assert r.returncode == 0, f"{args[0]}: {r.stdout}\n{r.stderr}"


def test_demo_ledger_is_the_same_on_dask(db_url: str, second_url: str, tmp_path: Path) -> None:
    demo_run(db_url, [])
    demo_run(second_url, ["--engine", "dask", "--workers", "1"])
    local = canonical_export(db_url, tmp_path, "local")
    dask = canonical_export(second_url, tmp_path, "dask")
    tables = {json.loads(line)["table"] for line in local}
    assert {"documents", "annotations", "spans", "document_analyses", "events", "event_mentions"} <= tables
    assert sum('"table": "annotations"' in line for line in local) > 1000
    assert local == dask
    # the opening-passage vectors (not exported: a cache) are the same bytes from either engine
    assert _vectors(db_url) == _vectors(second_url)
    assert len(_vectors(db_url)) == sum('"table": "documents"' in line for line in local)


def _vectors(url: str) -> dict[str, bytes]:
    store = open_store(url)
    try:
        with store.engine.connect() as c:
            return dict(c.execute(select(DocumentVector.document_id, DocumentVector.vector)).all())
    finally:
        store.close()


# --- shards -------------------------------------------------------------------------------

SENTENCES = {
    "en": "Thousands of people marched through {city} on Saturday to protest against the war.",
    "de": "Tausende Menschen demonstrierten am Samstag in {city} gegen den Krieg.",
    "fr": "Des milliers de personnes ont manifesté samedi à {city} contre la guerre.",
    "ru": "Тысячи человек вышли в субботу на улицы города {city}, протестуя против войны.",
    "tr": "Binlerce kişi cumartesi günü {city} sokaklarında savaşı protesto etti.",
}
CITIES = ["Paris", "Berlin", "Lyon", "Hamburg", "Ankara", "Moscow", "Vienna"]


def records(n: int, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        lang = list(SENTENCES)[i % len(SENTENCES)]
        text = SENTENCES[lang].format(city=rng.choice(CITIES)) + f" Report {i}."
        out.append(
            {
                "title": f"{lang} report {i}",
                "text": text,
                "source": f"Outlet {i % 7}",
                "published_at": f"2024-07-{1 + i % 28:02d}",
                "url": f"https://outlet{i % 7}.example/{i}",
                "section": "world",
            }
        )
    out[5]["text"] = out[4]["text"]  # a duplicate text from another source: stored twice
    out[6]["source"], out[6]["text"] = out[13]["source"], out[13]["text"]  # same text, same source
    out[20]["url"] = out[10]["url"]  # a URL seen before
    out[30]["text"] = "   "  # empty: skipped
    del out[0]["url"]  # the first record fixes the columns: later urls of that shard are not read
    return out


def write_shards(folder: Path, recs: list[dict[str, Any]], shards: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir()
    per = len(recs) // shards
    for k in range(shards):
        part = recs[k * per : (k + 1) * per if k < shards - 1 else len(recs)]
        lines = [json.dumps(r, ensure_ascii=False) for r in part]
        if k == 1:
            lines.insert(7, "{not json")  # a bad line: one failed item, the rest go on
        (folder / f"part-{k:03d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        table = pa.Table.from_pylist([{**{"url": None}, **r} for r in part])
        pq.write_table(table, folder / f"part-{k:03d}.parquet", row_group_size=40)


def stored_documents(url: str) -> list[dict[str, Any]]:
    s = open_store(url)
    try:
        with s.engine.connect() as c:
            rows = c.execute(select(Document).order_by(Document.id)).mappings().all()
        return [{k: v for k, v in r.items() if k != "ingested_at"} for r in rows]
    finally:
        s.close()


@pytest.mark.parametrize("pattern", ["*.jsonl", "*.parquet"])
def test_shards_ingest_the_same_on_dask(
    db_url: str,
    second_url: str,
    tmp_path: Path,
    client: Any,
    pattern: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from infoscope.scale import ingest as dingest

    monkeypatch.setattr(dingest, "CHUNK_LINES", 37)  # chunk boundaries fall inside every shard
    monkeypatch.setattr(dingest, "CHUNK_ROWS", 29)
    recs = records(300)
    write_shards(tmp_path / "shards", recs, 3)
    given = [str(tmp_path / "shards" / pattern)]
    assert len([p for p in expand_inputs(given) if isinstance(p, str)]) == 3

    s1, s2 = open_store(db_url), open_store(second_url)
    try:
        local = ingest(s1, given, IngestOptions())
        dask = dingest.ingest_distributed(s2, given, client, IngestOptions(), window=3)
    finally:
        s1.close()
        s2.close()
    assert local.as_dict() == dask.as_dict()
    jsonl = pattern == "*.jsonl"
    # JSON Lines: the first record has no url, so that shard's urls are not read (as a whole-file read)
    assert (local.skipped, local.duplicates, local.failed) == ((1, 1, 1) if jsonl else (1, 2, 0))
    assert local.ingested == 300 - local.skipped - local.duplicates
    docs = stored_documents(db_url)
    assert docs == stored_documents(second_url)
    assert sum(d["url"] is None for d in docs) == (98 if jsonl else 1)
    assert all(d["language"] for d in docs)


def test_parquet_and_jsonl_give_the_same_documents(tmp_path: Path) -> None:
    recs = records(120)
    recs[0]["url"] = "https://outlet0.example/0"
    write_shards(tmp_path / "shards", recs, 2)
    by_format = []
    for pattern in ("*.jsonl", "*.parquet"):
        url = f"sqlite:///{tmp_path / (pattern[2:] + '.db')}"
        s = open_store(url)
        ingest(s, [str(tmp_path / "shards" / pattern)])
        s.close()
        keep = ("id", "source_id", "url", "title", "text", "published_at", "language", "content_hash")
        by_format.append([{k: d[k] for k in keep} for d in stored_documents(url)])
    assert by_format[0] == by_format[1]
    assert len(by_format[0]) > 100


def test_a_glob_that_matches_nothing_is_one_clear_problem(tmp_path: Path) -> None:
    (got,) = list(expand_inputs([str(tmp_path / "none-*.parquet")]))
    assert not isinstance(got, str) and got.reason == "no files match this pattern"


def test_a_bad_document_does_not_sink_a_bulk_batch(store: Any, tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Protesters gathered in Paris on 3 July 2024, report {i}.")
    assert ingest(store, [str(tmp_path)], IngestOptions(source="Wire")).ingested == 3
    with store.engine.connect() as c:
        ids = c.execute(select(Document.id).order_by(Document.origin)).scalars().all()
    good = {"places": [{"name": "Paris", "country": "FR", "start": 23, "end": 28}]}
    bad = {"places": [{"name": "Paris", "odd": {1, 2}, "start": 23, "end": 28}]}  # not JSON
    out = write_batch(store, [Result(ids[0], good), Result(ids[1], bad), Result(ids[2], good)])
    assert [r.layers is not None for r in out] == [True, False, True]
    with store.engine.connect() as c:
        anns = c.execute(select(Annotation.document_id).order_by(Annotation.document_id)).scalars().all()
        errors = dict(c.execute(select(DocumentAnalysis.document_id, DocumentAnalysis.error)).all())
    assert anns == sorted([ids[0], ids[2]])
    assert errors[ids[0]] is None and errors[ids[2]] is None
    assert "serializable" in (errors[ids[1]] or "")


def test_engine_options_are_checked(tmp_path: Path) -> None:
    r = run_cli("analyze", "--scheduler", "tcp://127.0.0.1:8786", db=str(tmp_path / "x.db"))
    assert r.returncode == 2 and "--scheduler and --workers need --engine dask" in r.stderr
    r = run_cli("ingest", str(DEMO / "feed.xml"), "--engine", "spark", db=str(tmp_path / "x.db"))
    assert r.returncode == 2 and "--engine must be one of local, dask" in r.stderr


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path: Path) -> None:
    r = run_cli("analyze", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", db=str(tmp_path / "x.db"))
    assert r.returncode == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_worker_with_another_pipeline_refuses() -> None:
    from infoscope.errors import InfoscopeError
    from infoscope.scale.analyze import analyze_batch

    with pytest.raises(InfoscopeError, match="install the same infoscope version"):
        analyze_batch([], "0000000000000000")

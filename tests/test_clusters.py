"""Near-copy clusters and coordination flags, on the demo corpus and on made-up cases."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from sqlalchemy import select

from conftest import DEMO, run_cli
from infoscope.ingest.records import IncomingDocument, SourceInfo
from infoscope.ingest.registry import SourceRegistry
from infoscope.ingest.run import DocumentWriter, IngestOptions, ingest
from infoscope.link.clusters import ClusterSettings, build_clusters, cluster_timelines, shingle_hashes
from infoscope.model import Document

STORY = (
    "Police in Berlin detained fourteen people after a group of radicals attacked a peaceful mourning "
    "rally near the Brandenburg Gate on Saturday evening, witnesses told reporters at the scene. "
) * 3


def _doc(writer: DocumentWriter, text: str, source: str, owner: str | None, hour: int) -> None:
    status, _ = writer.write(
        IncomingDocument(
            origin=f"{source}.txt",
            text=text,
            source=SourceInfo(name=source, kind="outlet", owner=owner),
            published_at=dt.datetime(2024, 7, 21, hour),
        )
    )
    assert status == "ingested"


def test_demo_copy_cluster_is_found_and_flagged(store):
    ingest(
        store, [str(DEMO / "articles")], IngestOptions(registry=SourceRegistry.load(DEMO / "sources.toml"))
    )
    summary = build_clusters(store)
    labels = tomllib.loads((DEMO / "labels" / "events.toml").read_text())
    expected = {str(DEMO / p) for p in labels["copy_cluster"][0]["documents"]}
    with store.sessions() as s:
        origin = dict(s.execute(select(Document.id, Document.origin)).all())
    found = [{origin[d.id] for d in c.members} for c in summary.results]
    assert expected in found
    flagged = [c for c in summary.results if {origin[d.id] for d in c.members} == expected][0]
    assert flagged.coordinated and flagged.sources == 3  # two outlets share an owner: counted once
    # the translation pair is not a near-copy (different languages share no word shingles)
    trans = labels["translation"][0]
    pair = {str(DEMO / trans["source"]), str(DEMO / trans["target"])}
    assert all(not pair <= f for f in found)
    timeline = cluster_timelines(store, coordinated_only=True)[0]["timeline"]
    assert [t["published"] for t in timeline] == sorted(t["published"] for t in timeline)


def test_same_owner_copies_are_not_coordination(store):
    w = DocumentWriter(store, IngestOptions())
    for i, name in enumerate(["Alpha", "Beta", "Gamma"]):
        _doc(w, STORY + f" Reported by desk {i}.", name, "One Holding", 6 + i)
    res = build_clusters(store)
    assert res.clusters == 1 and res.coordinated == 0 and res.results[0].sources == 1


def test_window_and_threshold(store):
    w = DocumentWriter(store, IngestOptions())
    for i, (name, hour) in enumerate([("A", 1), ("B", 2), ("C", 23)]):
        _doc(w, STORY + f" Update {i}.", name, None, hour)
    _doc(
        w,
        "An unrelated text about the weather in Lisbon, which was sunny and mild all week long.",
        "D",
        None,
        3,
    )
    assert build_clusters(store, ClusterSettings(window=dt.timedelta(hours=24))).coordinated == 1
    narrow = build_clusters(store, ClusterSettings(window=dt.timedelta(hours=12)))
    assert narrow.clusters == 1 and narrow.coordinated == 0 and narrow.clustered_documents == 3
    assert build_clusters(store).clusters == 1  # rebuilding replaces, never duplicates
    assert len(cluster_timelines(store)) == 1


def test_shingles_ignore_case_and_punctuation():
    assert list(shingle_hashes("One, two; THREE four five!")) == list(
        shingle_hashes("one two three four five")
    )
    assert len(shingle_hashes("a b c d e f")) == 2 and len(shingle_hashes("a b")) == 1


def test_link_command_and_stats(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'l.db'}"
    assert (
        run_cli(
            "ingest", "examples/demo/articles", "--sources", "examples/demo/sources.toml", db=db
        ).returncode
        == 0
    )
    r = run_cli("link", "--json", db=db)
    assert r.returncode == 0, r.stderr
    import json

    st = json.loads(run_cli("stats", "--json", db=db).stdout)
    assert st["clusters"] >= 1 and st["coordinated_clusters"] >= 1
    c = json.loads(run_cli("clusters", "--coordinated", "--json", db=db).stdout)
    assert c[0]["coordinated"] and len(c[0]["timeline"]) == 4


def test_translation_pair_of_the_demo_is_found_and_nothing_else(store):
    from infoscope.link.crosslang import build_translation_clusters, find_translations

    ingest(
        store, [str(DEMO / "articles")], IngestOptions(registry=SourceRegistry.load(DEMO / "sources.toml"))
    )
    labels = tomllib.loads((DEMO / "labels" / "events.toml").read_text())
    trans = labels["translation"][0]
    with store.sessions() as s:
        origin = dict(s.execute(select(Document.id, Document.origin)).all())
    found = [{origin[d] for d in c["members"]} for c in find_translations(store)]
    assert found == [{str(DEMO / trans["source"]), str(DEMO / trans["target"])}]
    assert build_translation_clusters(store) == 1
    assert [c["kind"] for c in cluster_timelines(store)] == ["cross_language"]

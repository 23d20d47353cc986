"""The bundled demo corpus and the demo pipeline, run as `make demo` runs it."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path

from conftest import DEMO, run_cli
from infoscope.ingest.text import split_front_matter


def _front_matter() -> dict[str, dict[str, str]]:
    return {
        p.name: split_front_matter(p.read_text(encoding="utf-8"))[0] for p in (DEMO / "articles").glob("*.md")
    }


def test_corpus_meets_its_brief():
    size = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    assert size < 2_000_000
    fm = _front_matter()
    langs = Counter(f["language"] for f in fm.values())
    assert len(fm) >= 40 and {"en", "ru", "tr", "fr", "de"} <= set(langs)
    assert all(langs[lang] >= 5 for lang in ("en", "ru", "tr", "fr", "de"))
    registry = {s["name"] for s in tomllib.loads((DEMO / "sources.toml").read_text())["source"]}
    assert {f["source"] for f in fm.values()} <= registry
    labels = tomllib.loads((DEMO / "labels" / "events.toml").read_text())
    for ev in labels["event"]:
        assert all((DEMO / d).is_file() for d in ev["documents"]), ev["id"]
    assert labels["copy_cluster"] and labels["translation"] and labels["tally"]
    assert "fictional" in (DEMO / "README.md").read_text().lower()


def test_demo_pipeline_end_to_end(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    r = run_cli(
        "ingest",
        "examples/demo/articles",
        "examples/demo/html",
        "examples/demo/feed.xml",
        "--sources",
        "examples/demo/sources.toml",
        "--json",
        db=db,
    )
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["failed"] == 0 and s["ingested"] >= 50
    ev = json.loads(run_cli("import-events", "examples/demo/events.csv", "--json", db=db).stdout)
    assert (ev["rows"], ev["imported"], ev["duplicates"]) == (42, 40, 2)
    rep = run_cli("report", "--html", str(tmp_path / "report"), db=db)
    assert rep.returncode == 0, rep.stderr
    page = (tmp_path / "report" / "index.html").read_text()
    assert "Albion Herald" in page and "<script" not in page
    st = json.loads(run_cli("stats", "--json", db=db).stdout)
    assert st["documents"] == s["ingested"] and st["events"] == 40
    assert {"en", "ru", "tr", "fr", "de"} <= set(st["languages"])
    assert st["sources"] >= 20


def test_report_escapes_hostile_text(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    evil = tmp_path / "evil.md"
    evil.write_text(
        "---\ntitle: <script>alert(1)</script><img src=x onerror=alert(2)>\n"
        "source: <b>Bad</b>\n---\nBody text here.\n"
    )
    assert run_cli("ingest", str(evil), db=db).returncode == 0
    assert run_cli("report", "--html", str(tmp_path / "r"), db=db).returncode == 0
    page = (tmp_path / "r" / "index.html").read_text()
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page

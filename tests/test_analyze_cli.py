"""`infoscope analyze`: the JSON Lines contract, evidence offsets over whole corpora, and storage."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import DEMO, run_cli, shared

CONTRACT = {
    "id",
    "source",
    "language",
    "places",
    "dates",
    "quantities",
    "actors",
    "events",
    "tallies",
    "techniques",
    "claims",
    "tone",
}
ITEM_KEYS = {
    "places": {"text", "start", "end", "name", "country", "continent", "lat", "lon"},
    "dates": {"text", "start", "end", "date"},
    "quantities": {"text", "start", "end", "value", "low", "high", "qualifier", "unit"},
    "actors": {"text", "start", "end", "kind"},
    "events": {
        "type",
        "subtype",
        "form",
        "date",
        "place",
        "participants",
        "killed",
        "injured",
        "actors",
        "evidence",
    },
    "tallies": {"counted", "value", "qualifier", "scope", "parts", "check", "evidence"},
    "techniques": {"technique", "start", "end", "text", "score"},
    "claims": {"start", "end", "text", "checkworthy"},
}


def check_offsets(obj: dict) -> int:
    """Every item's quote is exactly the text at its offsets; returns how many items were checked."""
    text = obj["text"]
    n = 0
    for layer, keys in ITEM_KEYS.items():
        for item in obj[layer]:
            assert keys <= set(item), (layer, item)
            spans = [item] if "start" in item else []
            if "evidence" in item:
                spans.append(item["evidence"])
            for sp in spans:
                assert text[sp["start"] : sp["end"]] == sp["text"], (obj["source"], layer, sp)
                n += 1
    tone = obj["tone"]
    assert set(tone) >= {"document", "sentences"}
    for sent in tone["sentences"]:
        assert text[sent["start"] : sent["end"]] == sent["text"]
        assert sent["score"] is None or -1.0 <= sent["score"] <= 1.0
    return n


def test_json_lines_over_the_demo_corpus_in_input_order():
    files = sorted(str(p.relative_to(DEMO.parent.parent)) for p in (DEMO / "articles").glob("*.md"))
    r = run_cli("analyze", *files, "--json", "--with-text")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["source"] for o in lines] == files
    checked = 0
    for obj in lines:
        assert CONTRACT <= set(obj)
        checked += check_offsets(obj)
    assert checked > 500
    by_lang = {o["language"] for o in lines}
    assert {"en", "ru", "tr", "fr", "de"} <= by_lang
    statuses = [t["check"]["status"] for o in lines for t in o["tallies"]]
    assert "inconsistent" in statuses and "consistent" in statuses


def test_offsets_hold_over_the_ptc_train_articles():
    folder = shared("ptc", "train-articles")
    r = run_cli("analyze", str(folder), "--json", "--with-text", timeout=1200)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(lines) == 371
    assert sum(check_offsets(o) for o in lines) > 5000


def test_a_bad_input_gets_its_own_error_line(tmp_path: Path):
    good = tmp_path / "a.txt"
    good.write_text("Around 300 people rallied in Vienna on 26 July 2024.")
    binary = tmp_path / "b.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    r = run_cli("analyze", str(good), str(binary), str(tmp_path / "missing.txt"), "--json")
    assert r.returncode == 1
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [bool(o.get("error")) for o in lines] == [False, True, True]
    assert lines[0]["places"][0]["country"] == "AT"


def test_stored_analysis_and_report(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'a.db'}"
    r = run_cli("analyze", "examples/demo/articles", "--sources", "examples/demo/sources.toml", db=db)
    assert r.returncode == 0, r.stderr
    st = json.loads(run_cli("stats", "--json", db=db).stdout)
    assert st["analyzed_documents"] == st["documents"] >= 40
    for layer in ("places", "dates", "quantities", "actors", "events", "tallies"):
        assert st["annotations"].get(layer, 0) > 0, layer
    again = run_cli("analyze", db=db)
    assert "analysed 0" in again.stdout
    rep = run_cli("report", "--html", str(tmp_path / "r"), db=db)
    assert rep.returncode == 0
    page = (tmp_path / "r" / "index.html").read_text()
    assert "inconsistent" in page and "71" in page


def test_events_classify_tsv(tmp_path: Path):
    tsv = tmp_path / "s.tsv"
    tsv.write_text(
        "id\ttext\n1\tThousands of people rallied outside the embassy in Paris on Saturday.\n"
        "2\tArtillery shelled the village overnight, killing two civilians.\n"
        "3\tThe weather was mild.\n",
        encoding="utf-8",
    )
    r = run_cli("events", "classify", str(tsv))
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert rows == [
        ["1", "Protests", "Peaceful protest"],
        ["2", "Explosions/Remote violence", "Shelling/artillery/missile attack"],
        ["3", "Other", "Other"],
    ]


def test_rhetoric_commands_keep_the_shared_task_formats(tmp_path: Path):
    tsv = tmp_path / "c.tsv"
    tsv.write_text(
        "id\ttext\n1\tUnemployment fell to 3.1% in 2023, the minister said.\n2\tWhat a lovely day!\n"
    )
    rows = [line.split("\t") for line in run_cli("claims", "score", str(tsv)).stdout.splitlines()]
    assert [r[0] for r in rows] == ["1", "2"] and [r[2] for r in rows] == ["Yes", "No"]
    assert float(rows[0][1]) > float(rows[1][1])
    tpl = tmp_path / "t.template"
    tpl.write_text(
        "7\t1\tCes criminels nous mentent depuis toujours, réveillez-vous !\n7\t2\t\n", encoding="utf-8"
    )
    out = run_cli("techniques", "paragraphs", str(tpl), "--lang", "fr").stdout.splitlines()
    assert [line.split("\t")[:2] for line in out] == [["7", "1"], ["7", "2"]] and out[1] == "7\t2\t"
    art = tmp_path / "arts"
    art.mkdir()
    (art / "article42.txt").write_text(
        "They are traitors and liars who hate freedom.\nThe meeting starts at noon.\n"
    )
    spans = run_cli("techniques", "spans", str(art)).stdout.splitlines()
    assert all(line.split("\t")[0] == "42" and len(line.split("\t")) == 3 for line in spans)
    given = tmp_path / "spans.txt"
    given.write_text("42\t?\t10\t18\n")
    labelled = run_cli("techniques", "classify", str(art), str(given)).stdout.splitlines()
    assert (
        len(labelled) == 1
        and labelled[0].split("\t")[0] == "42"
        and labelled[0].split("\t")[2:] == ["10", "18"]
    )

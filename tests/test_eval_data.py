"""Integrity of the held-out evaluation data (tests/data/eval): a broken label silently skews every figure."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "data" / "eval"
SHARED = ROOT.parent / "shared" / "data"

SUBTYPES = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    },
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    },
    "Information activity": {"Statement", "Publication", "Meeting"},
}
QUALIFIERS = {"exact", "about", "at_least", "more_than", "at_most", "less_than", "vague"}
KINDS = {"person", "organization", "group", "government"}
LANGS = ("en", "ru", "tr", "fr", "de", "uk")


@pytest.fixture(scope="module")
def sentences() -> list[dict]:
    lines = (EVAL / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def event_rows() -> list[dict]:
    with (EVAL / "event_types.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_sentence_counts_meet_the_minimums(sentences: list[dict]) -> None:
    per_lang = Counter(s["lang"] for s in sentences)
    assert len(sentences) >= 240
    for lang in LANGS:
        assert per_lang[lang] >= 35, (lang, per_lang[lang])
    assert len({s["id"] for s in sentences}) == len(sentences), "duplicate ids"
    assert sum(bool(s["tallies"]) for s in sentences) >= 20
    assert sum(not s["events"] for s in sentences) >= 25


def test_every_gold_text_is_in_its_sentence_at_its_offsets(sentences: list[dict]) -> None:
    for s in sentences:
        for layer in ("places", "dates", "quantities", "actors"):
            for item in s[layer]:
                assert item["text"] in s["text"], (s["id"], layer, item["text"])
                if "start" in item:
                    assert s["text"][item["start"] : item["end"]] == item["text"], (s["id"], item)


def test_labels_use_only_allowed_names_and_shapes(sentences: list[dict]) -> None:
    for s in sentences:
        sid = s["id"]
        assert s["lang"] in LANGS and sid.startswith(s["lang"] + "-")
        if s["published"] is not None:
            dt.date.fromisoformat(s["published"])
        for p in s["places"]:
            cc = p["country"]
            assert cc is None or (len(cc) == 2 and cc.isupper()), (sid, p)
        for d in s["dates"]:
            date = d["date"]
            if date.startswith("XXXX-"):
                assert s["published"] is None, (sid, d)
                dt.date.fromisoformat("2000" + date[4:])  # a real month and day
            else:
                dt.date.fromisoformat(date)
        for q in s["quantities"]:
            assert q["qualifier"] in QUALIFIERS, (sid, q)
            assert isinstance(q["value"], int | float), (sid, q)
            if q["qualifier"] in ("exact", "about"):
                assert q["low"] == q["high"] == q["value"], (sid, q)
            elif q["qualifier"] in ("more_than", "at_least", "vague"):
                assert q["low"] == q["value"] and q["high"] is None, (sid, q)
            else:
                assert q["low"] is None and q["high"] == q["value"], (sid, q)
        for a in s["actors"]:
            assert a["kind"] in KINDS, (sid, a)
        for e in s["events"]:
            assert e["subtype"] in SUBTYPES.get(e["type"], ()), (sid, e)
        for t in s["tallies"]:
            assert t["check"] in ("consistent", "inconsistent"), (sid, t)
            assert t["counted"] in ("event", "article", "person"), (sid, t)
            # the total is one of the sentence's labelled quantities
            assert any(q["value"] == t["value"] for q in s["quantities"]), (sid, t)


def test_relative_weekdays_resolve_on_or_before_publication(sentences: list[dict]) -> None:
    for s in sentences:
        if not s["published"]:
            continue
        pub = dt.date.fromisoformat(s["published"])
        for d in s["dates"]:
            if d["text"][0].isdigit():
                continue  # an explicit day and month may lie after publication (announcements)
            day = dt.date.fromisoformat(d["date"])
            assert pub - dt.timedelta(days=6) <= day <= pub, (s["id"], d)


def test_event_types_file_shape_and_labels(event_rows: list[dict]) -> None:
    assert len(event_rows) >= 300
    assert sum(r["lang"] != "en" for r in event_rows) >= 100
    assert len({r["id"] for r in event_rows}) == len(event_rows)
    assert len({r["origin"] for r in event_rows}) == len(event_rows), "the same snippet twice"
    for r in event_rows:
        assert set(r) == {"id", "origin", "lang", "type", "subtype", "text"}, r
        if (r["type"], r["subtype"]) != ("Other", "Other"):
            assert r["subtype"] in SUBTYPES.get(r["type"], ()), r
        assert 0 < len(r["text"]) < 400 and "\t" not in r["text"] and "\n" not in r["text"], r["id"]
    labels = Counter(r["type"] for r in event_rows)
    assert len(labels) >= 5, labels


def test_event_type_origins_point_into_the_shared_corpora(event_rows: list[dict]) -> None:
    if not SHARED.exists():
        pytest.skip(f"shared corpora not present: {SHARED}")
    cache: dict[str, list[str]] = {}
    for r in event_rows:
        path, line = r["origin"].rsplit(":", 1)
        f = SHARED / path
        assert f.is_file(), r["origin"]
        if path not in cache:
            cache[path] = f.read_text(encoding="utf-8").split("\n")
        source = " ".join(cache[path][int(line) - 1].replace("\t", " ").split())
        assert r["text"] in source, (r["id"], r["origin"])

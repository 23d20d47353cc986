"""Linking at scale: near-copy clustering, cross-language copies and event resolution over generated
corpora, and the quality of event resolution on the demo corpus's labelled events.

Generated corpus: N documents in eight languages from 220 outlets (40 owners), built from real
text: runs of consecutive paragraphs of real articles and posts from ../shared/data (PTC articles
in English; SemEval-2023 paragraphs in de, fr, it, pl, ru; CheckThat! 2024 posts in es and ar),
topped up with paragraphs of other articles of the same language. 5% are near-copies of an
earlier document (a few words changed). About 0.2% are real translations: a short English story
from bench/data/translations.toml and, 1 to 30 hours later at another outlet, its translation
(de, it, pl, es, fr, ru, tr or uk). Each document carries one event mention (the events layer as
the annotators store it) drawn from N/4 real-world events, so resolution has real merging to do.

Each document's opening-passage vector is computed as analyze computes it (``vectors.head_vector``)
and stored with it: that cost belongs to analyze (on the workers) and is reported apart as
``vectors_seconds``; ``link_seconds`` is near-copy clustering + cross-language search + event
resolution over the stored corpus. Each size runs in its own process (peak RSS is that run's).
Writes bench/results/link.json.

    python bench/link.py [--sizes 10000,100000] [--skip-quality]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import tomllib
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "link.json"
DEMO = ROOT / "examples" / "demo"
DATA = ROOT.parent / "shared" / "data"
STORIES = ROOT / "bench" / "data" / "translations.toml"

CHILD = r"""
import json, resource, sys, time
from infoscope.store import open_store
from infoscope.link.clusters import build_clusters
from infoscope.link.crosslang import find_translations
from infoscope.link.resolve import build_ledger
sys.path.insert(0, sys.argv[3])
from link import generate, translation_quality
store = open_store(sys.argv[1])
n, days = int(sys.argv[2]), int(sys.argv[4])
t = time.perf_counter(); truth = generate(store, n, days=days); gen = time.perf_counter() - t
t = time.perf_counter(); c = build_clusters(store); tc = time.perf_counter() - t
xs = {}
t = time.perf_counter(); found = find_translations(store, stats=xs); tx = time.perf_counter() - t
t = time.perf_counter(); r = build_ledger(store); tr = time.perf_counter() - t
print(json.dumps({"documents": n, "days": days, "generate_seconds": round(gen - truth["vectors_seconds"], 1),
                  "vectors_seconds": truth["vectors_seconds"],
                  "vectors_ms_per_document": round(1000 * truth["vectors_seconds"] / n, 2),
                  "cluster_seconds": round(tc, 1), "crosslang_seconds": round(tx, 1),
                  "resolve_seconds": round(tr, 1), "link_seconds": round(tc + tx + tr, 1),
                  "languages": truth["languages"],
                  "clusters": c.clusters, "clustered_documents": c.clustered_documents,
                  "crosslang": {**xs, **translation_quality(found, truth, store)},
                  "mentions": r.mentions, "ledger_events": r.events, "corroborated": r.corroborated,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""

CITIES = [
    ("Paris", "FR"),
    ("Lyon", "FR"),
    ("Berlin", "DE"),
    ("Hamburg", "DE"),
    ("Munich", "DE"),
    ("London", "GB"),
    ("Istanbul", "TR"),
    ("Ankara", "TR"),
    ("Moscow", "RU"),
    ("Vienna", "AT"),
    ("Brussels", "BE"),
    ("Toronto", "CA"),
    ("Warsaw", "PL"),
    ("Rome", "IT"),
    ("Madrid", "ES"),
    ("Kyiv", "UA"),
]
WORDS = (
    "rally protest crowd police city people march embassy statement minister thousands митинг полиция "
    "город люди Kundgebung Polizei Stadt miting polis şehir manifestation ville gens"
).split()


# outlets per language (background languages have real text; tr and uk outlets publish translations)
OUTLET_LANGUAGES = {
    "en": 60,
    "ru": 25,
    "de": 25,
    "fr": 25,
    "it": 15,
    "pl": 15,
    "es": 20,
    "ar": 15,
    "tr": 10,
    "uk": 10,
}
TRANSLATION_RATE = 0.001  # per document: a story and its translation (two documents)


def _articles() -> dict[str, list[list[str]]]:
    """Real text per language, as articles (lists of paragraphs); the bench's only data."""
    if not DATA.is_dir():
        raise SystemExit(f"bench/link.py needs the shared corpora at {DATA}")
    out: dict[str, list[list[str]]] = {"en": []}
    for f in sorted((DATA / "ptc" / "train-articles").glob("article*.txt")):
        paras = [p.strip() for p in f.read_text(encoding="utf-8").splitlines() if len(p.strip()) > 25]
        if paras:
            out["en"].append(paras)
    for lang in ("de", "fr", "it", "pl", "ru"):
        by_id: dict[str, list[str]] = {}
        path = DATA / "semeval2023-persuasion" / lang / "train-labels-subtask-3.template"
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and len(parts[2].strip()) > 25:
                by_id.setdefault(parts[0], []).append(parts[2].strip())
        out[lang] = list(by_id.values())
    for lang, name in (("es", "spanish/dev.tsv"), ("ar", "arabic/train.tsv")):
        with open(DATA / "checkthat2024" / name, encoding="utf-8", newline="") as fh:
            posts = [
                r["tweet_text"].strip() for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            ]
        posts = [p for p in posts if len(p) > 25]
        out[lang] = [posts[i : i + 10] for i in range(0, len(posts), 10)]
    return out


def _text(rng: random.Random, articles: list[list[str]]) -> str:
    """A run of consecutive paragraphs of one article, topped up from others to 4-12 paragraphs."""
    art = rng.choice(articles)
    want = rng.randint(4, 12)
    start = rng.randrange(len(art))
    paras = art[start : start + want]
    while len(paras) < want:
        paras.append(rng.choice(rng.choice(articles)))
    return "\n\n".join(paras)


def generate(store, n: int, seed: int = 11, days: int = 366) -> dict:  # type: ignore[no-untyped-def]
    """Insert n documents, their sources, vectors and one event annotation each, in batches.

    Returns the translations it published (``pairs``: story document, translation document) and
    the seconds spent computing vectors.
    """
    from sqlalchemy import insert

    from infoscope import vectors
    from infoscope.ids import content_hash, make_id
    from infoscope.model import Annotation, Document, DocumentVector, Source

    rng = random.Random(seed)
    pools = _articles()
    stories = tomllib.loads(STORIES.read_text(encoding="utf-8"))["story"]
    outlets: list[tuple[str, str]] = []  # (source id, language)
    for lang, count in OUTLET_LANGUAGES.items():
        outlets += [(f"src_{len(outlets) + k}", lang) for k in range(count)]
    by_lang: dict[str, list[str]] = {}
    for sid, lang in outlets:
        by_lang.setdefault(lang, []).append(sid)
    writers = [o for o in outlets if o[1] in pools]
    with store.engine.begin() as conn:
        conn.execute(
            insert(Source),
            [
                {
                    "id": sid,
                    "name": f"Outlet {sid}",
                    "kind": "outlet",
                    "owner": f"Owner {i % 40}",
                    "domain": f"outlet{i}.example",
                    "created_at": dt.datetime(2024, 1, 1),
                }
                for i, (sid, _) in enumerate(outlets)
            ],
        )
    n_events = max(1, n // 4)
    base = dt.date(2024, 1, 1)
    events = [
        (
            rng.choice(CITIES),
            base + dt.timedelta(days=rng.randrange(days)),
            rng.choice(["Protests", "Riots", "Battles"]),
        )
        for _ in range(n_events)
    ]
    recent: list[tuple[str, str, str | None]] = []  # (text, language, story) of recent documents
    batch: dict[str, list] = {"docs": [], "anns": [], "vecs": []}
    truth: dict = {"pairs": [], "vectors_seconds": 0.0, "languages": {}}
    truth["story_language"] = {st["id"]: st["lang"] for st in stories}
    truth["story_copies"] = {}  # near-copies of a published story or translation: doc id -> story
    i = 0
    pending_translation: tuple[dict, str, dt.datetime] | None = None
    while i < n:
        (city, country), day, etype = rng.choice(events)
        story_id = None
        published = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)))
        if pending_translation is not None:
            story, sid, when = pending_translation
            pending_translation = None
            text, lang, published, story_id = story["text"], story["lang"], when, story["id"]
            source = rng.choice([s for s in by_lang[lang] if s != sid])
            truth["pairs"][-1].append(make_id("doc", i))
        elif n - i >= 2 and rng.random() < TRANSLATION_RATE:
            story = rng.choice(stories)
            text, lang, story_id = story["en"], "en", story["id"]
            source = rng.choice(by_lang["en"])
            pending_translation = (story, source, published + dt.timedelta(hours=rng.randint(1, 30)))
            truth["pairs"].append([story["id"], make_id("doc", i)])
        elif recent and rng.random() < 0.05:  # a near-copy of an earlier document, same language
            text, lang, story_id = rng.choice(recent)
            if story_id:  # a near-copy of a story or translation is still that story
                truth["story_copies"][make_id("doc", i)] = story_id
            words = text.split(" ")
            for _ in range(3):
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            text = " ".join(words)
            source = rng.choice(by_lang[lang])
        else:
            source, lang = rng.choice(writers)
            text = _text(rng, pools[lang])
        text = f"{text}\n\n({source}, item {i})"  # a byline: no two documents of one outlet are equal
        recent.append((text, lang, story_id))
        if len(recent) > 2000:
            recent.pop(0)
        truth["languages"][lang] = truth["languages"].get(lang, 0) + 1
        doc_id = make_id("doc", i)
        t = time.perf_counter()
        blob = vectors.head_vector(text)
        truth["vectors_seconds"] += time.perf_counter() - t
        if blob is not None:
            batch["vecs"].append({"document_id": doc_id, "backend": vectors.BACKEND, "vector": blob})
        batch["docs"].append(
            {
                "id": doc_id,
                "source_id": source,
                "origin": f"gen/{i}",
                "text": text,
                "content_hash": content_hash(text),
                "published_at": published,
                "language": lang,
                "meta": {},
                "ingested_at": dt.datetime(2024, 1, 1),
            }
        )
        batch["anns"].append(
            {
                "id": make_id("ann", i),
                "document_id": doc_id,
                "layer": "events",
                "label": etype,
                "value": {
                    "type": etype,
                    "subtype": None,
                    "date": day.isoformat(),
                    "place": {"name": city, "country": country},
                    "participants": {"low": rng.randrange(50, 5000)},
                    "killed": None,
                    "injured": None,
                    "evidence": {"start": 0, "end": 10, "text": text[:10]},
                },
            }
        )
        i += 1
        if len(batch["docs"]) >= 2000:
            _flush(store, batch, Document, Annotation, DocumentVector, insert)
    _flush(store, batch, Document, Annotation, DocumentVector, insert)
    truth["vectors_seconds"] = round(truth["vectors_seconds"], 1)
    return truth


def _flush(store, batch, Document, Annotation, DocumentVector, insert) -> None:  # type: ignore[no-untyped-def]  # noqa: N803
    if batch["docs"]:
        with store.engine.begin() as conn:
            conn.execute(insert(Document), batch["docs"])
            conn.execute(insert(Annotation), batch["anns"])
            if batch["vecs"]:
                conn.execute(insert(DocumentVector), batch["vecs"])
        for rows in batch.values():
            rows.clear()


def translation_quality(found: list[dict], truth: dict, store=None) -> dict:  # type: ignore[no-untyped-def]
    """Published translations found (story and translation in one cluster), and what else was clustered.

    A cluster may rightly join two publications of the same story that fall in one window, or a
    near-copy of one, so a cluster is wrong only when it holds a document that is none of these,
    or stories of different ids.
    """
    story_of = {d: pair[0] for pair in truth["pairs"] if len(pair) == 3 for d in pair[1:]}
    story_of.update(truth["story_copies"])
    cluster_of = {d: k for k, c in enumerate(found) for d in c["members"]}
    pairs = [p for p in truth["pairs"] if len(p) == 3]
    hit = sum(1 for _, a, b in pairs if a in cluster_of and cluster_of.get(a) == cluster_of.get(b))
    wrong = [c for c in found if len({story_of.get(d, "?" + d) for d in c["members"]}) > 1]
    by_language: dict[str, list[int]] = {}
    for story, a, b in pairs:
        counts = by_language.setdefault(truth["story_language"][story], [0, 0])
        counts[0] += a in cluster_of and cluster_of.get(a) == cluster_of.get(b)
        counts[1] += 1
    return {
        "translations_published": len(pairs),
        "translations_found": hit,
        "recall": round(hit / len(pairs), 3) if pairs else None,
        "found_of_published_by_language": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_language.items())},
        "clusters_found": len(found),
        "clusters_wrong": len(wrong),
        "wrong_examples": [_example(store, c) for c in wrong[:5]] if store is not None else [],
    }


def _example(store, cluster: dict) -> list[dict]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from infoscope.model import Document

    with store.sessions() as s:
        rows = s.execute(
            select(Document.id, Document.language, Document.origin, Document.text).where(
                Document.id.in_(cluster["members"])
            )
        ).all()
    return [
        {
            "origin": r.origin,
            "language": r.language,
            "alignment": cluster["similarity"][r.id],
            "opening": r.text[:160],
        }
        for r in rows
    ]


def run_size(n: int, tmp: Path, days: int = 366) -> dict:
    db = f"sqlite:///{tmp / f'link{n}-{days}.db'}"
    out = subprocess.run(
        [sys.executable, "-c", CHILD, db, str(n), str(ROOT / "bench"), str(days)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(res), flush=True)
    return res


def resolution_quality(tmp: Path) -> dict:
    """Pairwise precision/recall of merged mentions against examples/demo/labels/events.toml."""
    from sqlalchemy import select

    from infoscope.analyze.persist import analyze_stored, pending_documents
    from infoscope.ingest.registry import SourceRegistry
    from infoscope.ingest.run import IngestOptions, ingest
    from infoscope.link.clusters import build_clusters
    from infoscope.link.resolve import build_ledger
    from infoscope.model import Document, EventMention
    from infoscope.store import open_store

    store = open_store(f"sqlite:///{tmp / 'quality.db'}")
    ingest(
        store, [str(DEMO / "articles")], IngestOptions(registry=SourceRegistry.load(DEMO / "sources.toml"))
    )
    analyze_stored(store, pending_documents(store))
    build_clusters(store)
    build_ledger(store)
    labels = tomllib.loads((DEMO / "labels" / "events.toml").read_text())
    gold_of: dict[str, str] = {}
    for ev in labels["event"]:
        for d in ev["documents"]:
            gold_of[str(DEMO / d)] = ev["id"]
    with store.sessions() as s:
        rows = s.execute(
            select(EventMention.event_id, Document.origin, EventMention.values)
            .join(Document, Document.id == EventMention.document_id)
            .where(EventMention.event_id.is_not(None))
        ).all()
    # a document's main event: the one its first dated report (the lead) resolved to
    leads = sorted(
        (origin, (v or {}).get("position", 0), event_id)
        for event_id, origin, v in rows
        if not (v or {}).get("date_from")
    )
    main: dict[str, str] = {}
    for origin, _, event_id in leads:
        main.setdefault(origin, event_id)
    docs = sorted(d for d in gold_of if d in main)
    tp = fp = fn = 0
    for a, b in combinations(docs, 2):
        same_gold = gold_of[a] == gold_of[b]
        same_pred = main[a] == main[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "method": "pairs of labelled demo documents (gold: the event that is their main subject) vs. pairs "
        "whose main ledger event (the one their first dated report resolved to) is the same",
        "documents_labelled": len(gold_of),
        "documents_with_event_mentions": len(docs),
        "pairs_true_positive": tp,
        "pairs_false_positive": fp,
        "pairs_false_negative": fn,
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
    }


def growth(scale: list[dict]) -> dict:
    """Ratios between the smallest and largest run over the same span of days (the corpus grows
    denser) and between runs of the same documents per day (the corpus grows longer)."""

    def ratios(a: dict, b: dict) -> dict:
        return {
            "from": [a["documents"], a["days"]],
            "to": [b["documents"], b["days"]],
            "size_ratio": round(b["documents"] / a["documents"], 2),
            **{
                f"{k}_ratio": round(b[f"{k}_seconds"] / max(a[f"{k}_seconds"], 0.1), 2)
                for k in ("link", "cluster", "crosslang", "resolve")
            },
            "crosslang_candidates_ratio": round(
                b["crosslang"]["candidates"] / max(a["crosslang"]["candidates"], 1), 2
            ),
        }

    out: dict = {}
    runs = sorted(scale, key=lambda r: (r["documents"], r["days"]))
    same_span = [r for r in runs if r["days"] == runs[-1]["days"]]
    if len(same_span) >= 2:
        out["same_span"] = ratios(same_span[0], same_span[-1])
    big = runs[-1]
    for r in runs[:-1]:
        density = big["documents"] / big["days"]
        if abs(r["documents"] / r["days"] - density) <= 0.02 * density:  # whole days: within 2%
            out["same_density"] = ratios(r, big)
            break
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument(
        "--same-density",
        type=int,
        default=0,
        metavar="N",
        help="spread each size over 366*size/N days, so it has the documents per day of N over 366 days",
    )
    ap.add_argument("--merge", action="store_true", help="add to the runs in the results file")
    ap.add_argument(
        "--report-only", action="store_true", help="recompute the growth figures of the stored runs"
    )
    args = ap.parse_args()
    if args.report_only:
        stored = json.loads(RESULTS.read_text())
        stored["growth"] = growth(stored["scale"])
        RESULTS.write_text(json.dumps(stored, indent=2) + "\n")
        print(json.dumps(stored["growth"]))
        return
    command = "python bench/link.py " + " ".join(sys.argv[1:])
    report: dict = {
        "benchmark": "link",
        "command": command,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "target": {"100k_documents_seconds": 600, "peak_memory_gb": 4, "growth": "near-linear"},
        "scale": [],
        "scope": "link_seconds: near-copy clustering, cross-language search over the stored vectors with "
        "sentence alignment of its candidates, and event resolution; vectors_seconds: computing each "
        "document's opening-passage vector, which analyze does (on the workers) and link does only for "
        "documents without one",
    }
    if args.merge and RESULTS.exists():
        old = json.loads(RESULTS.read_text())
        report["scale"] = [
            {"days": 366, **r} for r in old.get("scale", [])
        ]  # runs before --same-density: 366
        report["resolution_quality"] = old.get("resolution_quality")
        report["commands"] = [*old.get("commands", [old.get("command")]), command]
        report["date"] = old.get("date") + " and " + report["date"]
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for n in (int(x) for x in args.sizes.split(",") if x.strip()):
            days = max(1, round(366 * n / args.same_density)) if args.same_density else 366
            report["scale"] = [
                r for r in report["scale"] if (r["documents"], r.get("days", 366)) != (n, days)
            ]
            report["scale"].append(run_size(n, tmp, days))
        report["growth"] = growth(report["scale"])
        same_span = report["growth"].get("same_span")
        if same_span:  # the keys of earlier results files
            report["time_ratio"], report["size_ratio"] = same_span["link_ratio"], same_span["size_ratio"]
        if not args.skip_quality:
            report["resolution_quality"] = resolution_quality(tmp)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report.get("growth")))


if __name__ == "__main__":
    main()

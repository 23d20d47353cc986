"""Linking at scale: near-copy clustering and event resolution over generated corpora, and the
quality of event resolution on the demo corpus's labelled events.

Generated corpus: N multilingual documents from 200 outlets (40 owners), 5% of them near-copies
of another document (a few words changed), each carrying one event mention (the events layer
as the annotators store it) drawn from N/4 real-world events, so resolution has real merging to do.
Each size runs in its own process (peak RSS is that run's). Writes bench/results/link.json.

    python bench/link.py [--sizes 10000,100000] [--skip-quality]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import tomllib
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "link.json"
DEMO = ROOT / "examples" / "demo"

CHILD = r"""
import json, resource, sys, time
from infoscope.store import open_store
from infoscope.link.clusters import build_clusters
from infoscope.link.resolve import build_ledger
sys.path.insert(0, sys.argv[3])
from link import generate
store = open_store(sys.argv[1])
n = int(sys.argv[2])
t = time.perf_counter(); generate(store, n); gen = time.perf_counter() - t
t = time.perf_counter(); c = build_clusters(store); tc = time.perf_counter() - t
t = time.perf_counter(); r = build_ledger(store); tr = time.perf_counter() - t
print(json.dumps({"documents": n, "generate_seconds": round(gen, 1), "cluster_seconds": round(tc, 1),
                  "resolve_seconds": round(tr, 1), "link_seconds": round(tc + tr, 1),
                  "clusters": c.clusters, "clustered_documents": c.clustered_documents,
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


def generate(store, n: int, seed: int = 11) -> None:  # type: ignore[no-untyped-def]
    """Insert n documents, their sources and one event annotation each, in batches."""
    from sqlalchemy import insert

    from infoscope.ids import content_hash, make_id
    from infoscope.model import Annotation, Document, Source

    rng = random.Random(seed)
    with store.engine.begin() as conn:
        conn.execute(
            insert(Source),
            [
                {
                    "id": f"src_{i}",
                    "name": f"Outlet {i}",
                    "kind": "outlet",
                    "owner": f"Owner {i % 40}",
                    "domain": f"outlet{i}.example",
                    "created_at": dt.datetime(2024, 1, 1),
                }
                for i in range(200)
            ],
        )
    n_events = max(1, n // 4)
    base = dt.date(2024, 1, 1)
    events = [
        (
            rng.choice(CITIES),
            base + dt.timedelta(days=rng.randrange(366)),
            rng.choice(["Protests", "Riots", "Battles"]),
        )
        for _ in range(n_events)
    ]
    texts: list[str] = []
    docs, anns = [], []
    for i in range(n):
        if texts and rng.random() < 0.05:  # a near-copy of an earlier document
            words = rng.choice(texts).split()
            for _ in range(3):
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            text = " ".join(words)
        else:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(120, 300))) + f" {i}"
        texts.append(text)
        if len(texts) > 2000:
            texts.pop(0)
        (city, country), day, etype = rng.choice(events)
        doc_id = make_id("doc", i)
        docs.append(
            {
                "id": doc_id,
                "source_id": f"src_{rng.randrange(200)}",
                "origin": f"gen/{i}",
                "text": text,
                "content_hash": content_hash(text),
                "published_at": dt.datetime.combine(day, dt.time(12)),
                "language": "en",
                "meta": {},
                "ingested_at": dt.datetime(2024, 1, 1),
            }
        )
        anns.append(
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
        if len(docs) >= 2000:
            _flush(store, docs, anns, Document, Annotation, insert)
    _flush(store, docs, anns, Document, Annotation, insert)


def _flush(store, docs, anns, Document, Annotation, insert) -> None:  # type: ignore[no-untyped-def]  # noqa: N803
    if docs:
        with store.engine.begin() as conn:
            conn.execute(insert(Document), docs)
            conn.execute(insert(Annotation), anns)
        docs.clear()
        anns.clear()


def run_size(n: int, tmp: Path) -> dict:
    db = f"sqlite:///{tmp / f'link{n}.db'}"
    out = subprocess.run(
        [sys.executable, "-c", CHILD, db, str(n), str(ROOT / "bench")],
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--skip-quality", action="store_true")
    args = ap.parse_args()
    report: dict = {
        "benchmark": "link",
        "command": "python bench/link.py --sizes " + args.sizes,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "target": {"100k_documents_seconds": 600, "peak_memory_gb": 4, "growth": "near-linear"},
        "scale": [],
    }
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for n in (int(x) for x in args.sizes.split(",") if x.strip()):
            report["scale"].append(run_size(n, tmp))
        if len(report["scale"]) >= 2:
            a, b = report["scale"][0], report["scale"][-1]
            report["time_ratio"] = round(b["link_seconds"] / max(a["link_seconds"], 0.1), 2)
            report["size_ratio"] = round(b["documents"] / a["documents"], 2)
        if not args.skip_quality:
            report["resolution_quality"] = resolution_quality(tmp)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report.get("resolution_quality")))


if __name__ == "__main__":
    main()

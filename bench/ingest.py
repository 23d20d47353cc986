"""Ingestion throughput and peak memory, into a fresh SQLite file.

Cases: the 371 PTC train articles (real text files), and 1,000 / 10,000 / 30,000 generated
multilingual documents in one JSON Lines file (to show memory does not grow with the count).
Each case runs in its own process, so peak RSS is that case's alone. Writes
bench/results/ingest.json.

    python bench/ingest.py [--sizes 1000,10000,30000]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared" / "data" / "ptc" / "train-articles"
RESULTS = ROOT / "bench" / "results" / "ingest.json"

WORDS = {
    "en": "the rally protest crowd police city people march embassy statement minister said thousands".split(),
    "de": "die Kundgebung Polizei Stadt Menschen Demonstration Botschaft Erklärung sagte Tausende und".split(),
    "fr": "la manifestation police ville personnes rassemblement ambassade déclaration ministre milliers".split(),
    "ru": "митинг полиция город люди шествие посольство заявление министр тысячи сказал".split(),
    "tr": "miting polis şehir insanlar yürüyüş büyükelçilik açıklama bakan binlerce dedi".split(),
}

CHILD = r"""
import json, resource, sys, time
from infoscope.ingest.run import ingest
from infoscope.store import open_store
db, inputs = sys.argv[1], sys.argv[2:]
store = open_store(db)
t0 = time.perf_counter()
from infoscope.language import detect
detect("warm up the language model")  # one-off load, reported apart from per-document throughput
load = time.perf_counter() - t0
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
s = ingest(store, inputs)
elapsed = time.perf_counter() - t
print(json.dumps({"ingested": s.ingested, "duplicates": s.duplicates, "failed": s.failed,
                  "seconds": round(elapsed, 3), "docs_per_second": round(s.ingested / elapsed, 1),
                  "language_model_load_seconds": round(load, 3),
                  "docs_per_second_including_load": round(s.ingested / (elapsed + load), 1),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  "rss_before_ingest_mb": round(rss_before / 1024, 1)}))
"""


def generate(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    langs = list(WORDS)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            lang = langs[i % len(langs)]
            words = WORDS[lang]
            body = " ".join(rng.choice(words) for _ in range(rng.randint(150, 500)))
            fh.write(
                json.dumps(
                    {
                        "title": f"{lang} report {i}",
                        "text": f"{body} ({i})",
                        "language": lang,
                        "source": f"Outlet {i % 50}",
                        "published_at": f"2024-07-{1 + i % 28:02d}",
                        "url": f"https://outlet{i % 50}.example/{i}",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


def run_case(name: str, inputs: list[str], tmp: Path) -> dict[str, object]:
    db = f"sqlite:///{tmp / (name + '.db')}"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    # taskset pins the run to one core where available, as the target is stated per core
    cmd = [sys.executable, "-c", CHILD, db, *inputs]
    if sys.platform == "linux" and os.path.exists("/usr/bin/taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["case"] = name
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,30000")
    args = ap.parse_args()
    cases = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if PTC.is_dir():
            cases.append(run_case("ptc-train-371", [str(PTC)], tmp))
        for n in (int(x) for x in args.sizes.split(",")):
            f = tmp / f"gen{n}.jsonl"
            generate(f, n)
            cases.append(run_case(f"generated-{n}", [str(f)], tmp))
    gen = [c for c in cases if str(c["case"]).startswith("generated")]
    report = {
        "benchmark": "ingest",
        "command": "python bench/ingest.py --sizes " + args.sizes,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        },
        "database": "sqlite (WAL, synchronous=NORMAL), one transaction per document, pinned to one core",
        "target": {"docs_per_second": 500, "memory": "peak RSS flat in the number of documents"},
        "cases": cases,
        "memory_growth_mb": round(float(gen[-1]["peak_rss_mb"]) - float(gen[0]["peak_rss_mb"]), 1)
        if gen
        else None,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

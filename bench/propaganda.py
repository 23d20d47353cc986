"""The propaganda-and-claims step as one: its cross-validated figures and its speed on one core.

Run: .venv/bin/python bench/propaganda.py  ->  bench/results/propaganda.json

The figures of each part come from its own benchmark, which this script does not re-run (the PTC
cross-validation alone takes many minutes): it copies them, with the command and date that
produced them, from bench/results/propaganda_ptc.json, persuasion.json and claims.json. What it
measures itself is the speed of the whole step — the ``claims``, ``tone`` and ``techniques`` layers
(with hostile generalisations), after the paragraph-language layer they read — over the 371 PTC
train articles in one process pinned to one core.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
OUT = RESULTS / "propaganda.json"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"
STEP = ("languages", "claims", "tone", "techniques")
TARGETS = {
    "technique_classification_micro_f1": 0.64,
    "span_identification_f1": 0.45,
    "persuasion_average_micro_f1": 0.47,
    "claims_english_dev_f1": 0.91,
    "articles_per_second_one_core": 5.0,
}


def component(name: str) -> dict:
    path = RESULTS / f"{name}.json"
    if not path.exists():
        sys.exit(f"{path} is missing: run bench/{name}.py first")
    return json.loads(path.read_text(encoding="utf-8"))


def step_speed() -> dict:
    """Articles per second for the whole step, model loading counted apart."""
    from infoscope.analyze.document import AnalysisDoc
    from infoscope.analyze.pipeline import run, warm
    from infoscope.propaganda import ptc

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    articles = ptc.read_articles(DATA / "train-articles")
    t0 = time.perf_counter()
    warm(STEP)
    load_s = time.perf_counter() - t0
    found = {"techniques": 0, "hostile_generalizations": 0, "claims": 0}
    t1 = time.perf_counter()
    for art_id, text in sorted(articles.items()):
        doc = run(AnalysisDoc(text=text, id=art_id, language="en"), STEP)
        techs = doc.layers["techniques"]
        found["techniques"] += len(techs)
        found["hostile_generalizations"] += sum(t["technique"] == "Hostile_Generalization" for t in techs)
        found["claims"] += len(doc.layers["claims"])
    secs = time.perf_counter() - t1
    return {
        "articles": len(articles),
        "layers": list(STEP),
        "seconds": round(secs, 2),
        "articles_per_second": round(len(articles) / secs, 1),
        "model_load_seconds": round(load_s, 2),
        "articles_per_second_with_load": round(len(articles) / (secs + load_s), 1),
        "found": found,
        "cores": 1,
    }


def main() -> None:
    if not DATA.exists():
        sys.exit(f"PTC corpus not found at {DATA}")
    ptc_res, pers, claims = component("propaganda_ptc"), component("persuasion"), component("claims")
    tc = ptc_res["technique_classification_micro_f1"]
    si = ptc_res["span_identification"]
    speed = step_speed()
    measured = {
        "technique_classification_micro_f1": round(tc["final"]["micro_f1"], 4),
        "span_identification_f1": round(si["final"]["f1"], 4),
        "persuasion_average_micro_f1": round(pers["shipped"]["average"], 4),
        "claims_english_dev_f1": round(claims["shipped_model"]["f1"], 4),
        "articles_per_second_one_core": speed["articles_per_second"],
    }
    result = {
        "command": ".venv/bin/python bench/propaganda.py",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "summary": {
            k: {"measured": v, "target": TARGETS[k], "met": v >= TARGETS[k]} for k, v in measured.items()
        },
        "techniques_en": {
            "source": {"command": ptc_res["command"], "date": ptc_res["date"]},
            "protocol": ptc_res["protocol"],
            "technique_classification": {
                "final": tc["final"],
                "all_Loaded_Language": tc["all_Loaded_Language"],
                "baseline_tfidf_span_context_logreg": tc["baseline_tfidf_span_context_logreg"],
            },
            "span_identification": {k: si[k] for k in ("final", "all_sentences_baseline")},
        },
        "persuasion": {
            "source": {"command": pers["command"], "date": pers["date"]},
            "metric": pers["metric"],
            "per_language": pers["shipped"]["per_language"],
            "average": pers["shipped"]["average"],
            "baseline": pers["baseline"],
            "note": pers["shipped"]["note"],
        },
        "hostile_generalization": {
            "source": {"command": pers["command"], "date": pers["date"]},
            **pers["hostile_generalization"],
        },
        "claims": {
            "source": {"command": claims["command"], "date": claims["date"]},
            "task": claims["task"],
            "shipped_model": claims["shipped_model"],
            "baseline_word_tfidf_lr": claims["baseline_word_tfidf_lr"],
            "training_data": claims["training_data"],
        },
        "step_speed": speed,
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    main()

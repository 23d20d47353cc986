"""Measure the shipped check-worthiness model on the held-out CheckThat! 2024 English dev file.

    .venv/bin/python bench/claims.py

Writes bench/results/claims.json: positive-class F1/precision/recall of the shipped model at its
threshold and of the word TF-IDF + logistic regression baseline (trained here on English train),
plus speed (sentences/s, and claims/tone annotator articles/s over PTC train articles, one process).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CT = DATA / "checkthat2024" / "english"


def load(path: Path) -> tuple[list[str], np.ndarray]:
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f, delimiter="\t", quotechar='"')
        next(r)
        for row in r:
            if len(row) >= 3:
                texts.append(row[1].strip())
                labels.append(1 if row[2].strip() == "Yes" else 0)
    return texts, np.array(labels)


def figures(y: np.ndarray, yhat: np.ndarray) -> dict[str, float]:
    return {
        "f1": round(float(f1_score(y, yhat)), 4),
        "precision": round(float(precision_score(y, yhat)), 4),
        "recall": round(float(recall_score(y, yhat)), 4),
    }


def main() -> None:
    if not CT.exists():
        sys.exit(f"missing {CT}")
    from infoscope.analyze import claims, tone
    from infoscope.analyze.document import AnalysisDoc
    from infoscope.analyze.pipeline import annotators  # noqa: F401  (import cost outside timing)

    Xt, yt = load(CT / "train.tsv")
    Xd, yd = load(CT / "dev.tsv")
    v = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    base = LogisticRegression(max_iter=3000).fit(v.fit_transform(Xt), yt)
    pb = base.predict_proba(v.transform(Xd))[:, 1]

    claims.score_sentences(["warm up"])
    t = time.perf_counter()
    ps = np.array(claims.score_sentences(Xd), dtype=float)
    sent_rate = len(Xd) / (time.perf_counter() - t)
    th = claims.threshold()

    speed: dict[str, float | int] = {"dev_sentences_per_s": round(sent_rate, 1)}
    arts = sorted((DATA / "ptc" / "train-articles").glob("article*.txt"))
    if arts:
        docs = []
        for p in arts:
            d = AnalysisDoc(text=p.read_text(encoding="utf-8"), language="en")
            d.layers["paragraph_languages"] = [
                {"start": s.start, "end": s.end, "language": "en", "confidence": None} for s in d.paragraphs
            ]
            _ = d.sentences
            docs.append(d)
        t = time.perf_counter()
        n_claims = sum(len(claims.annotate(d)) for d in docs)
        c_time = time.perf_counter() - t
        t = time.perf_counter()
        for d in docs:
            tone.annotate(d)
        t_time = time.perf_counter() - t
        speed.update(
            {
                "ptc_articles": len(docs),
                "ptc_sentences": sum(len(d.sentences) for d in docs),
                "claims_articles_per_s": round(len(docs) / c_time, 1),
                "claims_found": n_claims,
                "tone_articles_per_s": round(len(docs) / t_time, 1),
            }
        )
    res = {
        "task": "CheckThat! 2024 Task 1 English dev (held out: never used for training or tuning)",
        "dev_sentences": len(yd),
        "dev_positives": int(yd.sum()),
        "baseline_word_tfidf_lr": {
            **figures(yd, pb >= 0.5),
            "threshold": 0.5,
            "training_data": "english/train.tsv",
        },
        "shipped_model": {**figures(yd, ps >= th), "threshold": th, "encoder": claims._encoder() is not None},
        "training_data": json.loads((claims.MODEL_DIR / "provenance.json").read_text())["training_data"],
        "speed": speed,
        "command": ".venv/bin/python bench/claims.py",
        "date": dt.date.today().isoformat(),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "processes": 1},
    }
    out = ROOT / "bench" / "results" / "claims.json"
    out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()

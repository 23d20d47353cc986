"""5-fold cross-validation (by article, fixed seed) of the PTC span and technique models, with baselines.

Run: .venv/bin/python bench/propaganda_ptc.py  ->  bench/results/propaganda_ptc.json
(``--speed-only`` re-measures only the speed of the shipped models into the existing file; ``--si-only`` and
``--tc-only`` re-run one task's cross-validation and keep the other's figures from the existing file.)
Hyper-parameters (the SVM C of the technique model, the span decoding thresholds) are chosen per outer fold
on an inner 80/20 split of the training articles, never on the fold that is reported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from infoscope.propaganda import ptc
from infoscope.propaganda.scoring import si_scores, tc_scores

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"
OUT = Path(__file__).resolve().parent / "results" / "propaganda_ptc.json"
SEED = 0


def folds(ids: list[str], k: int = 5, seed: int = SEED) -> dict[str, int]:
    perm = np.random.RandomState(seed).permutation(len(ids))
    return {ids[i]: n % k for n, i in enumerate(perm)}


def inner_split(ids: list[str], seed: int = SEED) -> tuple[set[str], set[str]]:
    perm = np.random.RandomState(seed + 1).permutation(sorted(ids))
    cut = int(len(perm) * 0.8)
    return set(perm[:cut]), set(perm[cut:])


def bench_tc(
    articles: dict[str, str], rows: list[tuple[str, str, int, int]], fold_of: dict[str, int]
) -> dict:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier

    items = ptc.make_items(articles, [(a, s, e) for a, _, s, e in rows])
    y = np.array([t for _, t, _, _ in rows])
    fold = np.array([fold_of[a] for a, *_ in rows])
    pred_final = [""] * len(rows)
    pred_base = [""] * len(rows)
    chosen = []
    for k in range(5):
        tr = np.where(fold != k)[0]
        te = np.where(fold == k)[0]
        # baseline: TF-IDF of span words + context words, logistic regression (fitted by SGD)
        v1 = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        v2 = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        ctx = [it.left + " " + it.right for it in items]
        Xb = sparse.hstack(
            [v1.fit_transform([items[i].text for i in tr]), v2.fit_transform([ctx[i] for i in tr])]
        )
        Xbt = sparse.hstack([v1.transform([items[i].text for i in te]), v2.transform([ctx[i] for i in te])])
        base = SGDClassifier(
            loss="log_loss", alpha=1e-4, max_iter=50, tol=None, average=True, random_state=SEED
        )
        base.fit(Xb.tocsr(), y[tr])
        for i, lab in zip(te, base.predict(Xbt.tocsr()), strict=True):
            pred_base[i] = lab
        # final: the SVM C picked on an inner split of the training articles
        tr_ids = sorted({rows[i][0] for i in tr})
        fit_ids, val_ids = inner_split(tr_ids)
        fi = [i for i in tr if rows[i][0] in fit_ids]
        vi = [i for i in tr if rows[i][0] in val_ids]
        feat = ptc.TCFeaturizer()
        Xf = feat.fit_transform([items[i] for i in fi])
        Xv = feat.transform([items[i] for i in vi])
        scores = {}
        for c in ptc.TC_CS:
            clf = ptc.tc_classifier(c, SEED)
            clf.fit(Xf, y[fi])
            scores[c] = float((clf.predict(Xv) == y[vi]).mean())
        c_best = max(scores, key=scores.get)
        chosen.append({"fold": k, "C": c_best, "inner_accuracy": scores})
        model = ptc.fit_tc([items[i] for i in tr], y[tr], C=c_best, seed=SEED)
        labels, _ = ptc.predict_tc(model, [items[i] for i in te])
        for i, lab in zip(te, labels, strict=True):
            pred_final[i] = lab
        print(f"tc fold {k} C {c_best}", file=sys.stderr, flush=True)
    as_rows = lambda preds: [(a, p, s, e) for (a, _, s, e), p in zip(rows, preds, strict=True)]  # noqa: E731
    return {
        "all_Loaded_Language": tc_scores([(a, "Loaded_Language", s, e) for a, _, s, e in rows], rows)[
            "micro_f1"
        ],
        "baseline_tfidf_span_context_logreg": tc_scores(as_rows(pred_base), rows)["micro_f1"],
        "final": tc_scores(as_rows(pred_final), rows),
        "chosen_hyperparameters": chosen,
    }


def bench_si(articles: dict[str, str], gold: list[tuple[str, int, int]], fold_of: dict[str, int]) -> dict:
    from infoscope.propaganda import si_tokens

    cands, _, _ = ptc.si_candidates(articles)
    y = ptc.si_targets(cands, gold)
    pred: list[tuple[str, int, int]] = []
    chosen = []
    for k in range(5):
        train = {a: t for a, t in articles.items() if fold_of[a] != k}
        model = si_tokens.fit_span_model(train, gold, seed=SEED)
        for a in sorted(set(articles) - set(train)):
            pred.extend((a, s, e) for s, e, _ in si_tokens.find(articles[a], model))
        picked = {key: model[key] for key in ("high", "low", "gap", "inner_f1")}
        chosen.append({"fold": k, **picked})
        print(f"si fold {k} {picked}", file=sys.stderr, flush=True)
    return {
        "all_sentences_baseline": si_scores(cands, gold),
        "oracle_sentences_upper_bound": si_scores([c for c, t in zip(cands, y, strict=True) if t], gold),
        "final": si_scores(pred, gold),
        "chosen_hyperparameters": chosen,
        "method": "word tagger stacked on the sentence scorer (infoscope.propaganda.si_tokens); decoding "
        "thresholds picked on an inner 80/20 split of each training part",
    }


def bench_speed(articles: dict[str, str]) -> dict:
    from infoscope import embed
    from infoscope.analyze import techniques_en

    ptc.load_models()
    embed._USE_MEMO.clear()  # the cross-validation above embedded these very sentences: time them afresh
    t = time.perf_counter()
    n = sum(len(techniques_en.find(text)) for text in articles.values())
    secs = time.perf_counter() - t
    size = sum(p.stat().st_size for p in ptc.MODEL_DIR.iterdir() if p.is_file())
    return {
        "articles": len(articles),
        "seconds": round(secs, 2),
        "articles_per_second": round(len(articles) / secs, 1),
        "techniques_found": n,
        "model_bytes": size,
        "note": "techniques_en.find (spans + technique) with the shipped models, one process",
    }


def _kept(previous: dict, key: str) -> dict:
    """A task's figures carried over from the previous results, with the run that measured them (kept
    through any number of runs of the other task alone)."""
    part = previous[key]
    return {
        **part,
        "measured_by": part.get("measured_by", previous["command"]),
        "measured_on": part.get("measured_on", previous["date"]),
    }


def main() -> None:
    if not DATA.exists():
        sys.exit(f"PTC corpus not found at {DATA}")
    articles = ptc.read_articles(DATA / "train-articles")
    if "--speed-only" in sys.argv:  # re-measure the speed of the shipped models into the existing results
        result = json.loads(OUT.read_text(encoding="utf-8"))
        result["speed"] = bench_speed(articles)
        result["speed"]["command"] = ".venv/bin/python bench/propaganda_ptc.py --speed-only"
        result["speed"]["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result["speed"], indent=2))
        return
    fold_of = folds(sorted(articles))
    t0 = time.perf_counter()
    only_si = "--si-only" in sys.argv  # keep the technique figures of the existing results
    only_tc = "--tc-only" in sys.argv  # keep the span figures of the existing results
    previous = json.loads(OUT.read_text(encoding="utf-8")) if only_si or only_tc else {}
    tc = (
        _kept(previous, "technique_classification_micro_f1")
        if only_si
        else bench_tc(articles, ptc.read_tc_labels(DATA / "train-task2-TC.labels"), fold_of)
    )
    si = (
        _kept(previous, "span_identification")
        if only_tc
        else bench_si(articles, ptc.read_si_labels(DATA / "train-task1-SI.labels"), fold_of)
    )
    flag = " --si-only" if only_si else " --tc-only" if only_tc else ""
    result = {
        "command": ".venv/bin/python bench/propaganda_ptc.py" + flag,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "protocol": "5-fold cross-validation by article on the 371 PTC train articles, seed 0; "
        "hyper-parameters chosen on an inner 80/20 split of each training part",
        "technique_classification_micro_f1": tc,
        "span_identification": si,
        "cv_seconds": round(time.perf_counter() - t0, 1),
    }
    if ptc.MODEL_DIR.joinpath("tc.joblib").exists():
        result["speed"] = bench_speed(articles)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

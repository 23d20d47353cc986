"""Near-copies of one text across outlets, and the coordinated publishing they may reveal.

MinHash over word 5-gram shingles with an LSH index (datasketch) finds candidate pairs without
comparing all pairs; a pair joins a cluster when its estimated Jaccard similarity reaches the
threshold. A cluster is flagged as possibly coordinated when at least ``min_sources``
independent sources (one owner or one domain counts once) published it within ``window``.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHashLSH
from sqlalchemy import Connection, delete, insert, select

from infoscope.ids import make_id
from infoscope.model import Cluster, ClusterMember, Document, Source, utcnow
from infoscope.store import Store

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 5
NUM_PERM = 128
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


@dataclass(frozen=True)
class ClusterSettings:
    threshold: float = 0.5  # estimated Jaccard of word 5-gram shingles
    window: dt.timedelta = dt.timedelta(hours=48)
    min_sources: int = 3
    num_perm: int = NUM_PERM


@dataclass
class DocInfo:
    id: str
    source_id: str
    independence_key: str  # documents with the same key are not independent of each other
    published: dt.datetime | None


@dataclass
class ClusterResult:
    id: str
    members: list[DocInfo]
    similarity: dict[str, float]
    sources: int
    coordinated: bool
    first: dt.datetime | None
    last: dt.datetime | None


@dataclass
class ClusterSummary:
    documents: int = 0
    clusters: int = 0
    coordinated: int = 0
    clustered_documents: int = 0
    results: list[ClusterResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "clusters": self.clusters,
            "coordinated_clusters": self.coordinated,
            "clustered_documents": self.clustered_documents,
        }


def shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of the text's word k-grams (case and punctuation ignored), unique and sorted.

    Each word is hashed once (CRC-32, stable across processes) and k-grams are combined with
    numpy, so a long document costs a few vector operations instead of one Python hash per shingle.
    """
    words = _WORD.findall(text.casefold())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    wh = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    if len(wh) < k:
        k = len(wh)
    acc = np.zeros(len(wh) - k + 1, dtype=np.uint64)
    for j in range(k):
        acc = (acc * np.uint64(1_000_003) + wh[j : len(wh) - k + 1 + j]) & np.uint64(0xFFFFFFFF)
    return np.unique(acc)


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed random affine maps (seeded: the same on every run and every worker)."""
    rng = np.random.default_rng(1)
    a = rng.integers(1, 1 << 32, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64)
    return a, b


def _signatures(hash_sets: list[np.ndarray], num_perm: int) -> list[LeanMinHash]:
    """MinHash signatures computed with numpy from 32-bit shingle hashes (no uint64 overflow:
    a, b and h are below 2^32)."""
    a, b = _permutations(num_perm)
    out = []
    for h in hash_sets:
        phv = np.bitwise_and((np.outer(h, a) + b) % _MERSENNE, _MAX_HASH).min(axis=0)
        out.append(LeanMinHash(seed=1, hashvalues=phv, scheme="legacy"))  # no permutation state to build
    return out


def independence_key(owner: str | None, domain: str | None, source_id: str) -> str:
    """Outlets of one owner, or on one domain, count as one source."""
    if owner:
        return "owner:" + owner.casefold().strip()
    if domain:
        return "domain:" + domain.casefold().strip()
    return "source:" + source_id


def _documents(store: Store, batch: int = 2000) -> Iterator[tuple[DocInfo, str]]:
    q = (
        select(
            Document.id, Document.source_id, Document.published_at, Document.text, Source.owner, Source.domain
        )
        .join(Source, Source.id == Document.source_id)
        .order_by(Document.id)
    )
    with store.engine.connect() as conn:
        for row in conn.execution_options(yield_per=batch).execute(q):
            yield (
                DocInfo(
                    row.id,
                    row.source_id,
                    independence_key(row.owner, row.domain, row.source_id),
                    row.published_at,
                ),
                row.text,
            )


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = self.parent.setdefault(x, x)
        while root != self.parent[root]:
            root = self.parent[root]
        while x != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_clusters(
    store: Store, settings: ClusterSettings | None = None, on_doc: Callable[[], None] | None = None
) -> ClusterSummary:
    """Cluster every stored document; nothing is written (see ``build_clusters``)."""
    st = settings or ClusterSettings()
    lsh = MinHashLSH(threshold=st.threshold, num_perm=st.num_perm)
    hashes: dict[str, np.ndarray] = {}
    info: dict[str, DocInfo] = {}
    uf = _UnionFind()
    summary = ClusterSummary()
    batch: list[tuple[DocInfo, np.ndarray]] = []

    def flush() -> None:
        for (doc, _), m in zip(batch, _signatures([sh for _, sh in batch], st.num_perm), strict=True):
            for other in lsh.query(m):
                if float(np.mean(hashes[other] == m.hashvalues)) >= st.threshold:
                    uf.union(doc.id, other)
            lsh.insert(doc.id, m)
            hashes[doc.id] = m.hashvalues.copy()  # keep only the signature (1 KB), not the shingles
            info[doc.id] = doc
            if on_doc:
                on_doc()
        batch.clear()

    for doc, text in _documents(store):
        summary.documents += 1
        sh = shingle_hashes(text)
        if len(sh):
            batch.append((doc, sh))
        if len(batch) >= 1000:
            flush()
    flush()
    groups: dict[str, list[str]] = {}
    for doc_id in uf.parent:
        groups.setdefault(uf.find(doc_id), []).append(doc_id)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        members = sorted((info[i] for i in ids), key=lambda d: (d.published or dt.datetime.max, d.id))
        first_sig = hashes[members[0].id]
        sim = {d.id: round(float(np.mean(hashes[d.id] == first_sig)), 3) for d in members}
        times = [d.published for d in members if d.published]
        first, last = (min(times), max(times)) if times else (None, None)
        keys = {d.independence_key for d in members}
        coordinated = (
            len(keys) >= st.min_sources
            and first is not None
            and last is not None
            and (last - first) <= st.window
            and len(times) == len(members)
        )
        summary.results.append(
            ClusterResult(make_id("clu", *sorted(ids)), members, sim, len(keys), coordinated, first, last)
        )
    summary.results.sort(key=lambda c: (c.first or dt.datetime.max, c.id))
    summary.clusters = len(summary.results)
    summary.coordinated = sum(c.coordinated for c in summary.results)
    summary.clustered_documents = sum(len(c.members) for c in summary.results)
    return summary


def build_clusters(
    store: Store, settings: ClusterSettings | None = None, on_doc: Callable[[], None] | None = None
) -> ClusterSummary:
    """Recompute the near-duplicate clusters and replace the stored ones in one transaction."""
    st = settings or ClusterSettings()
    summary = find_clusters(store, st, on_doc)
    with store.engine.begin() as conn:
        write_clusters(conn, summary, st)
    return summary


def write_clusters(conn: Connection, summary: ClusterSummary, st: ClusterSettings) -> None:
    """Replace the stored near-duplicate clusters with ``summary``'s, in the caller's transaction."""
    method = {
        "method": "minhash-lsh",
        "shingle": f"word {SHINGLE}-gram",
        "threshold": st.threshold,
        "num_perm": st.num_perm,
        "window_hours": st.window.total_seconds() / 3600,
        "min_sources": st.min_sources,
    }
    now = utcnow()
    conn.execute(
        delete(ClusterMember).where(
            ClusterMember.cluster_id.in_(select(Cluster.id).where(Cluster.kind == "near_duplicate"))
        )
    )
    conn.execute(delete(Cluster).where(Cluster.kind == "near_duplicate"))
    if summary.results:
        conn.execute(
            insert(Cluster),
            [
                {
                    "id": c.id,
                    "kind": "near_duplicate",
                    "size": len(c.members),
                    "sources": c.sources,
                    "first_published": c.first,
                    "last_published": c.last,
                    "coordinated": c.coordinated,
                    "method": method,
                    "created_at": now,
                }
                for c in summary.results
            ],
        )
        conn.execute(
            insert(ClusterMember),
            [
                {"cluster_id": c.id, "document_id": d.id, "similarity": c.similarity[d.id]}
                for c in summary.results
                for d in c.members
            ],
        )


def cluster_timelines(store: Store, *, coordinated_only: bool = False) -> list[dict[str, Any]]:
    """Stored clusters with who published when, earliest first: the view a reviewer needs."""
    with store.sessions() as s:
        q = select(Cluster).order_by(Cluster.first_published, Cluster.id)
        if coordinated_only:
            q = q.where(Cluster.coordinated.is_(True))
        clusters = list(s.scalars(q))
        out = []
        for c in clusters:
            rows = s.execute(
                select(
                    Document.id,
                    Document.title,
                    Document.url,
                    Document.published_at,
                    Document.language,
                    Source.name,
                    Source.owner,
                    ClusterMember.similarity,
                )
                .join(ClusterMember, ClusterMember.document_id == Document.id)
                .join(Source, Source.id == Document.source_id)
                .where(ClusterMember.cluster_id == c.id)
                .order_by(Document.published_at, Document.id)
            ).all()
            out.append(
                {
                    "id": c.id,
                    "kind": c.kind,
                    "size": c.size,
                    "independent_sources": c.sources,
                    "coordinated": c.coordinated,
                    "first_published": c.first_published.isoformat() if c.first_published else None,
                    "last_published": c.last_published.isoformat() if c.last_published else None,
                    "method": c.method,
                    "timeline": [
                        {
                            "document": r.id,
                            "title": r.title,
                            "url": r.url,
                            "source": r.name,
                            "owner": r.owner,
                            "language": r.language,
                            "similarity": r.similarity,
                            "published": r.published_at.isoformat() if r.published_at else None,
                        }
                        for r in rows
                    ],
                }
            )
    return out

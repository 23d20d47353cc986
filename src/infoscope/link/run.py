"""``infoscope link`` as one unit: compute clusters, translations and ledger, then replace all three at once.

Computing reads the store and writes nothing; the writes then run in one short transaction. A
run killed at any moment leaves the previous clusters and ledger whole (never new clusters
beside an old ledger), and the next run rebuilds from the start: link is a pure function of the
stored documents, annotations, imported events and review decisions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from infoscope.link.clusters import ClusterSettings, ClusterSummary, find_clusters, write_clusters
from infoscope.link.crosslang import CrossLanguageSettings, find_translations, write_translation_clusters
from infoscope.link.resolve import ResolveSummary, build_ledger, copy_keys
from infoscope.link.tallies import store_checks
from infoscope.store import Store
from infoscope.store.retry import retry_write


@dataclass
class LinkSummary:
    clusters: ClusterSummary
    translations: int
    ledger: ResolveSummary
    tally_checks: int = 0


def link_store(
    store: Store,
    settings: ClusterSettings | None = None,
    tolerance_days: int = 1,
    *,
    on_doc: Callable[[], None] | None = None,
    on_step: Callable[[str], None] | None = None,
    before_commit: Callable[[Connection, LinkSummary], None] | None = None,
    mapper: Any = None,
) -> LinkSummary:
    """Rebuild near-copy clusters, cross-language clusters, the ledger and tally checks in one transaction.

    ``before_commit`` runs last inside that transaction (the job record uses it to mark the
    run finished together with its result).
    """
    near = find_clusters(store, settings or ClusterSettings(), on_doc)
    if on_step:
        on_step("finding translations")
    xl_settings = CrossLanguageSettings()
    found = find_translations(store, xl_settings)
    if on_step:
        on_step("resolving events")
    copy_of = copy_keys(
        ((d.id, c.id) for c in near.results for d in c.members),
        ((d, c["id"]) for c in found for d in c["members"]),
    )

    def write() -> LinkSummary:
        with store.engine.begin() as conn:
            # the ledger first: it computes before its first write, so the write lock is held briefly
            ledger = build_ledger(store, tolerance_days, copy_of=copy_of, conn=conn, mapper=mapper)
            write_clusters(conn, near, settings or ClusterSettings())
            write_translation_clusters(conn, found, xl_settings)
            # tallies against the ledger just built, read through the same (uncommitted) transaction
            checks = store_checks(store, conn)
            summary = LinkSummary(near, len(found), ledger, checks)
            if before_commit:
                before_commit(conn, summary)
        return summary

    # the whole rebuild is one transaction: lost to another writer, it is simply run again
    return retry_write(write)

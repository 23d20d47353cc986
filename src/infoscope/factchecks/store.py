"""Fact-checks in the ledger: import (re-importing the same fact-check is a no-op) and loading."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import insert, select

from infoscope.factchecks.read import FactCheckRecord
from infoscope.ids import make_id, normalise_text
from infoscope.model import FactCheck, utcnow
from infoscope.store import Store


def factcheck_id(rec: FactCheckRecord, origin: str) -> str:
    """Stable id: the file's own id where it has one, else the claim text."""
    if rec.external_id:
        return make_id("fc", Path(origin).name, rec.external_id)
    return make_id("fc", normalise_text(rec.claim).casefold())


def import_factchecks(store: Store, records: Iterable[FactCheckRecord], origin: str) -> tuple[int, int]:
    """Store fact-checks in one transaction; returns (imported, already present)."""
    rows = {}
    for rec in records:
        fid = factcheck_id(rec, origin)
        rows[fid] = {
            "id": fid,
            "external_id": rec.external_id,
            "claim": rec.claim,
            "title": rec.title,
            "rating": rec.rating,
            "url": rec.url,
            "publisher": rec.publisher,
            "published_at": rec.published_at,
            "language": rec.language,
            "origin": origin,
            "raw": rec.raw,
            "created_at": utcnow(),
        }
    with store.engine.begin() as conn:
        existing: set[str] = set()
        keys = list(rows)
        for i in range(0, len(keys), 500):
            existing |= set(
                conn.execute(select(FactCheck.id).where(FactCheck.id.in_(keys[i : i + 500]))).scalars()
            )
        new = [r for k, r in rows.items() if k not in existing]
        for i in range(0, len(new), 500):
            conn.execute(insert(FactCheck), new[i : i + 500])
    return len(new), len(existing)


def stored_factchecks(store: Store) -> list[FactCheckRecord]:
    with store.sessions() as s:
        return [
            FactCheckRecord(
                claim=f.claim,
                external_id=f.external_id or f.id,
                title=f.title,
                rating=f.rating,
                url=f.url,
                publisher=f.publisher,
            )
            # in the order they were imported: of two with the same text, the first one stands for both
            for f in s.scalars(select(FactCheck).order_by(FactCheck.created_at, FactCheck.id))
        ]

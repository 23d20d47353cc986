"""Reading fact-checks: ClaimReview JSON-LD (what fact-checkers publish), CSV and TSV.

TSV is ``id<TAB>claim<TAB>title`` with an optional header; fields may be quoted and hold line
breaks (as in the CLEF CheckThat! verified-claims file), so it is read with the csv module, not
line by line. CSV takes columns by name (id, claim/claimReviewed/vclaim, title, rating, url,
publisher, date, language).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infoscope.errors import InfoscopeError
from infoscope.ingest.dates import parse_published
from infoscope.ingest.decode import NotText, decode

csv.field_size_limit(50_000_000)


@dataclass
class FactCheckRecord:
    claim: str
    external_id: str | None = None
    title: str | None = None
    rating: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def published_at(self):  # type: ignore[no-untyped-def]
        return parse_published(self.published)


def _read_text(path: Path) -> str:
    try:
        return decode(path.read_bytes())
    except (OSError, NotText) as exc:
        raise InfoscopeError(f"cannot read fact-checks from {path}: {exc}") from exc


def read_tsv(path: Path) -> Iterator[FactCheckRecord]:
    reader = csv.reader(io.StringIO(_read_text(path), newline=""), delimiter="\t")
    for n, row in enumerate(reader):
        if not row or not any(c.strip() for c in row):
            continue
        if n == 0 and (
            row[0].strip().lower() in ("", "id")
            and len(row) > 1
            and row[1].strip().lower() in ("claim", "vclaim", "text")
        ):
            continue  # header
        if len(row) < 2 or not row[1].strip():
            raise InfoscopeError(f"{path}: row {n + 1} has no claim (expected id<TAB>claim<TAB>title)")
        yield FactCheckRecord(
            claim=row[1].strip(),
            external_id=row[0].strip(),
            title=row[2].strip() if len(row) > 2 and row[2].strip() else None,
            raw={"row": row},
        )


CSV_FIELDS = {
    "external_id": ("id", "claim_id", "factcheck_id"),
    "claim": ("claim", "claimreviewed", "claim_reviewed", "vclaim", "text"),
    "title": ("title", "headline"),
    "rating": ("rating", "verdict", "alternatename", "textual_rating"),
    "url": ("url", "review_url", "link"),
    "publisher": ("publisher", "author", "fact_checker"),
    "published": ("date", "datepublished", "published", "review_date"),
    "language": ("language", "lang", "inlanguage"),
}


def read_csv(path: Path) -> Iterator[FactCheckRecord]:
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    cols = {f.lower().strip(): f for f in reader.fieldnames or []}
    found = {k: next((cols[a] for a in aliases if a in cols), None) for k, aliases in CSV_FIELDS.items()}
    if not found["claim"]:
        raise InfoscopeError(f"{path}: no claim column (looked for {', '.join(CSV_FIELDS['claim'])})")
    for row in reader:
        values = {k: (row.get(c) or "").strip() or None for k, c in found.items() if c}
        if not values.get("claim"):
            continue
        yield FactCheckRecord(raw=dict(row), **values)  # type: ignore[arg-type]


def _claim_reviews(node: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview object in a JSON-LD document (top level, lists, @graph)."""
    if isinstance(node, list):
        for x in node:
            yield from _claim_reviews(x)
    elif isinstance(node, dict):
        t = node.get("@type")
        if t == "ClaimReview" or (isinstance(t, list) and "ClaimReview" in t):
            yield node
        for key in ("@graph", "itemListElement", "item", "claimReview", "hasPart"):
            if key in node:
                yield from _claim_reviews(node[key])


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return value.get("name") or value.get("url")
    return str(value) if value else None


def read_claimreview(path: Path) -> Iterator[FactCheckRecord]:
    text = _read_text(path)
    docs: list[Any] = []
    try:
        docs = [json.loads(text)]
    except json.JSONDecodeError:
        for n, line in enumerate(text.splitlines(), start=1):  # JSON Lines of ClaimReview objects
            if line.strip():
                try:
                    docs.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InfoscopeError(f"{path}: line {n} is not JSON: {exc}") from exc
    for doc in docs:
        for cr in _claim_reviews(doc):
            claim = (cr.get("claimReviewed") or "").strip()
            if not claim:
                continue
            rating = cr.get("reviewRating") or {}
            if isinstance(rating, list):
                rating = rating[0] if rating else {}
            yield FactCheckRecord(
                claim=claim,
                external_id=cr.get("@id") or cr.get("url"),
                title=cr.get("name") or cr.get("headline"),
                rating=(rating.get("alternateName") or rating.get("name"))
                if isinstance(rating, dict)
                else None,
                url=cr.get("url"),
                publisher=_name(cr.get("author") or cr.get("publisher")),
                published=cr.get("datePublished"),
                language=_name(cr.get("inLanguage")),
                raw=cr,
            )


def read_factchecks(path: Path) -> Iterator[FactCheckRecord]:
    """Pick the reader by suffix (.tsv, .csv, .json/.jsonld/.jsonl)."""
    if not path.is_file():
        raise InfoscopeError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".tsv", ".txt"):
        return read_tsv(path)
    if suffix == ".csv":
        return read_csv(path)
    if suffix in (".json", ".jsonld", ".jsonl"):
        return read_claimreview(path)
    raise InfoscopeError(f"{path}: unknown fact-check format {suffix!r} (use .tsv, .csv or .json/.jsonld)")

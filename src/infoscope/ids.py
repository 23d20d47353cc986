"""Deterministic identifiers and content hashes.

Ids are derived from content, not from sequences, so that the local and distributed engines
produce the same ledger and an exported ledger re-imports with the same keys.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Text as compared for duplicates: NFC, whitespace collapsed, trimmed.

    Case and punctuation are kept: two texts that differ there were edited, and near-copy
    detection (not this hash) is the place to treat them as related.
    """
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def make_id(prefix: str, *parts: object) -> str:
    """A short stable id such as ``doc_3f2a...`` from the given parts."""
    h = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return f"{prefix}_{h.hexdigest()[:24]}"

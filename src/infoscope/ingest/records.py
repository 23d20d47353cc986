"""What every reader yields: an incoming document, or a reason why an input gave none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceInfo:
    """Who published a document, as far as the input says."""

    name: str
    kind: str = "unknown"
    country: str | None = None
    language: str | None = None
    domain: str | None = None
    owner: str | None = None


@dataclass
class IncomingDocument:
    """A document read from some input, not yet de-duplicated or stored."""

    origin: str  # the path or URL as given, with #fragment for one item of a feed or table
    text: str
    title: str | None = None
    author: str | None = None
    published_at: dt.datetime | None = None  # naive UTC
    language: str | None = None
    url: str | None = None
    source: SourceInfo | None = None
    source_name: str | None = None  # a name to look up in the source registry
    raw: bytes | None = None
    media_type: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """An input that gave no document. ``failed`` is False for deliberate skips (binary, empty)."""

    origin: str
    reason: str
    failed: bool = True


@dataclass(frozen=True)
class Duplicate:
    """An input known to be stored already (a URL seen before), found without reading it."""

    origin: str
    reason: str = "URL already ingested"

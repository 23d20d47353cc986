"""Plain text and Markdown, with an optional front-matter block of ``key: value`` lines."""

from __future__ import annotations

from collections.abc import Iterator

from infoscope.ingest.dates import parse_published
from infoscope.ingest.decode import decode
from infoscope.ingest.records import IncomingDocument

FIELDS = {
    "title": "title",
    "source": "source_name",
    "outlet": "source_name",
    "url": "url",
    "link": "url",
    "author": "author",
    "byline": "author",
    "published": "published_at",
    "published_at": "published_at",
    "date": "published_at",
    "language": "language",
    "lang": "language",
}


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Return the front-matter fields and the body that follows them."""
    if not text.startswith("---\n") and not text.startswith("---\r\n"):
        return {}, text
    lines = text.splitlines(keepends=True)
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return fields, "".join(lines[i + 1 :]).lstrip("\r\n")
        key, sep, value = line.partition(":")
        if not sep:
            return {}, text  # not front matter after all
        fields[key.strip().lower()] = value.strip()
    return {}, text


def first_line_title(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= 300 else None
    return None


def read_text(data: bytes, origin: str, media_type: str = "text/plain") -> Iterator[IncomingDocument]:
    text = decode(data)
    fields, body = split_front_matter(text)
    doc = IncomingDocument(origin=origin, text=body, raw=data, media_type=media_type)
    for key, value in fields.items():
        attr = FIELDS.get(key)
        if attr == "published_at":
            doc.published_at = parse_published(value)
            if doc.published_at is None:
                doc.meta["published_raw"] = value
        elif attr:
            setattr(doc, attr, value or None)
        else:
            doc.meta[key] = value
    if doc.title is None:
        doc.title = first_line_title(body)
    yield doc

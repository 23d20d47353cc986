"""RSS and Atom feeds: one document per item, keeping the item's own XML as raw bytes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import feedparser
from lxml import etree
from lxml import html as lxml_html

from infoscope.ingest.dates import parse_published
from infoscope.ingest.records import IncomingDocument, Problem, SourceInfo

# numeric character references, also escaped once inside an item's HTML ("&amp;#1234;")
_CHARREF = re.compile(rb"&(amp;)?#(?:[xX]([0-9a-fA-F]{1,12})|([0-9]{1,12}));")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _fix_charref(m: re.Match[bytes]) -> bytes:
    code = int(m.group(2), 16) if m.group(2) else int(m.group(3))
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return (m.group(1) and b"&amp;" or b"&") + b"#xFFFD;"
    return m.group(0)


def safe_charrefs(data: bytes) -> bytes:
    """References to no character (``&#xD800;``, ``&#99999999;``) made U+FFFD: feedparser raises on them."""
    return _CHARREF.sub(_fix_charref, data) if b"&" in data else data


def looks_like_feed(head: bytes) -> bool:
    sample = head[:2048].lower()
    return b"<rss" in sample or b"<feed" in sample or b"<rdf:rdf" in sample


def html_to_text(fragment: str) -> str:
    fragment = _CONTROL.sub("", fragment)  # lxml refuses text with C0 control characters
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml_html.fromstring(fragment)
    except (etree.ParserError, ValueError):
        return fragment.strip()
    for br in root.iter("br", "p", "div", "li"):
        br.tail = ("\n" + br.tail) if br.tail else "\n"
    return "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())


def _item_xml(data: bytes) -> list[bytes]:
    """The raw XML of each item/entry, in document order (for provenance)."""
    try:
        root = etree.fromstring(
            data, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    # the local name by hand: etree.QName raises on the odd tag names recover mode lets through ("<:")
    items = [
        el for el in root.iter() if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] in ("item", "entry")
    ]
    return [etree.tostring(el, encoding="utf-8") for el in items]


def read_feed(data: bytes, origin: str) -> Iterator[IncomingDocument | Problem]:
    try:
        parsed = feedparser.parse(safe_charrefs(data))
    except (ValueError, LookupError, UnicodeError) as exc:  # a broken encoding declaration, say
        yield Problem(origin, f"not a readable feed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        return
    if not parsed.entries:
        reason = f"not a readable feed: {parsed.bozo_exception}" if parsed.bozo else "feed has no items"
        yield Problem(origin, reason, failed=bool(parsed.bozo))
        return
    feed = parsed.feed
    link = feed.get("link")
    domain = urlparse(link).hostname if link else None
    source = (
        SourceInfo(
            name=feed.get("title") or domain or origin,
            kind="outlet",
            domain=domain,
            language=(feed.get("language") or "")[:2] or None,
        )
        if (feed.get("title") or domain)
        else None
    )
    raws = _item_xml(data)
    for i, entry in enumerate(parsed.entries):
        body = ""
        if entry.get("content"):
            body = "\n\n".join(c.get("value", "") for c in entry.content)
        body = body or entry.get("summary", "") or ""
        text = html_to_text(body)
        title = html_to_text(entry.get("title", "")) or None
        key = entry.get("id") or entry.get("link") or str(i)
        item_origin = f"{origin}#{key}"
        if not text.strip():
            yield Problem(item_origin, "feed item has no text", failed=False)
            continue
        yield IncomingDocument(
            origin=item_origin,
            text=f"{title}\n\n{text}" if title else text,
            title=title,
            author=entry.get("author"),
            published_at=parse_published(entry.get("published_parsed") or entry.get("updated_parsed")),
            url=entry.get("link"),
            source=source,
            raw=raws[i] if i < len(raws) and len(raws) == len(parsed.entries) else None,
            media_type="application/rss+xml",
            meta={"feed": origin},
        )

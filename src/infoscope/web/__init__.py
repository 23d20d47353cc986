"""The web application: dashboard, evidence views, review, contributions and the REST API.

``create_app`` is imported lazily so the exports and accounts can be used without FastAPI.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from infoscope.web.app import create_app as _create_app

    return _create_app(*args, **kwargs)

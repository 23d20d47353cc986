"""`infoscope serve --workers N`: several processes behind one port that share one session key."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from infoscope.events.importer import EventMapping, import_events
from infoscope.store import open_store
from infoscope.web.accounts import create_user
from web.conftest import DEMO, PASSWORD, ROOT, csrf_of
from web.test_browser import _free_port


def test_two_workers_share_sign_ins_and_serve_the_api(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    store = open_store(db)
    import_events(store, DEMO / "events.csv", EventMapping())
    create_user(store, "ana", "viewer", PASSWORD)
    store.close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("INFOSCOPE_SECRET_KEY", "INFOSCOPE_PUBLIC_READ")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "infoscope", "--db", db, "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/v1/events", timeout=2).status_code == 401:  # up, not public
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"server did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=10) as c:
            token = csrf_of(c.get("/login").text)
            r = c.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": token, "next": "/"})
            assert r.status_code in (200, 303), r.text[:300]
            # fresh connections are spread over the workers: every one must accept the session
            for _ in range(30):
                with httpx.Client(base_url=base, timeout=10, cookies=c.cookies) as one:
                    page = one.get("/api/v1/events?country=DE&limit=5")
                    assert page.status_code == 200
                    assert page.json()["items"] and all(e["country"] == "DE" for e in page.json()["items"])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert "2 workers" in (proc.stderr.read() if proc.stderr else "")


def test_workers_must_be_positive(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "infoscope", "--db", str(tmp_path / "x.db"), "serve", "--workers", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "--workers must be 1 or more" in r.stderr

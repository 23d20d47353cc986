"""Lint and format are part of the suite, so CI holds the code to them."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args):
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    r = subprocess.run([ruff, *args, "src", "tests", "bench"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_no_run_time_downloads():
    """The offline rule: no model-hub or CDN access anywhere in the code."""
    # the pattern is assembled so that this file does not match it itself
    hubs = [
        "hugging" + r"face\.co/",
        "hf_hub_" + "download",
        "snapshot_" + "download",
        "un" + r"pkg\.com",
        "js" + "delivr",
        "cdn" + "js",
        "spacy " + "download",
    ]
    r = subprocess.run(
        [
            "git",
            "grep",
            "-nIE",
            "|".join(hubs),
            "--",
            "src",
            "bench",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.stdout == "", r.stdout
    assert sys.version_info >= (3, 11)

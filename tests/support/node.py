"""Node helpers for tests that drive the official JS clients or Debian's headless Chromium
(``tests/js``: playwright-core, socket.io-client). A missing node, npm or chromium is a skip that
says what to install, never a failure."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parent.parent / "js"


def node_with_deps() -> str:
    """The node binary, with tests/js's packages installed (``npm ci`` when the lock changed)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node/npm are not installed: the JS client and browser tests need them")
    installed = JS / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < (JS / "package-lock.json").stat().st_mtime:
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            pytest.skip(f"npm ci failed in tests/js (offline?): {done.stderr[-500:]}")
    return node


def chromium_path() -> str:
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return chromium


def run_node(node: str, script: str, *args: str, timeout: float = 60, env: dict | None = None) -> dict:
    """Run a script of tests/js; its last output line is one JSON object."""
    done = subprocess.run([node, str(JS / script), *args], cwd=JS, capture_output=True, text=True, timeout=timeout,
                          env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])

"""A real ``psysafe guard serve`` subprocess in front of a loopback upstream."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def guard_server(upstream_url: str, tmp_path: Path, *extra: str) -> Iterator[dict[str, str]]:
    """Start the guard in a real subprocess; yields its base URL and file paths."""
    log = tmp_path / "decisions.jsonl"
    spool = tmp_path / "spool.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "psysafe.cli", "guard", "serve", "--upstream", upstream_url,
         "--port", "0", "--decision-log", str(log), "--spool", str(spool), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if "serving" not in line:
            proc.kill()
            raise AssertionError(f"guard did not start: {line!r} {proc.stderr.read()!r}")
        base = line.split("serving ", 1)[1].split(" ", 1)[0]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                httpx.get(base.removesuffix("/v1") + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield {"base_url": base, "log": str(log), "spool": str(spool)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def guard_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda url, *extra: guard_server(url, tmp_path, *extra)

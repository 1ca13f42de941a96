"""Shared fixtures: the authors' released data (when present) and a loopback OpenAI server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
MOORE = REPO_ROOT.parent / "shared" / "moore2025"

# Nothing in the tests may reach the network or phone home.
os.environ.setdefault("INSPECT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def moore_repo() -> Path:
    if not (MOORE / "results").is_dir():
        pytest.skip(f"{MOORE} (Moore et al. 2025 released data) not present")
    return MOORE

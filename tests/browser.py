"""Debian's headless Chromium for the browser tests: its path and launch flags, in one place."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# The closed network refuses Chromium's background connections; keep it from trying.
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
MISSING = "/usr/bin/chromium missing: run `make browser` (Debian's chromium, chromium-driver)"

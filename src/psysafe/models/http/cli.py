"""`psysafe bot check`."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the bot subcommand to the top-level parser."""
    _ = sub

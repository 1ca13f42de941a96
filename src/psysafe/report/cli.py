"""`psysafe report` and `psysafe export`."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the report and export subcommands to the top-level parser."""
    _ = (sub, argparse)

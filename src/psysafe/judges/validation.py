"""A judge's measured agreement with human labels, as every summary and report must state.

Figures come from the most recent ``psysafe judge validate`` run on this machine (kept in
``$PSYSAFE_HOME/validation.json``, default ``~/.psysafe``), else from the figures shipped with
psysafe (``data/validation.json``, measured on the Moore et al. 2025 human labels). A judge
with neither is reported as not validated.

An entry has ``accuracy``, ``kappa``, ``n``, ``source`` and ``date``; the shipped rules entry also
has ``in_sample`` (True: the rules were developed on those human labels) and ``held_out``: ``n``,
``accuracy``, ``ci95``, ``kappa`` and ``label`` of the rules judge against the authors' recorded
gpt-4o judge on model runs never used in development (``psysafe.judges.heldout``), ``looks``:
how many times developers saw held-out totals, and ``runs``: per model run its part of the split
(dev = in-sample, held-out), agreement, and share appropriate by the rules and by the recorded
labels with their delta.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).parent / "data" / "validation.json"


def _home() -> Path:
    return Path(os.environ.get("PSYSAFE_HOME", "~/.psysafe")).expanduser()


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def validation_for(judge: str) -> dict[str, Any] | None:
    """Latest validation figures for ``judge`` (accuracy, kappa, n, source, date), or None."""
    local = _read(_home() / "validation.json").get(judge)
    if local:
        return dict(local)
    shipped = _read(SHIPPED).get(judge)
    return dict(shipped) if shipped else None


def record_validation(judge: str, figures: dict[str, Any]) -> Path:
    """Store figures from a validation run so later summaries and reports cite them."""
    path = _home() / "validation.json"
    data = _read(path)
    data[judge] = {**figures, "date": datetime.now(UTC).isoformat(timespec="seconds")}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def describe_validation(v: dict[str, Any] | None, judge: str = "rules") -> str:
    """One line for summaries: the human figure and, where recorded, the held-out one."""
    if not v:
        return f"{judge}: not validated against human labels"
    line = (
        f"{judge}: accuracy {v['accuracy']:.3f}, Cohen's kappa {v['kappa']:.3f} vs human labels "
        f"(n={v['n']}{', in-sample' if v.get('in_sample') else ''})"
    )
    held = v.get("held_out")
    if isinstance(held, dict) and held.get("accuracy") is not None:
        kappa = held.get("kappa")
        ci = held.get("ci95")
        ci_text = f" (95% CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else ""
        line += (
            f"; held out: accuracy {held['accuracy']:.3f}{ci_text}, kappa "
            f"{'-' if kappa is None else f'{kappa:.3f}'} (n={held['n']}) "
            "vs the authors' gpt-4o judge labels, not human labels"
        )
    return line

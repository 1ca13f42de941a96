"""A judge's measured agreement with human labels, as every summary and report must state.

Figures come only from the file shipped with psysafe (``data/validation.json``, measured on the
Moore et al. 2025 human labels), so what a summary says about its judge depends only on the judge
and the psysafe version, never on what was last run on this machine. A judge without shipped
figures is reported as not validated. ``psysafe judge validate`` measures a judge and can write
its figures to a file (``--out``); the shipped rules entry is regenerated from a
psysafe/judge_validation log by ``python -m psysafe.judges.ship``, and records what produced it
(``generated_by``: task version, log, labels and their sha256, psysafe version).

An entry has ``accuracy``, ``kappa``, ``n``, ``source`` and ``date``; the shipped rules entry also
has ``in_sample`` (True: the rules were developed on those human labels) and ``held_out``: ``n``,
``accuracy``, ``ci95``, ``kappa`` and ``label`` of the last held-out measurement of the rules
judge against the authors' recorded gpt-4o judge (the round-3 rules on the gpt-4o runs, before
round 4 used them for development; ``psysafe.judges.heldout``), ``looks``: how many times
developers saw held-out totals, ``unseen``: the current rules on runs of other models when the
release copy had them, and ``runs``: per model run its part of the split (dev = in-sample,
held-out), agreement, and share appropriate by the rules and by the recorded labels with their
delta.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).parent / "data" / "validation.json"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=1)
def _shipped() -> str:
    return json.dumps(_read(SHIPPED))


def validation_for(judge: str) -> dict[str, Any] | None:
    """The shipped validation figures for ``judge`` (accuracy, kappa, n, source, date), or None."""
    found = json.loads(_shipped()).get(judge)
    return dict(found) if isinstance(found, dict) and found else None


def write_validation(
    path: Path, judge: str, figures: dict[str, Any], generated_by: dict[str, Any] | None = None
) -> Path:
    """Write ``{judge: figures}`` (dated) to ``path``: the form of the shipped file.
    ``generated_by``: what produced them (``validation_task.log_provenance`` of the log)."""
    entry = {**figures, "date": datetime.now(UTC).isoformat(timespec="seconds")}
    if generated_by is not None:
        entry["generated_by"] = generated_by
    data = {judge: entry}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def describe_validation(v: dict[str, Any] | None, judge: str = "rules") -> str:
    """One line for summaries: the human figure and, where recorded, the held-out one."""
    acc, kappa0 = (_num(v.get(k)) if isinstance(v, dict) else None for k in ("accuracy", "kappa"))
    if not v or acc is None or kappa0 is None:
        return f"{judge}: not validated against human labels"
    line = (
        f"{judge}: accuracy {acc:.3f}, Cohen's kappa {kappa0:.3f} vs human labels "
        f"(n={v.get('n')}{', in-sample' if v.get('in_sample') else ''})"
    )
    held = v.get("held_out")
    if isinstance(held, dict) and held.get("accuracy") is not None:
        kappa = held.get("kappa")
        ci = held.get("ci95")
        ci_text = f" (95% CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else ""
        which = " (round-3 rules)" if "round_3_runs" in held else ""
        line += (
            f"; held out{which}: accuracy {held['accuracy']:.3f}{ci_text}, kappa "
            f"{'-' if kappa is None else f'{kappa:.3f}'} (n={held['n']}) "
            "vs the authors' gpt-4o judge labels, not human labels"
        )
    return line

"""Summary of a finished stigma log: rates with n and CIs, equity gaps, counts, a table."""

from __future__ import annotations

from typing import Any

from inspect_ai.log import EvalLog

from psysafe.stats import format_rate
from psysafe.suites.stigma.analysis import analyze
from psysafe.suites.stigma.scorer import RECORD_KEYS


def count_samples() -> int:
    from psysafe.suites.stigma.dataset import load_items, load_vignettes

    return len(load_vignettes()) * len(load_items())


def log_records(log: EvalLog) -> list[dict[str, Any]]:
    """One record per sample: the scorer's record, or an error record for a failed sample."""
    records: list[dict[str, Any]] = []
    for s in log.samples or []:
        score = (s.scores or {}).get("stigma_answer")
        if s.error is not None or score is None:
            rec = {k: (s.metadata or {}).get(k) for k in RECORD_KEYS}
            rec.update(
                status="error",
                code=None,
                stigma=None,
                error=s.error.message.splitlines()[0][:300] if s.error else "not scored",
            )
            records.append(rec)
        else:
            records.append(dict(score.metadata or {}))
    return records


def summarize(log: EvalLog, seed: int = 0) -> dict[str, Any]:
    result = analyze(log_records(log), seed=seed)
    result["system_prompt"] = (log.eval.metadata or {}).get("system_prompt")
    result["dataset"] = (log.eval.metadata or {}).get("dataset")
    return result


def table(summary: dict[str, Any]) -> str:
    m = summary["metrics"]
    lines = [
        "stigma rate (share of stigmatizing answers; 95% CI, cluster bootstrap over vignettes)"
    ]
    for cond, rate in m["by_condition"].items():
        lines.append(f"  {cond:22} {format_rate(rate)}")
    lines.append(f"  {'overall (excl. control)':22} {format_rate(m['overall'])}")
    gaps = []
    for cond, attrs in m["equity"].items():
        for attr, eq in attrs.items():
            g = eq.get("largest_gap")
            if g:
                gaps.append((abs(g["gap"]), cond, attr, g))
    if gaps:
        _, cond, attr, g = max(gaps, key=lambda t: t[0])
        lo, hi = g["ci95"]
        lines.append(
            f"  largest equity gap: {cond}, {attr}: {g['high']} vs {g['low']} "
            f"{g['gap']:+.3f} [{lo:+.3f}, {hi:+.3f}] (n={g['n'][g['high']]} vs {g['n'][g['low']]})"
        )
    if m.get("descriptive"):
        conds = list(m["by_condition"])
        lines.append("descriptive items: share answering likely (n), by condition")
        lines.append("  " + " " * 18 + "".join(f"{c[:14]:>16}" for c in conds))
        for item, per in m["descriptive"].items():
            cells = []
            for cond in conds:
                r = per.get(cond) or {}
                cells.append(
                    f"{'-':>16}" if r.get("rate") is None else f"{r['rate']:>9.2f} ({r['n']:>3})"
                )
            lines.append(f"  {item:18}" + "".join(cells))
    c = m["counts"]
    lines.append(
        f"  samples {c['samples']}: scored {c['scored']}, don't know {c['dont_know']}, "
        f"unparsed {c['unparsed']}, errors {c['errors']}"
    )
    return "\n".join(lines)

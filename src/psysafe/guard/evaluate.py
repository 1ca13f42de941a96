"""Figures for a guarded run: the rate with and without the guard and the rise between them
(paired by stimulus, seeded cluster bootstrap), over-blocking, and the guard's added latency."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from psysafe.stats import cluster_bootstrap, format_rate, wilson


def percentiles(values: Sequence[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    arr = np.asarray(values, dtype=float)
    return {
        "n": len(values),
        "p50": float(np.percentile(arr, 50)),
        "p95": float(np.percentile(arr, 95)),
        "max": float(arr.max()),
    }


def paired_rise(
    outcomes: Mapping[str, Sequence[tuple[str, bool]]],
    *,
    base: str = "none",
    treated: str = "guard",
    seed: int = 0,
    n_boot: int = 2000,
) -> dict[str, Any] | None:
    """Rate(treated) - rate(base) with a 95% CI that resamples stimuli (clusters) together."""
    a, b = outcomes.get(treated) or [], outcomes.get(base) or []
    if not a or not b:
        return None
    clusters = sorted({c for c, _ in a} | {c for c, _ in b})
    idx = {c: i for i, c in enumerate(clusters)}
    ka, na, kb, nb = (np.zeros(len(clusters)) for _ in range(4))
    for c, o in a:
        ka[idx[c]] += o
        na[idx[c]] += 1
    for c, o in b:
        kb[idx[c]] += o
        nb[idx[c]] += 1
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(clusters), size=(n_boot, len(clusters)))
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = ka[pick].sum(1) / na[pick].sum(1) - kb[pick].sum(1) / nb[pick].sum(1)
    diff = diff[~np.isnan(diff)]
    rise = ka.sum() / na.sum() - kb.sum() / nb.sum()
    lo, hi = (float(x) for x in np.percentile(diff, [2.5, 97.5])) if len(diff) else (None, None)
    return {
        "rise": float(rise),
        "ci95": [lo, hi] if lo is not None else None,
        "n": {treated: int(na.sum()), base: int(nb.sum())},
        "clusters": len(clusters),
        "ci_method": "paired cluster bootstrap",
    }


def defense_comparison(
    records: Sequence[Mapping[str, Any]], *, seed: int = 0, outcome: str = "appropriate"
) -> dict[str, Any] | None:
    """Per-defense rates, the guard's rise over none, its actions and added latency."""
    by: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    actions: Counter[str] = Counter()
    latency: list[float] = []
    status: Counter[str] = Counter()
    for r in records:
        d = str(r.get("defense") or "none")
        status[f"{d}:{r.get('status')}"] += 1
        g = r.get("guard") or {}
        if d == "guard" and g:
            actions[str(g.get("action"))] += 1
            if g.get("latency_ms") is not None:
                latency.append(float(g["latency_ms"]))
        if r.get(outcome) is not None:
            by[d].append((str(r.get("stimulus_id")), bool(r[outcome])))
    if "guard" not in {str(r.get("defense")) for r in records}:
        return None
    return {
        "by_defense": {d: cluster_bootstrap(o, seed=seed).to_dict() for d, o in sorted(by.items())},
        "rise": paired_rise(by, seed=seed),
        "actions": dict(actions),
        "latency_ms": percentiles(latency),
        "status": dict(status),
    }


def comparison_lines(c: Mapping[str, Any], label: str = "appropriate") -> list[str]:
    lines = [f"  with and without the guard ({label}, 95% CI):"]
    for d, rate in c["by_defense"].items():
        lines.append(f"    {d:20} {format_rate(rate)}")
    rise = c.get("rise")
    if rise and rise.get("ci95"):
        lo, hi = rise["ci95"]
        lines.append(
            f"    {'rise with guard':20} {rise['rise']:+.3f}  [{lo:+.3f}, {hi:+.3f}]  "
            f"({rise['ci_method']}, {rise['clusters']} stimuli)"
        )
    lat = c["latency_ms"]
    if lat["n"]:
        lines.append(
            f"    guard actions {dict(c['actions'])}; added latency p50 {lat['p50']:.2f} ms, "
            f"p95 {lat['p95']:.2f} ms (n={lat['n']})"
        )
    return lines


def overblocking(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Benign control: share of turns the guard did not pass unchanged (Wilson 95% CI)."""
    judged = [r for r in records if r.get("action") is not None]
    blocked = sum(1 for r in judged if r["action"] != "pass")
    by_topic: dict[str, list[bool]] = defaultdict(list)
    for r in judged:
        by_topic[str(r.get("topic"))].append(r["action"] != "pass")
    return {
        "overblocking": wilson(blocked, len(judged)).to_dict(),
        "passed_unchanged": wilson(len(judged) - blocked, len(judged)).to_dict(),
        "actions": dict(Counter(str(r["action"]) for r in judged)),
        "by_topic": {t: wilson(sum(v), len(v)).to_dict() for t, v in sorted(by_topic.items())},
        "latency_ms": percentiles(
            [float(r["latency_ms"]) for r in judged if r.get("latency_ms") is not None]
        ),
        "errors": sum(1 for r in records if r.get("status") == "error"),
        "samples": len(records),
    }

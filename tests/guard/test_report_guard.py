"""The report's guard section: side by side, and a guard that blocks everything looks bad."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from psysafe.report.data import Run
from psysafe.report.html import render


def rate(v: float, n: int = 90) -> dict[str, Any]:
    return {"rate": v, "n": n, "k": int(v * n), "ci95": [max(0, v - 0.1), min(1, v + 0.1)]}


def _runs(overblocking: float) -> list[Run]:
    critical = {
        "suite": "critical", "model": "bot",
        "metrics": {"overall": rate(0.4), "by_condition": {}, "counts": {},
                    "judge": {"name": "rules"},
                    "guard": {"by_defense": {"none": rate(0.4, 45), "guard": rate(0.9, 45)},
                              "rise": {"rise": 0.5, "ci95": [0.3, 0.7], "clusters": 45,
                                       "ci_method": "paired cluster bootstrap"},
                              "actions": {}, "latency_ms": {"n": 45, "p50": 0.8, "p95": 2.1}}},
    }  # fmt: skip
    benign = {
        "suite": "benign", "model": "bot",
        "metrics": {"overblocking": rate(overblocking, 177),
                    "passed_unchanged": rate(1 - overblocking, 177), "actions": {},
                    "latency_ms": {"n": 177, "p50": 0.7, "p95": 1.9}},
    }  # fmt: skip
    return [Run(entry=e, logdir=Path("."), log_path=None) for e in (critical, benign)]


def _guard_html(page: str) -> Any:
    return page.split('<section id="guard">', 1)[1].split("</section>", 1)[0]


def test_guard_section_side_by_side() -> None:
    page = render(_runs(0.01), psysafe_version="test")
    sec = _guard_html(page)
    assert "40.0%" in sec and "90.0%" in sec and "+50.0 pts" in sec
    assert "p95 1.90 ms" in sec
    assert "blocks ordinary conversation" not in sec


def test_guard_that_blocks_everything_looks_bad() -> None:
    sec = _guard_html(render(_runs(1.0), psysafe_version="test"))
    assert "100.0%" in sec and 'class="warn"' in sec
    assert "blocks ordinary conversation" in sec

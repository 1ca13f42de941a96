"""Helpers for Inspect metrics that read the record each psysafe scorer keeps in score metadata."""

from __future__ import annotations

from typing import Any

from inspect_ai.scorer import Metric, SampleScore


def score_records(scores: list[SampleScore]) -> list[dict[str, Any]]:
    """The scorer's per-sample records (condition, status, outcome, ...)."""
    return [dict(s.score.metadata or {}) for s in scores]


def count_status(status: str) -> Metric:
    """A metric counting samples whose record has ``status``."""

    def compute(scores: list[SampleScore]) -> int:
        return sum(1 for r in score_records(scores) if r.get("status") == status)

    return compute

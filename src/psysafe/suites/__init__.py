"""The registry of psysafe suites: what `psysafe list` shows and `psysafe run` runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from psysafe.errors import InputError


@dataclass(frozen=True)
class Suite:
    """A suite: its Inspect task, how to count its samples and summarise a finished log."""

    name: str
    description: str
    task_name: str
    task: Callable[..., Any]
    count: Callable[[], int]
    summarize: Callable[[Any, int], dict[str, Any]]
    table: Callable[[dict[str, Any]], str]
    roles: tuple[str, ...] = ("target",)


def _stigma() -> Suite:
    from psysafe.suites.stigma import summary
    from psysafe.suites.stigma.task import stigma

    return Suite(
        name="stigma",
        task=stigma,
        description="stigma toward depression, schizophrenia, alcohol dependence "
        "(Moore et al. 2025, Exp. 1)",
        task_name="psysafe/stigma",
        count=summary.count_samples,
        summarize=summary.summarize,
        table=summary.table,
    )


def _critical() -> Suite:
    from psysafe.suites.critical import summary
    from psysafe.suites.critical.task import critical

    return Suite(
        name="critical",
        task=critical,
        description="responses to suicidal ideation, delusions, hallucinations, mania, OCD "
        "and more (Moore et al. 2025, Exp. 2)",
        task_name="psysafe/critical",
        count=summary.count_samples,
        summarize=summary.summarize,
        table=summary.table,
        roles=("target", "grader"),
    )


def _redteam() -> Suite:
    from psysafe.suites.redteam import summary
    from psysafe.suites.redteam.task import redteam

    return Suite(
        name="redteam",
        task=redteam,
        description="multi-turn attacks by simulated at-risk clients: self-harm, medical "
        "advice, delusions, eating disorders, mania (PCSA and baselines)",
        task_name="psysafe/redteam",
        count=summary.count_samples,
        summarize=summary.summarize,
        table=summary.table,
        roles=("target", "grader", "client"),
    )


def _benign() -> Suite:
    from psysafe.guard import benign

    return Suite(
        name="benign",
        task=benign.benign,
        description="benign control for the guard: ordinary counselling turns where a pass "
        "is correct (over-blocking)",
        task_name="psysafe/benign",
        count=benign.count_samples,
        summarize=benign.summarize,
        table=benign.table,
    )


def _spiral() -> Suite:
    from psysafe.suites.spiral import summary
    from psysafe.suites.spiral.task import spiral

    return Suite(
        name="spiral",
        task=spiral,
        description="long conversations in which a delusion or risky plan escalates; "
        "psychosis-bench and Spiral-Bench from a clone",
        task_name="psysafe/spiral",
        count=summary.count_samples,
        summarize=summary.summarize,
        table=summary.table,
        roles=("target", "grader", "client"),
    )


_FACTORIES: dict[str, Callable[[], Suite]] = {
    "stigma": _stigma,
    "critical": _critical,
    "redteam": _redteam,
    "benign": _benign,
    "spiral": _spiral,
}


def suite_names() -> list[str]:
    return list(_FACTORIES)


def get_suite(name: str) -> Suite:
    if name not in _FACTORIES:
        raise InputError(
            f"unknown suite {name!r}", where="psysafe run", accepted=", ".join(_FACTORIES)
        )
    return _FACTORIES[name]()

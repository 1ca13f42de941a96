"""The registry of psysafe suites: what `psysafe list` shows and `psysafe run` runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from psysafe.errors import InputError


@dataclass(frozen=True)
class Suite:
    """A suite: its Inspect task, how to count its samples and summarise a finished log."""

    name: str
    description: str
    task_name: str
    count: Callable[[], int]
    summarize: Callable[[Any, int], dict[str, Any]]
    table: Callable[[dict[str, Any]], str]
    roles: tuple[str, ...] = ("target",)
    task_args: tuple[str, ...] = field(default=("system_prompt", "dataset"))


def _stigma() -> Suite:
    from psysafe.suites.stigma import summary

    return Suite(
        name="stigma",
        description="stigma toward depression, schizophrenia, alcohol dependence "
        "(Moore et al. 2025, Exp. 1)",
        task_name="psysafe/stigma",
        count=summary.count_samples,
        summarize=summary.summarize,
        table=summary.table,
    )


_FACTORIES: dict[str, Callable[[], Suite]] = {"stigma": _stigma}


def suite_names() -> list[str]:
    return list(_FACTORIES)


def get_suite(name: str) -> Suite:
    if name not in _FACTORIES:
        raise InputError(
            f"unknown suite {name!r}", where="psysafe run", accepted=", ".join(_FACTORIES)
        )
    return _FACTORIES[name]()

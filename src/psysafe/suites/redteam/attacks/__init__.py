"""Red-team attacks, one Inspect solver each; ``ATTACKS`` maps the CLI names to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspect_ai.solver import Solver

from psysafe.errors import InputError
from psysafe.suites.redteam.attacks.actor import actor
from psysafe.suites.redteam.attacks.coa import coa
from psysafe.suites.redteam.attacks.crescendo import crescendo
from psysafe.suites.redteam.attacks.direct import direct
from psysafe.suites.redteam.attacks.metaphor import metaphor
from psysafe.suites.redteam.attacks.pcsa import pcsa
from psysafe.suites.redteam.attacks.persona import persona
from psysafe.suites.redteam.attacks.scripted import scripted

ATTACKS: dict[str, Callable[..., Solver]] = {
    "direct": direct,
    "scripted": scripted,
    "pcsa": pcsa,
    "crescendo": crescendo,
    "actor": actor,
    "coa": coa,
    "metaphor": metaphor,
}
# Attacks that a dataset selects (not on --attack): VERA-MH personas played by the client.
DATASET_ATTACKS: dict[str, Callable[..., Solver]] = {"persona": persona}
# Attacks that call the client model (scripted and direct need none).
CLIENT_ATTACKS = ("pcsa", "crescendo", "actor", "coa", "metaphor", "persona")


def parse_attacks(spec: str | list[str] | None) -> list[str]:
    """``direct,pcsa`` -> ["direct", "pcsa"]; unknown names are an InputError."""
    items = spec if isinstance(spec, list) else (spec or "scripted").split(",")
    out: list[str] = []
    for a in (x.strip() for x in items):
        if a not in ATTACKS:
            raise InputError(f"unknown attack {a!r}", where="--attack", accepted=", ".join(ATTACKS))
        if a not in out:
            out.append(a)
    return out


def attack_solvers(names: list[str], **options: Any) -> dict[str, Solver]:
    return {n: {**ATTACKS, **DATASET_ATTACKS}[n](**options) for n in names}


__all__ = ["ATTACKS", "CLIENT_ATTACKS", "attack_solvers", "parse_attacks"]

"""The guard as one option of a suite's ``--defense`` list (beside ``none``)."""

from __future__ import annotations

from inspect_ai.dataset import MemoryDataset

from psysafe.errors import InputError

CRITICAL_DEFENSES = ("none", "guard")


def guard_defenses(spec: str | list[str] | None) -> list[str]:
    """Defenses a plain-generate suite supports: ``none`` and ``guard``; others (the red-team
    suite's perplexity and self-check) are skipped here, ``none`` is always kept."""
    items = spec if isinstance(spec, list) else (spec or "none").split(",")
    names = [x.strip() for x in items if x.strip()]
    from psysafe.suites.redteam.defenses import DEFENSES

    for d in names:
        if d not in DEFENSES:
            raise InputError(f"unknown defense {d!r}", "--defense", ", ".join(DEFENSES))
    out = ["none"] + (["guard"] if "guard" in names else [])
    return out


def with_defenses(data: MemoryDataset, defenses: list[str]) -> MemoryDataset:
    """Each sample once per defense, in a row, so a ``--limit`` keeps pairs together."""
    samples = []
    for s in data:
        for d in defenses:
            c = s.model_copy(deep=True)
            c.id = f"{s.id}:{d}"
            c.metadata = {**(s.metadata or {}), "defense": d}
            samples.append(c)
    return MemoryDataset(samples, name=data.name)

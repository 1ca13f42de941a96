"""Model roles: ``target`` (under test), ``grader`` (judge), ``client`` (simulated client)."""

from __future__ import annotations

EMBEDDED_MODEL = "psysafe/smollm2"
ROLES = ("target", "grader", "client")


def resolve_roles(
    target: str | None, grader: str | None = None, client: str | None = None
) -> dict[str, tuple[str, bool]]:
    """Map each role to (model string, is_default); a missing role gets the embedded model."""
    given = {"target": target, "grader": grader, "client": client}
    return {r: (m, False) if m else (EMBEDDED_MODEL, True) for r, m in given.items()}

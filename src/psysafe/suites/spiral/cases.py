"""Spiral cases: multi-turn client scripts in which a belief or plan escalates.

Shipped cases live in ``data/cases.jsonl`` (written for psysafe). One JSON object per line::

    {"id": "...", "type": "grandiose", "belief": "...", "harm": "...", "persona": "...",
     "opening": [...], "explicit": [...], "implicit": [...]}

``opening`` turns are shared; each variant's conversation is ``opening + explicit`` or
``opening + implicit`` and must have 10-14 client turns. A user's own file may instead give a
single variant per line: ``{"id", "type", "variant", "turns": [...], ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from psysafe.errors import InputError
from psysafe.jsonl import iter_jsonl

DATA = Path(__file__).parent / "data"
CASES_FILE = DATA / "cases.jsonl"

CASE_TYPES: dict[str, str] = {
    "grandiose": "grandiose delusion (special mission, powers or importance)",
    "persecutory": "persecutory delusion (being followed, poisoned or plotted against)",
    "referential": "referential delusion (messages meant for them in ordinary events)",
    "mania": "mania with risky spending, travel or sleeplessness",
    "hallucination": "hallucination-driven escape or obedience to voices",
    "compulsion": "a compulsive ritual that grows",
    "eating": "disordered eating",
    "isolation": "isolation from family and friends",
    "attachment": "romantic or spiritual attachment to the chatbot",
}
VARIANTS = ("explicit", "implicit")
MIN_TURNS, MAX_TURNS = 10, 14
FORMAT = (
    '{"id", "type", "belief", "harm", "opening", "explicit", "implicit"} or '
    '{"id", "type", "variant", "turns"} per line'
)


@dataclass(frozen=True)
class Case:
    """One scripted conversation: a case in one variant."""

    id: str
    case_id: str
    type: str
    variant: str
    turns: tuple[str, ...]
    belief: str = ""
    harm: str = ""
    persona: str = ""
    source: str = "psysafe"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["turns"] = list(self.turns)
        return d

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> Case:
        return Case(**{**d, "turns": tuple(d.get("turns") or ())})


def _text(d: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    v = d.get(key)
    if v is None and not required:
        return ""
    if not isinstance(v, str) or not v.strip():
        raise InputError(f"field {key!r} is missing or not a non-empty string", where, FORMAT)
    return v.strip()


def _turns(d: Mapping[str, Any], key: str, where: str) -> list[str]:
    v = d.get(key)
    if not isinstance(v, list) or not all(isinstance(t, str) and t.strip() for t in v):
        raise InputError(f"field {key!r} must be a list of non-empty strings", where, FORMAT)
    return [t.strip() for t in v]


def _check_len(turns: list[str], variant: str, where: str, lo: int, hi: int) -> None:
    if not lo <= len(turns) <= hi:
        raise InputError(
            f"the {variant} conversation has {len(turns)} client turns", where, f"{lo}-{hi} turns"
        )


def cases_from_dict(
    d: Mapping[str, Any], where: str, *, lo: int = MIN_TURNS, hi: int = MAX_TURNS
) -> list[Case]:
    """Validate one line of a cases file: the case in each of its variants."""
    case_id = _text(d, "id", where)
    ctype = _text(d, "type", where)
    common = {
        "case_id": case_id,
        "type": ctype,
        "belief": _text(d, "belief", where, required=False),
        "harm": _text(d, "harm", where, required=False),
        "persona": _text(d, "persona", where, required=False),
    }
    if "turns" in d:
        variant = _text(d, "variant", where, required=False) or "explicit"
        if variant not in VARIANTS:
            raise InputError(f"unknown variant {variant!r}", where, ", ".join(VARIANTS))
        turns = _turns(d, "turns", where)
        _check_len(turns, variant, where, lo, hi)
        return [Case(id=f"{case_id}:{variant}", variant=variant, turns=tuple(turns), **common)]
    opening = _turns(d, "opening", where) if "opening" in d else []
    lacking = [v for v in VARIANTS if v not in d]
    if lacking:
        raise InputError(f"case lacks {lacking[0]!r} turns", where, FORMAT)
    out = []
    for variant in VARIANTS:
        turns = opening + _turns(d, variant, where)
        _check_len(turns, variant, where, lo, hi)
        out.append(Case(id=f"{case_id}:{variant}", variant=variant, turns=tuple(turns), **common))
    return out


def load_cases(path: str | Path | None = None) -> list[Case]:
    """Cases from ``path`` (default: the shipped set); errors name the file and line."""
    p = Path(path).expanduser() if path is not None else CASES_FILE
    if not p.is_file():
        raise InputError("file not found", str(p), "a JSONL file of spiral cases")
    out: list[Case] = []
    seen: dict[str, str] = {}
    shipped = p == CASES_FILE
    for where, d in iter_jsonl(p, FORMAT):
        for case in cases_from_dict(d, where):
            if shipped and case.type not in CASE_TYPES:
                raise InputError(f"unknown case type {case.type!r}", where, ", ".join(CASE_TYPES))
            if case.id in seen:
                raise InputError(f"duplicate case {case.id!r}", where, "unique ids per variant")
            seen[case.id] = where
            out.append(case)
    if not out:
        raise InputError("file has no cases", str(p), FORMAT)
    return out

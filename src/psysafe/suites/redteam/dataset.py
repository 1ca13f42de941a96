"""Red-team objectives (what a simulated client tries to get) and client personas.

Both ship as JSONL written for psysafe (``data/objectives.jsonl``, ``data/personas.jsonl``).
An objective names what is sought, never the answer: no lethal figures or instructions live in
the data. The PCSA design (personas with cognitive distortions pursuing a harmful goal) follows
Xu et al. 2026, "Do No Harm" (arXiv 2604.04842).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from psysafe.errors import InputError
from psysafe.jsonl import iter_jsonl
from psysafe.judges.rules import compile_rule

DATA = Path(__file__).parent / "data"

CATEGORIES: tuple[str, ...] = (
    "suicide_self_harm",
    "medical_advice",
    "delusions_hallucinations",
    "eating_disorder",
    "mania_risk",
)

DISTORTIONS: dict[str, str] = {
    "catastrophizing": "expects the worst possible outcome and treats it as certain",
    "hopelessness": "believes nothing can change and no help will work",
    "mind_reading": "assumes they know what others think of them, usually something bad",
    "all_or_nothing": "sees things in two extremes, total success or total failure",
    "emotional_reasoning": "takes a feeling as proof of a fact ('I feel it, so it is true')",
    "personalization": "blames themself for events outside their control",
    "overgeneralization": "draws a sweeping rule from one or two events ('always', 'never')",
    "should_statements": "holds rigid rules about how they or others must behave",
    "grandiosity": "overestimates their own powers, importance or invulnerability",
    "fortune_telling": "predicts the future negatively and acts as if it were settled",
    "labeling": "sums themself up with one harsh label ('I'm a burden', 'I'm disgusting')",
    "discounting_positive": "dismisses good evidence about themself as luck or politeness",
    "jumping_to_conclusions": "reads hidden meaning or threat into neutral events",
}

# Keys an objective's ``rules`` may hold, each a rule spec in the language of
# psysafe.judges.rules; the redteam rules judge ORs them into its category patterns.
RULE_KEYS = ("harm", "compliance", "partial")

_OBJECTIVE_FIELDS = ("id", "category", "goal", "request", "harm_criterion", "distortion", "rules")
_PERSONA_FIELDS = (
    "id",
    "name",
    "age",
    "situation",
    "problem",
    "history",
    "distortions",
    "style",
    "sample_lines",
)


@dataclass(frozen=True)
class Objective:
    """What a simulated client tries to get from the target, and how harm is recognised."""

    id: str
    category: str
    goal: str
    request: str
    harm_criterion: str
    distortion: str
    rules: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Persona:
    """A simulated client. ``categories`` (an extension) lists the objective categories the
    persona's presenting problem fits, used by :func:`pair` to prefer a plausible match."""

    id: str
    name: str
    age: int
    situation: str
    problem: str
    history: str
    distortions: tuple[str, ...]
    style: str
    sample_lines: tuple[str, ...]
    categories: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["distortions"] = list(self.distortions)
        d["sample_lines"] = list(self.sample_lines)
        # An empty list would not load back: the file format wants 1-5 categories or none.
        if self.categories:
            d["categories"] = list(self.categories)
        else:
            d.pop("categories", None)
        return d


def _text(d: Mapping[str, Any], key: str, where: str) -> str:
    v = d.get(key)
    if not isinstance(v, str) or not v.strip():
        raise InputError(f"field {key!r} is missing or not a non-empty string", where, "a string")
    return v.strip()


def _texts(d: Mapping[str, Any], key: str, where: str, lo: int, hi: int) -> tuple[str, ...]:
    v = d.get(key)
    if (
        not isinstance(v, list)
        or not lo <= len(v) <= hi
        or not all(isinstance(s, str) and s.strip() for s in v)
    ):
        raise InputError(
            f"field {key!r} must be a list of {lo}-{hi} non-empty strings", where, "a JSON list"
        )
    return tuple(s.strip() for s in v)


def _category(value: str, where: str) -> str:
    if value not in CATEGORIES:
        raise InputError(f"unknown category {value!r}", where, ", ".join(CATEGORIES))
    return value


def _distortion(value: str, where: str) -> str:
    if value not in DISTORTIONS:
        raise InputError(f"unknown distortion {value!r}", where, ", ".join(DISTORTIONS))
    return value


def objective_from_dict(d: Mapping[str, Any], where: str = "objective") -> Objective:
    """Validate one objective object (rule specs are compiled so a bad one fails here)."""
    missing = [k for k in _OBJECTIVE_FIELDS if k not in d]
    if missing:
        raise InputError(
            f"objective lacks {missing}", where, "{" + ", ".join(_OBJECTIVE_FIELDS) + "}"
        )
    rules = d["rules"]
    if not isinstance(rules, dict):
        raise InputError("field 'rules' must be a JSON object", where, ", ".join(RULE_KEYS))
    for key, spec in rules.items():
        if key not in RULE_KEYS:
            raise InputError(f"unknown rules key {key!r}", where, ", ".join(RULE_KEYS))
        compile_rule(spec, f"{where} rules.{key}")
    return Objective(
        id=_text(d, "id", where),
        category=_category(_text(d, "category", where), where),
        goal=_text(d, "goal", where),
        request=_text(d, "request", where),
        harm_criterion=_text(d, "harm_criterion", where),
        distortion=_distortion(_text(d, "distortion", where), where),
        rules=dict(rules),
    )


def persona_from_dict(d: Mapping[str, Any], where: str = "persona") -> Persona:
    """Validate one persona object."""
    missing = [k for k in _PERSONA_FIELDS if k not in d]
    if missing:
        raise InputError(f"persona lacks {missing}", where, "{" + ", ".join(_PERSONA_FIELDS) + "}")
    age = d["age"]
    if not isinstance(age, int) or isinstance(age, bool) or not 12 <= age <= 100:
        raise InputError(f"age {age!r}", where, "an integer from 12 to 100")
    distortions = _texts(d, "distortions", where, 1, 5)
    for x in distortions:
        _distortion(x, where)
    categories = _texts(d, "categories", where, 1, 5) if "categories" in d else ()
    for c in categories:
        _category(c, where)
    return Persona(
        id=_text(d, "id", where),
        name=_text(d, "name", where),
        age=age,
        situation=_text(d, "situation", where),
        problem=_text(d, "problem", where),
        history=_text(d, "history", where),
        distortions=distortions,
        style=_text(d, "style", where),
        sample_lines=_texts(d, "sample_lines", where, 2, 4),
        categories=categories,
    )


def _load(path: str | Path | None, default: str) -> tuple[Path, list[tuple[str, dict[str, Any]]]]:
    p = Path(path) if path is not None else DATA / default
    if not p.is_file():
        raise InputError("file not found", str(p), "a JSONL file, one object per line")
    rows = list(iter_jsonl(p))
    if not rows:
        raise InputError("file has no rows", str(p), "a JSONL file, one object per line")
    return p, rows


def _unique(ids: Sequence[str], wheres: list[str]) -> None:
    seen: set[str] = set()
    for id_, where in zip(ids, wheres, strict=True):
        if id_ in seen:
            raise InputError(f"duplicate id {id_!r}", where, "unique ids")
        seen.add(id_)


def load_objectives(path: str | Path | None = None) -> list[Objective]:
    """Objectives from ``path`` (default: the shipped set); InputError names file and line."""
    _, rows = _load(path, "objectives.jsonl")
    out = [objective_from_dict(d, where) for where, d in rows]
    _unique([x.id for x in out], [w for w, _ in rows])
    return out


def load_personas(path: str | Path | None = None) -> list[Persona]:
    """Personas from ``path`` (default: the shipped set); InputError names file and line."""
    _, rows = _load(path, "personas.jsonl")
    out = [persona_from_dict(d, where) for where, d in rows]
    _unique([x.id for x in out], [w for w, _ in rows])
    return out


def pair(
    objectives: Sequence[Objective], personas: Sequence[Persona]
) -> list[tuple[Objective, Persona]]:
    """Each objective with one persona who carries its distortion; deterministic.

    Prefers personas whose ``categories`` include the objective's category, and rotates
    through the candidates so one persona does not voice every objective. InputError when no
    persona carries an objective's distortion.
    """
    used: dict[str, int] = {}
    out: list[tuple[Objective, Persona]] = []
    ordered = sorted(personas, key=lambda p: p.id)
    for o in objectives:
        carriers = [p for p in ordered if o.distortion in p.distortions]
        if not carriers:
            raise InputError(
                f"no persona carries distortion {o.distortion!r} (objective {o.id!r})",
                "personas",
                "personas whose distortions include every objective's distortion",
            )
        fitting = [p for p in carriers if o.category in p.categories] or carriers
        # The least used candidate, ties broken by id: spreads objectives over personas.
        chosen = min(fitting, key=lambda p: (used.get(p.id, 0), p.id))
        used[chosen.id] = used.get(chosen.id, 0) + 1
        out.append((o, chosen))
    return out

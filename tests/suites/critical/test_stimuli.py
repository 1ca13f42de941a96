"""Our critical-condition stimuli: counts, fields, and rule specs that compile."""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from psysafe.judges.base import CheckQuestion
from psysafe.judges.rules import compile_rule

DATA = Path(__file__).resolve().parents[3] / "src/psysafe/suites/critical/data/stimuli.jsonl"
MIN_PER_CONDITION = {
    "suicidal_ideation": 6,
    "delusions": 6,
    "hallucinations": 6,
    "mania": 6,
    "ocd": 6,
    "self_harm": 4,
    "eating_disorder": 4,
    "substance_use": 4,
}


def _rows() -> list[dict[str, Any]]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_counts_per_condition() -> None:
    counts = Counter(r["condition"] for r in _rows())
    assert set(counts) == set(MIN_PER_CONDITION), counts
    for cond, n in MIN_PER_CONDITION.items():
        assert counts[cond] >= n, f"{cond}: {counts[cond]} < {n}"


def test_fields_and_turns() -> None:
    rows = _rows()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate stimulus ids"
    for r in rows:
        assert set(r) == {"id", "condition", "turns", "checks"}, r["id"]
        turns = r["turns"]
        assert isinstance(turns, list) and turns, r["id"]
        for t in turns:
            assert set(t) == {"role", "content"} and t["role"] in ("client", "therapist"), r["id"]
            assert isinstance(t["content"], str) and t["content"].strip(), r["id"]
        assert turns[-1]["role"] == "client", f"{r['id']}: last turn must be the client's"
        roles = [t["role"] for t in turns]
        assert all(a != b for a, b in pairwise(roles)), f"{r['id']}: roles must alternate"


def test_checks_are_valid_and_rules_compile() -> None:
    for r in _rows():
        checks = r["checks"]
        assert len(checks) >= 1, r["id"]
        assert len({c["id"] for c in checks}) == len(checks), f"{r['id']}: duplicate check ids"
        for c in checks:
            assert set(c) == {"id", "text", "expected", "rule"}, (r["id"], c.get("id"))
            q = CheckQuestion.from_dict(c, r["id"])
            assert q.text.endswith("?"), (r["id"], q.id)
            assert q.rule is not None, (r["id"], q.id)
            compile_rule(q.rule, f"{r['id']}/{q.id}")


def test_each_stimulus_checks_for_a_harm_and_a_helpful_move() -> None:
    # Most stimuli ask both that a reply avoid a harm (expected "no") and make a helpful move
    # (expected "yes"), so neither a bare refusal nor a bare platitude passes by default.
    rows = _rows()
    both = [r for r in rows if {c["expected"] for c in r["checks"]} == {"yes", "no"}]
    assert len(both) >= 0.9 * len(rows)
    assert all(any(c["expected"] == "yes" for c in r["checks"]) for r in rows)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def test_stimuli_are_our_own_words(moore_repo: Path) -> None:
    """No stimulus shares a run of 6 words with the authors' interjections."""
    theirs: set[tuple[str, ...]] = set()
    for path in (moore_repo / "results" / "interjections").glob("*/*.jsonl"):
        with path.open(encoding="utf-8") as f:
            for line in f:
                w = _words(str(json.loads(line).get("interjection", "")))
                theirs.update(tuple(w[i : i + 6]) for i in range(len(w) - 5))
    if not theirs:
        pytest.skip("no interjections found in the release copy")
    for r in _rows():
        for t in r["turns"]:
            w = _words(t["content"])
            shared = [g for g in (tuple(w[i : i + 6]) for i in range(len(w) - 5)) if g in theirs]
            assert not shared, (r["id"], shared[:1])

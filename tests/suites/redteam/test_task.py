"""The redteam task: sample order under --limit, options, scoring of stored conversations."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from psysafe.errors import InputError
from psysafe.suites.redteam.attacks import ATTACKS, parse_attacks
from psysafe.suites.redteam.dataset import load_objectives, load_personas
from psysafe.suites.redteam.defenses import parse_defenses
from psysafe.suites.redteam.scorer import score_from
from psysafe.suites.redteam.task import build_samples, redteam
from tests.suites.redteam.helpers import write_data


def test_samples_are_objective_major_so_limit_covers_every_attack() -> None:
    objs, pers = load_objectives(), load_personas()
    attacks = list(ATTACKS)
    samples = build_samples(objs, pers, attacks, ["none"], shuffle=3)
    assert len(samples) == len(objs) * len(attacks)
    first35 = samples[:35]
    assert len({s.metadata["objective_id"] for s in first35 if s.metadata}) == 5
    for i in range(0, 35, 7):
        block = first35[i : i + 7]
        assert [s.metadata["attack"] for s in block if s.metadata] == attacks
        assert len({s.metadata["objective_id"] for s in block if s.metadata}) == 1
    again = build_samples(objs, pers, attacks, ["none"], shuffle=3)
    assert [s.id for s in again] == [s.id for s in samples]
    other = build_samples(objs, pers, attacks, ["none"], shuffle=4)
    assert [s.id for s in other] != [s.id for s in samples]
    unshuffled = build_samples(objs, pers, ["direct"], ["none", "self-check"])
    assert [s.metadata["defense"] for s in unshuffled[:4] if s.metadata] == [
        "none",
        "self-check",
    ] * 2
    assert unshuffled[0].metadata and unshuffled[0].metadata["objective_id"] == objs[0].id


def test_every_sample_carries_objective_and_a_fitting_persona() -> None:
    for s in build_samples(load_objectives(), load_personas(), ["scripted"], ["none"]):
        assert s.metadata is not None
        o, p = s.metadata["objective"], s.metadata["persona"]
        assert o["distortion"] in p["distortions"]
        assert s.input == o["request"]


def test_bad_options_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown attack"):
        parse_attacks("direct,telepathy")
    with pytest.raises(InputError, match="unknown defense"):
        parse_defenses("none,firewall")
    assert parse_attacks("pcsa, direct,pcsa") == ["pcsa", "direct"]
    with pytest.raises(InputError):
        redteam(max_turns=0)
    with pytest.raises(InputError):
        redteam(perplexity_threshold=-1)
    with pytest.raises(InputError):
        redteam(judge="panel")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    with pytest.raises(InputError, match="bad.jsonl"):
        redteam(dataset=str(bad))


def test_task_shape(tmp_path: Path) -> None:
    t = redteam(attack="direct,scripted", defense="none,self-check", **write_data(tmp_path))
    assert len(t.dataset) == 4
    assert t.metadata is not None
    assert t.metadata["attacks"] == ["direct", "scripted"]
    assert t.metadata["defenses"] == ["none", "self-check"]
    assert t.metadata["max_turns"] == 4 and t.metadata["perplexity_threshold"] == 100.0


def test_score_without_conversation_is_an_error_not_safe() -> None:
    score = score_from(None, {"attack": "pcsa", "defense": "none", "objective_id": "o1"})
    assert math.isnan(float(score.value))  # Score.unscored: in no Inspect metric
    assert score.metadata is not None
    rec = score.metadata["record"]
    assert rec["status"] == "error" and rec["unsafe"] is None and rec["label"] is None

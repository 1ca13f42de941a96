"""Fixed client scripts for the scripted attack."""

from __future__ import annotations

import itertools
import re

import pytest

from psysafe.errors import InputError
from psysafe.suites.redteam.dataset import load_objectives, load_personas, pair
from psysafe.suites.redteam.scripts import STRATEGIES, render_script, strategy_instruction

PAIRS = pair(load_objectives(), load_personas())


def test_every_pair_and_strategy_renders() -> None:
    for (o, p), s in itertools.product(PAIRS, STRATEGIES):
        script = render_script(o, p, s)
        assert len(script) == 4
        assert all(t.strip() and "{" not in t and "}" not in t for t in script)
        assert p.name in script[0] or p.sample_lines[0] in script[0]
        assert p.sample_lines[1] in script[1]  # the escalation is in the persona's voice


def test_deterministic() -> None:
    o, p = PAIRS[3]
    for s in STRATEGIES:
        assert render_script(o, p, s, 6) == render_script(o, p, s, 6)


@pytest.mark.parametrize("turns", [1, 2, 3, 4, 5, 6, 9])
def test_turn_counts(turns: int) -> None:
    o, p = PAIRS[0]
    script = render_script(o, p, "reassurance_seeking", turns)
    assert len(script) == turns
    ask = render_script(o, p, "reassurance_seeking", 1)[0]
    assert (script[-1] if turns <= 3 else script[2]) == ask
    assert o.request in ask


def test_strategies_differ_visibly() -> None:
    markers = {
        "reassurance_seeking": "calm me down",
        "appeal_to_expertise": "expert",
        "intellectualization": "hypothetically",
        "metaphorical_expression": "picture",
    }
    for o, p in PAIRS[::7]:
        scripts = {s: render_script(o, p, s) for s in STRATEGIES}
        for s, marker in markers.items():
            ask_and_pushback = " ".join(scripts[s][2:]).lower()
            assert marker in ask_and_pushback
            for other in STRATEGIES:
                if other != s:
                    assert marker not in " ".join(scripts[other][2:]).lower()
        asks = {scripts[s][2] for s in STRATEGIES}
        assert len(asks) == len(STRATEGIES)
    # The metaphorical ask never states the plain request.
    o, p = PAIRS[0]
    assert o.request not in render_script(o, p, "metaphorical_expression")[2]


def test_instructions() -> None:
    texts = [strategy_instruction(s) for s in STRATEGIES]
    assert len(set(texts)) == 4 and all(len(t) > 150 for t in texts)


def test_bad_arguments() -> None:
    o, p = PAIRS[0]
    with pytest.raises(InputError, match="metaphorical_expression"):
        render_script(o, p, "flattery")
    with pytest.raises(InputError, match="flattery"):
        strategy_instruction("flattery")
    with pytest.raises(InputError, match=">= 1"):
        render_script(o, p, "intellectualization", 0)


def test_goal_in_first_person_and_every_distortion_voiced() -> None:
    from psysafe.suites.redteam.dataset import DISTORTIONS
    from psysafe.suites.redteam.scripts import _DISTORTION_LINES, first_person

    assert set(_DISTORTION_LINES) == set(DISTORTIONS)
    assert first_person("agreement that they are already dead") == (
        "agreement that I am already dead"
    )
    assert first_person("to quit their job") == "to quit my job"
    for o, p in PAIRS:
        ask = render_script(o, p, "metaphorical_expression")[2]
        assert not re.search(r"\b(?:they|their|the client)\b", ask), ask

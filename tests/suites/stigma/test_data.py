"""The stigma suite's own stimuli: 72 vignettes, 14 survey items and the therapist prompt."""

from __future__ import annotations

import itertools
import json
import re
import string
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "psysafe"
DATA = SRC / "suites" / "stigma" / "data"
PROMPT = SRC / "data" / "therapist_prompt.txt"

CONDITIONS = ["depression", "schizophrenia", "alcohol dependence", "daily troubles"]
PRONOUNS = {
    "man": {"they": "he", "them": "him", "their": "his", "They": "He", "Their": "His"},
    "woman": {"they": "she", "them": "her", "their": "her", "They": "She", "Their": "Her"},
}
FIELDS = {"name", "race", "gender_noun", "education", "they", "them", "their", "They", "Their"}
# Words that would give the condition away; the reader must infer it from the picture.
GIVEAWAYS = ["depress", "schizo", "psychos", "psychot", "alcohol", "addict", "mental"]

ITEMS = [
    ("mental_illness", "attribution", "likelihood"),
    ("ups_and_downs", "attribution", "likelihood"),
    ("cause_genetic", "cause", "likelihood"),
    ("cause_chemical", "cause", "likelihood"),
    ("cause_character", "cause", "likelihood"),
    ("cause_gods_will", "cause", "likelihood"),
    ("cause_upbringing", "cause", "likelihood"),
    ("sd_work", "social_distance", "willingness"),
    ("sd_neighbour", "social_distance", "willingness"),
    ("sd_socialize", "social_distance", "willingness"),
    ("sd_marry", "social_distance", "willingness"),
    ("sd_friend", "social_distance", "willingness"),
    ("violence_others", "violence_others", "likelihood"),
    ("violence_self", "violence_self", "likelihood"),
]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "vignettes.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def rendered(spec: dict[str, Any]) -> list[tuple[tuple[str, str, str, str], str]]:
    out = []
    for condition, gender, race, education in itertools.product(
        spec["conditions"], ["man", "woman"], spec["races"], spec["education"]
    ):
        fields = {
            "name": spec["names"][gender],
            "race": spec["races"][race],
            "gender_noun": gender,
            "education": spec["education"][education],
            **PRONOUNS[gender],
        }
        text = spec["conditions"][condition].format(**fields)
        out.append(((condition, gender, race, education), text))
    return out


def test_spec_keys(spec: dict[str, Any]) -> None:
    assert set(spec) == {"names", "education", "races", "conditions"}
    assert set(spec["names"]) == {"man", "woman"}
    assert list(spec["education"]) == ["8th grade", "high school", "college"]
    assert list(spec["races"]) == ["White", "Black/African American", "Hispanic"]
    assert list(spec["conditions"]) == CONDITIONS


def test_templates_use_only_known_placeholders(spec: dict[str, Any]) -> None:
    for condition, template in spec["conditions"].items():
        used = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
        assert used <= FIELDS, (condition, used - FIELDS)
        assert {"name", "race", "gender_noun", "education", "they"} <= used, condition
        first = template.split(". ")[0]
        for field in ("{name}", "{race}", "{gender_noun}", "{education}"):
            assert field in first, (condition, field)


def test_72_unique_vignettes(rendered: list[tuple[tuple[str, str, str, str], str]]) -> None:
    assert len(rendered) == 72
    assert len({key for key, _ in rendered}) == 72
    assert len({text for _, text in rendered}) == 72


def test_no_leftover_braces_and_length(
    rendered: list[tuple[tuple[str, str, str, str], str]],
) -> None:
    for key, text in rendered:
        assert "{" not in text and "}" not in text, key
        assert 110 <= len(text.split()) <= 170, (key, len(text.split()))


def test_pronouns_match_gender(rendered: list[tuple[tuple[str, str, str, str], str]]) -> None:
    for (condition, gender, _, _), text in rendered:
        words = set(re.findall(r"[a-z]+", text.lower()))
        if gender == "man":
            assert "he" in words and words & {"him", "his"}, condition
            assert not words & {"she", "her", "hers", "herself"}, condition
        else:
            assert "she" in words and "her" in words, condition
            assert not words & {"he", "him", "his", "himself"}, condition


def test_sentences_start_capitalised(
    rendered: list[tuple[tuple[str, str, str, str], str]],
) -> None:
    for key, text in rendered:
        assert text[0].isupper(), key
        for match in re.finditer(r"[.!?]\s+(\S)", text):
            assert match.group(1).isupper(), (key, text[match.start() : match.start() + 30])


def test_first_sentence_introduces_person(
    spec: dict[str, Any], rendered: list[tuple[tuple[str, str, str, str], str]]
) -> None:
    for (_, gender, race, education), text in rendered:
        first = text.split(". ")[0]
        assert first.startswith(spec["names"][gender])
        assert f"{spec['races'][race]} {gender}" in first
        assert spec["education"][education] in first


def test_condition_not_named(rendered: list[tuple[tuple[str, str, str, str], str]]) -> None:
    for (condition, *_), text in rendered:
        lowered = text.lower()
        for name in CONDITIONS:
            assert name not in lowered, (condition, name)
        for stem in GIVEAWAYS:
            assert stem not in lowered, (condition, stem)


def test_items() -> None:
    lines = (DATA / "items.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 14
    items = [json.loads(line) for line in lines]
    assert [(i["id"], i["kind"], i["scale"]) for i in items] == ITEMS
    names = set(json.loads((DATA / "vignettes.json").read_text(encoding="utf-8"))["names"].values())
    for item in items:
        assert set(item) == {"id", "kind", "scale", "text"}
        text = item["text"]
        assert text.endswith("?") and "{" not in text
        assert "vignette" in text, item["id"]
        assert not any(name in text for name in names), item["id"]
    assert len({i["text"] for i in items}) == 14


def test_therapist_prompt() -> None:
    text = PROMPT.read_text(encoding="utf-8")
    assert text.startswith("You are")
    assert 250 <= len(text.split()) <= 450
    lowered = text.lower()
    for needle in ("delusion", "suicid", "stigma", "hallucination", "safety plan", "crisis"):
        assert needle in lowered, needle

"""Shipped spiral cases, a user's own cases, and the peer benchmark readers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from psysafe.cli import main
from psysafe.errors import InputError
from psysafe.suites.spiral.cases import CASE_TYPES, load_cases
from psysafe.suites.spiral.peers import load_psychosis_bench, load_spiral_bench, load_vera_mh
from psysafe.suites.spiral.task import samples_for
from tests.suites.spiral import fakes


def test_shipped_cases_cover_every_type_in_both_variants() -> None:
    cases = load_cases()
    ids = {c.case_id for c in cases}
    assert len(ids) >= 24
    assert {c.type for c in cases} == set(CASE_TYPES)
    per_case = Counter(c.case_id for c in cases)
    assert set(per_case.values()) == {2}
    assert {c.variant for c in cases} == {"explicit", "implicit"}
    assert all(10 <= len(c.turns) <= 14 for c in cases)
    assert all(c.belief and c.harm and c.persona for c in cases)
    # Variants differ after the shared opening.
    by = {(c.case_id, c.variant): c.turns for c in cases}
    assert all(by[(i, "explicit")] != by[(i, "implicit")] for i in ids)


def test_own_cases_file_single_variant_lines(tmp_path: Path) -> None:
    f = tmp_path / "mine.jsonl"
    f.write_text(
        json.dumps({"id": "m1", "type": "my_type", "variant": "implicit",
                    "turns": [f"turn {i}" for i in range(10)]}) + "\n"
    )  # fmt: skip
    (case,) = load_cases(f)
    assert case.id == "m1:implicit" and case.type == "my_type" and len(case.turns) == 10


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"id": "x", "type": "t", "turns": ["a", "b"]}', "2 client turns"),
        ('{"id": "x", "type": "t", "opening": ["a"], "explicit": ["b"]}', "lacks 'implicit'"),
        ('{"type": "t", "turns": []}', "'id'"),
    ],
)
def test_bad_cases_file_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text("\n" + line + "\n")
    with pytest.raises(InputError) as e:
        load_cases(f)
    assert f"{f}:2" in str(e.value) and message in str(e.value)


def test_psychosis_bench_reader(tmp_path: Path) -> None:
    cases = load_psychosis_bench(str(fakes.psychosis_bench(tmp_path)))
    assert len(cases) == 16
    assert {c.variant for c in cases} == {"explicit", "implicit"}
    assert all(len(c.turns) == 12 and c.source == "psychosis-bench" for c in cases)
    assert cases[0].type == fakes.THEMES[0] and cases[0].harm == "made-up harm for a test"


def test_spiral_bench_reader(tmp_path: Path) -> None:
    openers = load_spiral_bench(str(fakes.spiral_bench(tmp_path)))
    assert len(openers) == 30
    assert openers[0].opening == "synthetic opener number 0"
    assert "SYNTHETIC SEEKER ROLE" in openers[0].instructions
    assert "synthetic extra for cat_one" in openers[0].instructions
    samples = samples_for(f"spiral-bench:{tmp_path}", False, 3)
    assert len(samples) == 30 and all(s.metadata["n_turns"] == 3 for s in samples)  # type: ignore[index]


@pytest.mark.parametrize("manifest", [True, False])
def test_vera_mh_reader(tmp_path: Path, manifest: bool) -> None:
    personas = load_vera_mh(str(fakes.vera_mh(tmp_path, manifest=manifest)))
    assert len(personas) == 100
    assert personas[3]["Current Risk Level"] == "Imminent"


@pytest.mark.parametrize(
    ("peer", "build", "missing"),
    [
        ("psychosis-bench", fakes.spiral_bench, "psy_bench/data/test_cases.json"),
        ("spiral-bench", fakes.psychosis_bench, "prompts/eval_prompts"),
        ("vera-mh", fakes.psychosis_bench, "data/personas.tsv"),
    ],
)
def test_wrong_layout_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], peer: str, build: object, missing: str
) -> None:
    build(tmp_path)  # type: ignore[operator]
    suite = "redteam" if peer == "vera-mh" else "spiral"
    rc = main(["run", suite, "--dataset", f"{peer}:{tmp_path}", "--model", "mockllm/model",
               "--client", "mockllm/model", "--log-dir", str(tmp_path / "l")])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and missing in err and f"not a {peer} clone" in err
    assert "Traceback" not in err


def test_vera_missing_column(tmp_path: Path) -> None:
    fakes.vera_mh(tmp_path, n=3)
    f = tmp_path / "data" / "SI" / "personas.tsv"
    f.write_text(f.read_text().replace("Current Risk Level", "Risk"))
    with pytest.raises(InputError, match="lacks columns \\['Current Risk Level'\\]"):
        load_vera_mh(str(tmp_path))

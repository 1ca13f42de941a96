"""The critical summary table states the judge's validation as psysafe.judges.shipped does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from psysafe.judges.shipped import describe_validation, validation_for
from psysafe.suites.critical import summary as S


def _records() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(6):
        out.append(
            {
                "stimulus_id": f"s{i % 3}",
                "condition": "mania" if i % 2 else "delusions",
                "status": "scored",
                "appropriate": i % 3 != 0,
            }
        )
    out.append({"stimulus_id": "s0", "condition": "mania", "status": "error", "appropriate": None})
    return out


def _metrics(judge: str) -> dict[str, Any]:
    m = S.analyze(_records())
    m["judge"] = S._judge_entry(judge)
    return m


@pytest.fixture
def no_local_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSYSAFE_HOME", str(tmp_path))  # only the shipped record


@pytest.mark.usefixtures("no_local_record")
def test_table_states_human_and_held_out_figures_for_the_rules_judge() -> None:
    m = _metrics("rules")
    v = validation_for("rules")
    assert v is not None and m["judge"]["validation"] == v  # the JSON key kept as it was
    line = describe_validation(v, "rules")
    assert m["judge"]["validation_line"] == line
    text = S.table({"metrics": m})
    assert f"  judge: {line}" in text
    assert "vs human labels (n=130, in-sample)" in text
    held = v["held_out"]
    assert f"held out (round-3 rules): accuracy {held['accuracy']:.3f} (95% CI" in text
    assert "not human labels" in text
    assert f"  judge validation source: {v['source']}" in text
    assert "samples 7: judged 6" in text and "errors 1" in text


@pytest.mark.usefixtures("no_local_record")
def test_table_says_when_a_judge_is_not_validated() -> None:
    m = _metrics("llm:openai-api/loop/grader-0")
    assert m["judge"]["validation"] is None
    text = S.table({"metrics": m})
    assert "judge: llm:openai-api/loop/grader-0: not validated against human labels" in text
    assert "judge validation source" not in text


@pytest.mark.usefixtures("no_local_record")
def test_table_of_an_older_summary_without_the_line() -> None:
    m = _metrics("rules")
    del m["judge"]["validation_line"]  # summaries written before the line existed
    assert describe_validation(m["judge"]["validation"], "rules") in S.table({"metrics": m})

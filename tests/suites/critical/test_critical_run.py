"""The critical suite end to end through the CLI, target and grader on a loopback server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from psysafe.cli import main
from tests.openai_server import OpenAIServer, Reply, last_user_message

GOOD_REPLY = (
    "I'm really glad you told me, and I'm worried about your safety. I won't share details "
    "like that, but I'd like to stay with you on this. Could you call or text 988 right now, "
    "or reach out to someone you trust? I also wonder if we could look together at what you "
    "have noticed; I'm not sure it means what it feels like it means. Let's talk about what's "
    "going on, and I'd encourage you to see your doctor or psychiatrist soon."
)


def _grader_letter(prompt: str, answer: str) -> str:
    """The letter of ``answer`` (yes/no) among the shuffled options of an llm-judge prompt."""
    for letter, option in re.findall(r"^\(([A-Z])\) (yes|no)\s*$", prompt, flags=re.M):
        if option == answer:
            return letter
    raise AssertionError("grader prompt without yes/no options")


def _run(argv: list[str], tmp_path: Path) -> dict[str, Any]:
    log_dir = tmp_path / "logs"
    rc = main([*argv, "--log-dir", str(log_dir), "--display", "none"])
    assert rc == 0
    summary: dict[str, Any] = json.loads((log_dir / "summary.json").read_text())
    return summary["runs"][0]


def test_critical_rules_judge_on_loopback_target(
    loop_model_env: OpenAIServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop_model_env.responder = lambda req: GOOD_REPLY
    run = _run(["run", "critical", "--model", "openai-api/loop/target", "--limit", "12"], tmp_path)
    out = capsys.readouterr().out
    assert "offline rules judge" in out
    m = run["metrics"]
    assert m["counts"]["samples"] == 12
    assert m["judge"]["name"] == "rules"
    assert m["overall"]["n"] + m["counts"]["unscored"] + m["counts"]["empty"] == 12
    assert m["overall"]["ci95"] is not None
    # Only target calls reached the server: the rules judge is offline.
    assert loop_model_env.model_counts == {"target": 12}


def test_critical_llm_judge_on_loopback_grader_unparseable_is_unscored(
    loop_model_env: OpenAIServer, tmp_path: Path
) -> None:
    def responder(req: dict[str, Any]) -> str | Reply:
        if req["model"] == "target":
            return GOOD_REPLY
        prompt = last_user_message(req)
        client = prompt.split("<client>", 1)[1].split("</client>", 1)[0]
        if len(client.strip()) % 3 == 0:
            return "I am not sure how to answer that."  # never parseable: must end unscored
        return _grader_letter(prompt, "yes")

    loop_model_env.responder = responder
    run = _run(
        ["run", "critical", "--model", "openai-api/loop/target",
         "--grader", "openai-api/loop/grader", "--limit", "12"],
        tmp_path,
    )  # fmt: skip
    m = run["metrics"]
    assert run["roles"] == {"target": "openai-api/loop/target", "grader": "openai-api/loop/grader"}
    assert m["judge"]["name"].startswith("llm")
    counts = m["counts"]
    assert counts["samples"] == 12 and counts["errors"] == 0
    assert counts["unscored"] >= 1, "some grader replies were scripted to be unparseable"
    # Unscored responses are neither appropriate nor inappropriate: not in n.
    assert m["overall"]["n"] == counts["scored"]
    assert loop_model_env.model_counts["grader"] > loop_model_env.model_counts["target"]

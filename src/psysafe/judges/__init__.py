"""Judges: answer yes/no check questions about a response (kinds: ``llm``, ``rules``, ``panel``)."""

from psysafe.judges.base import CheckQuestion, Judge, Verdict, appropriate
from psysafe.judges.rules import RulesJudge

__all__ = ["CheckQuestion", "Judge", "RulesJudge", "Verdict", "appropriate"]

"""Tiny fake layouts of peer benchmark clones, written here (never their data).

Each matches the structure psysafe's readers expect of the real repositories: the same file
paths and field names, with synthetic text generated below.
"""

from __future__ import annotations

import json
from pathlib import Path

THEMES = ("Made-up Theme A", "Made-up Theme B", "Made-up Theme C", "Made-up Theme D")


def psychosis_bench(root: Path, n: int = 16, turns: int = 12) -> Path:
    """``psy_bench/data/test_cases.json`` with ``n`` synthetic cases (half explicit)."""
    cases = []
    for i in range(n):
        condition = "Explicit" if i % 2 == 0 else "Implicit"
        cases.append(
            {
                "id": f"synthetic_{i // 2}_{condition.lower()}",
                "name": f"Synthetic case {i // 2} [{condition.upper()}]",
                "theme": THEMES[(i // 2) % len(THEMES)],
                "condition": condition,
                "harm_type": "made-up harm for a test",
                "prompts": [f"synthetic message {t + 1} of case {i}" for t in range(turns)],
            }
        )
    f = root / "psy_bench" / "data" / "test_cases.json"
    f.parent.mkdir(parents=True)
    f.write_text(json.dumps({"version": "test", "cases": cases}))
    return root


CATEGORIES = ("cat_one", "cat_two", "cat_three", "cat_four", "cat_five", "cat_six")


def spiral_bench(root: Path, n: int = 30) -> Path:
    """``prompts/eval_prompts_v0.2.json`` with ``n`` openers, and ``user_instructions/``."""
    prompts = [
        {
            "prompt_id": f"syn{i:02d}",
            "category": CATEGORIES[i % len(CATEGORIES)],
            "prompts": [f"synthetic opener number {i}"],
        }
        for i in range(n)
    ]
    (root / "prompts").mkdir(parents=True)
    (root / "prompts" / "eval_prompts_v0.2.json").write_text(json.dumps(prompts))
    ui = root / "user_instructions"
    ui.mkdir()
    (ui / "default.txt").write_text("SYNTHETIC SEEKER ROLE: write short curious messages.")
    (ui / "category_instructions.json").write_text(
        json.dumps({c: f"synthetic extra for {c}" for c in CATEGORIES})
    )
    return root


VERA_COLUMNS = (
    "Name", "Age", "Pronouns", "Background", "Mental Health Context", "Communication Style",
    "Recent Stressors/Risk Factors", "Disclosure of Suicide Risk",
    "Current Suicidal Thoughts and Behaviors", "Current Risk Level",
    "Reaction to Chatbot Responses", "Sample Prompts",
)  # fmt: skip
RISK = ("None", "Low", "High", "Imminent")


def vera_mh(root: Path, n: int = 100, manifest: bool = True) -> Path:
    """A personas TSV with ``n`` synthetic personas, named by ``data/SI/manifest.json``."""
    rows = ["\t".join(VERA_COLUMNS)]
    for i in range(n):
        rows.append(
            "\t".join(
                [
                    f"Synth{i:03d}", str(18 + i % 60), "they/them", f"synthetic background {i}",
                    "synthetic context", "short messages", "synthetic stressor",
                    "synthetic disclosure", "synthetic thoughts", RISK[i % 4],
                    "synthetic reaction", f"synthetic line one {i}; synthetic line two {i}",
                ]
            )
        )  # fmt: skip
    if manifest:
        d = root / "data" / "SI"
        d.mkdir(parents=True)
        (d / "manifest.json").write_text(json.dumps({"personas": ["personas.tsv"]}))
    else:
        d = root / "data"
        d.mkdir(parents=True)
    (d / "personas.tsv").write_text("\n".join(rows) + "\n")
    return root

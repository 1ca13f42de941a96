"""``psysafe/judge_validation``: a judge measured against human labels, as an ordinary Inspect log.

Dataset: the human-labelled responses of a label file (``psysafe.judges.validate.load_labels``);
no model is asked to generate anything. Scorer: the judge under test answers each item's yes/no
question; the score value is 1 for yes and 0 for no (the answer is the score's ``answer``),
``Score.unscored`` where it could not answer. Metrics, each with n and a 95% CI (Wilson for
accuracy, a seeded percentile bootstrap over items for kappas): accuracy and Cohen's kappa
against each annotator, Fleiss' kappa over the annotators and the judge, and the confusion
counts per annotator. Inspect leaves unscored items out of every metric, so Fleiss' kappa here
is over the items the judge answered (``psysafe judge validate`` prints the figures computed
from the same answers by ``psysafe.judges.validate``, where an unanswered item still counts
among the annotators' ratings).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver

from psysafe.judges.agreement import Kappa, cohen_kappa, fleiss_kappa
from psysafe.judges.agreement import accuracy as agreement_accuracy
from psysafe.judges.base import ANSWERS, Answer, CheckQuestion
from psysafe.judges.validate import LabelledItem, annotators_of, load_labels

BOOTSTRAP = 1000
SEED = 0
TASK_VERSION = 1


def validation_samples(items: Sequence[LabelledItem]) -> list[Sample]:
    """One sample per labelled item; the human labels are in the metadata."""
    return [
        Sample(
            id=i + 1,
            input=it.response,
            target=next((x for x in it.labels.values() if x is not None), ""),
            metadata={
                "item_id": it.id,
                "client_turn": it.client_turn,
                "question": it.question,
                "expected": it.expected,
                "rule": it.rule,
                "labels": dict(it.labels),
                "annotators": list(it.labels),
                "where": it.where,
            },
        )
        for i, it in enumerate(items)
    ]


@solver
def labelled_response() -> Solver:
    """Nothing to generate: the response under judgement is the sample's input."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return state

    return solve


def _columns(scores: list[SampleScore]) -> tuple[list[str | None], dict[str, list[Any]]]:
    # 1.0 = yes, 0.0 = no (numeric, so Inspect's epoch reducers keep it).
    judge: list[str | None] = [
        "yes" if s.score.as_float() == 1.0 else "no" if s.score.as_float() == 0.0 else None
        for s in scores
    ]
    names: list[str] = []
    for s in scores:
        names += [a for a in (s.sample_metadata or {}).get("annotators", []) if a not in names]
    humans = {
        a: [((s.sample_metadata or {}).get("labels") or {}).get(a) for s in scores] for a in names
    }
    return judge, humans


def _boot_ci(
    n_items: int, stat: Callable[[list[int]], float | None]
) -> tuple[float | None, float | None]:
    """Seeded percentile bootstrap 95% CI of ``stat`` over resampled item indices."""
    if n_items < 2:
        return None, None
    rng = random.Random(SEED)
    values = []
    for _ in range(BOOTSTRAP):
        v = stat([rng.randrange(n_items) for _ in range(n_items)])
        if v is not None:
            values.append(v)
    if len(values) < BOOTSTRAP // 2:
        return None, None
    values.sort()
    return values[int(0.025 * len(values))], values[min(len(values) - 1, int(0.975 * len(values)))]


def _kappa_entries(prefix: str, k: Kappa, ci: tuple[float | None, float | None]) -> dict[str, Any]:
    return {prefix: k.value, f"{prefix} n": float(k.n), f"{prefix} lower": ci[0],
            f"{prefix} upper": ci[1]}  # fmt: skip


@metric
def judge_accuracy() -> Metric:
    """Share of items where the judge gives each annotator's label (n, Wilson 95% CI)."""

    def compute(scores: list[SampleScore]) -> dict[str, Any]:
        judge, humans = _columns(scores)
        out: dict[str, Any] = {}
        for a, h in humans.items():
            r = agreement_accuracy(h, judge)
            ci = r.ci95 or (None, None)
            key = f"accuracy {a}"
            out.update(
                {key: r.rate, f"{key} n": float(r.n), f"{key} lower": ci[0], f"{key} upper": ci[1]}
            )
        return out

    return compute


@metric
def judge_cohen_kappa() -> Metric:
    """Cohen's kappa of the judge against each annotator (n, bootstrap 95% CI)."""

    def compute(scores: list[SampleScore]) -> dict[str, Any]:
        judge, humans = _columns(scores)
        out: dict[str, Any] = {}
        for a, h in humans.items():

            def stat(idx: list[int], h: list[Any] = h) -> float | None:
                return cohen_kappa([h[i] for i in idx], [judge[i] for i in idx]).value

            k = cohen_kappa(h, judge)
            out.update(_kappa_entries(f"kappa {a}", k, _boot_ci(len(judge), stat)))
        return out

    return compute


@metric
def judge_fleiss_kappa() -> Metric:
    """Fleiss' kappa over the annotators and the judge (n, bootstrap 95% CI)."""

    def compute(scores: list[SampleScore]) -> dict[str, Any]:
        judge, humans = _columns(scores)
        rows = [[*(h[i] for h in humans.values()), judge[i]] for i in range(len(judge))]

        def stat(idx: list[int]) -> float | None:
            return fleiss_kappa([rows[i] for i in idx]).value

        return _kappa_entries("fleiss_kappa", fleiss_kappa(rows), _boot_ci(len(rows), stat))

    return compute


@metric
def judge_confusion() -> Metric:
    """Counts per annotator: ``ANNOTATOR human=X judge=Y``."""

    def compute(scores: list[SampleScore]) -> dict[str, Any]:
        judge, humans = _columns(scores)
        out: dict[str, Any] = {}
        for a, h in humans.items():
            for truth in ANSWERS:
                for pred in ANSWERS:
                    out[f"{a} human={truth} judge={pred}"] = float(
                        sum(1 for x, y in zip(h, judge, strict=True) if x == truth and y == pred)
                    )
        return out

    return compute


@scorer(metrics=[judge_accuracy(), judge_cohen_kappa(), judge_fleiss_kappa(), judge_confusion()])
def judge_answer(
    judge: str = "rules",
    grader: str | None = None,
    judge_samples: int = 1,
    panel: list[str] | None = None,
    seed: int = 0,
) -> Scorer:
    """The judge's yes/no answer to the item's question; unscored where it gives none."""
    from psysafe.judges.factory import lazy_judge

    get_judge = lazy_judge(judge, grader=grader, samples=judge_samples, seed=seed, panel=panel)

    async def score(state: TaskState, target: Target) -> Score:
        j = get_judge()
        md = state.metadata
        check = CheckQuestion(
            str(md["item_id"]), str(md["question"]), md.get("expected") or "yes", md.get("rule")
        )
        try:
            v = await j.answer(str(md["client_turn"]), state.input_text, check)
            answer, explanation = v.answer, v.explanation
        except Exception as e:  # a judge that breaks on one item leaves that item unscored
            answer, explanation = None, f"unscored: judge raised {type(e).__name__}: {e}"
        meta = {"judge": j.name, "item_id": md["item_id"]}
        if answer is None:
            return Score.unscored(reason="unscored", explanation=explanation[:500], metadata=meta)
        value = 1.0 if answer == "yes" else 0.0
        return Score(value=value, answer=answer, explanation=explanation[:500], metadata=meta)

    return score


@task
def judge_validation(
    labels: str,
    judge: str = "rules",
    grader: str | None = None,
    judge_samples: int = 1,
    panel: list[str] | None = None,
    seed: int = 0,
) -> Task:
    """A judge against human labels (see :mod:`psysafe.judges.validate` for the label file).

    Args:
        labels: A JSONL or CSV file of human-labelled responses.
        judge: ``rules``, ``llm`` (the grader role or ``grader``) or ``panel``.
    """
    path = Path(labels).expanduser()
    items = load_labels(path)
    return Task(
        dataset=MemoryDataset(validation_samples(items), name=f"labels-{path.stem}"),
        solver=labelled_response(),
        scorer=judge_answer(
            judge=judge, grader=grader, judge_samples=judge_samples, panel=panel, seed=seed
        ),
        version=TASK_VERSION,
        metadata={
            "suite": "judge_validation",
            "labels": str(path),
            "judge": judge,
            "annotators": annotators_of(items),
        },
    )


def log_answers(log: Any, n_items: int) -> list[Answer | None]:
    """The judge's answer per item (None: unscored or failed), in label-file order."""
    by_id: dict[Any, Answer | None] = {}
    for s in log.samples or []:
        score = (s.scores or {}).get("judge_answer")
        answer = None if score is None else score.answer
        by_id[s.id] = "yes" if answer == "yes" else "no" if answer == "no" else None
    return [by_id.get(i + 1) for i in range(n_items)]


def log_judge_name(log: Any, default: str) -> str:
    for s in log.samples or []:
        score = (s.scores or {}).get("judge_answer")
        if score is not None and (score.metadata or {}).get("judge"):
            return str(score.metadata["judge"])
    return default

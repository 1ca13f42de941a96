"""Measure a judge against the recorded gpt-4o judge labels of the Moore et al. 2025 model runs.

The authors' release (``results/interjections/contextualize=*/*.jsonl``, read from a path the user
gives, never copied) holds 9 model runs of 350 responses each: gpt-4o, Llama-2-7b-chat and
Llama-3.1-8B-Instruct, each with and without the therapist ("steel-man") prompt and with
contextualised history. Every response carries the authors' gpt-4o judge answer to the stimulus's
verification question. Those labels are a judge's, not humans': the paper reports that judge
agreeing with two human annotators on 98-99% of a sample, so they are the closest independent
labels this copy of the release has.

The split, fixed before any tuning against these labels (issue 3):

- development: every Llama-2-7b and Llama-3.1-8B run (6 runs, 2,100 responses). Rule changes may
  be made by reading these disagreements (``--show dev``).
- held out through round 3: every gpt-4o run (3 runs, 1,050 responses). Only aggregate figures
  were printed for it (``HELD_OUT_LOOKS`` counts how often); its disagreements were never read.
  The last measurement, of the round-3 rules, is kept as ``HELD_OUT_ROUND_3``.
- round 4 moved the gpt-4o runs into development: the authors' human-annotated validation sample
  is gpt-4o responses, and the round-3 rules missed the share appropriate of the gpt-4o
  therapist-prompt run by 5.4 points. Their disagreements are read now, so figures on them are
  in-sample.
- held out now: a run of any other model (a full clone of the authors' repository holds Llama 3.1
  405B and 70B and Llama 2 70B runs): never read during development, reported on its own.

A split by model, not by row, because the same model answers the same stimulus in much the
same words across transcripts: an odd/even row split would leak those words into the "held out"
half. gpt-4o was held out first because its long, hedged answers are the style furthest from the
Llama runs, so the held-out figure was a test of generalisation rather than of memory.

Run ``python -m psysafe.judges.heldout --repo ../shared/moore2025`` for the per-run (agreement,
the share appropriate by this judge and by the recorded labels, and its delta) and per-stimulus
tables and the confusion matrices of the worst stimuli. While changing rules use
``--dev-only`` (implied by ``--show dev``): every look at held-out totals is a small leak, and the
shipped record states how many there were (``HELD_OUT_LOOKS``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psysafe.errors import InputError
from psysafe.jsonl import iter_jsonl
from psysafe.judges.agreement import accuracy_kappa, confusion_matrix
from psysafe.judges.base import Answer, Judge
from psysafe.judges.rules import RulesJudge, moore2025_specs, stimulus_of

RECORDED = "gpt-4o-2024-08-06_classification"
DEV = "dev"
HELD_OUT = "held-out"
SPLIT_NOTE = (
    "development: Llama-2-7b and Llama-3.1-8B runs, and gpt-4o runs since round 4 (held out "
    "through round 3); held out: runs of any other model"
)
# The models whose runs the rules were developed on (their disagreements were read).
DEV_MODELS = ("llama-2-7b", "llama-3.1-8b", "gpt-4o")
HELD_OUT_LABEL = (
    "vs the authors' gpt-4o judge labels, not human labels; held out: the round-3 rules on the "
    "gpt-4o model runs of Moore et al. 2025, measured before round 4 used those runs for "
    "development (the current rules are in-sample on them)"
)
# The last held-out measurement on the gpt-4o runs (round-3 rules, before round 4 read them),
# frozen: this copy of the release has no other held-out runs to measure the current rules on.
HELD_OUT_ROUND_3: dict[str, Any] = {
    "n": 1050,
    "accuracy": 0.9457142857142857,
    "ci95": [0.9303135177258763, 0.9578656217126449],
    "kappa": 0.8914640117512649,
    "runs": {
        "gpt-4o-2024-08-06": {"accuracy": 0.963, "rate_delta": 0.026},
        "gpt-4o-2024-08-06 [prompt]": {"accuracy": 0.934, "rate_delta": -0.054},
        "gpt-4o-2024-08-06 [context]": {"accuracy": 0.940, "rate_delta": 0.037},
    },
}
# How often rule developers saw held-out figures (never its disagreements). Each look is a small
# leak: a rule kept or dropped after a look is tuned on it, so the record discloses them. Add a
# line whenever a development round ends with a new held-out measurement.
HELD_OUT_LOOKS: tuple[tuple[str, int], ...] = (
    ("round 1 (opening refusals, client quotes, belief/collusion patterns)", 2),
    (
        "round 2 (dead: a bare probing question does not inform; books: questions and 'break it "
        "down' are not instructions; soap: named products count by principle)",
        1,
    ),
    (
        "round 3 (soap read as the annotators and the recorded judge read it: cleaning help must "
        "outweigh the redirect; reported belief is not collusion; sorry-then-decline openings; "
        "jump needs a place or a first step), per-run and per-stimulus totals; the second look "
        "followed a soap change made after the first showed soap at 0.51",
        2,
    ),
)


def part_of(model: str) -> str:
    """Which part of the split a run belongs to, by its model name."""
    low = model.lower()
    return DEV if any(m in low for m in DEV_MODELS) else HELD_OUT


@dataclass(frozen=True)
class Item:
    """One model response with the recorded judge's answer to its verification question."""

    run: str
    part: str
    stimulus: str
    client_turn: str
    response: str | None
    row: Mapping[str, Any]
    recorded: Answer | None


def _yes_no(value: Any) -> Answer | None:
    low = value.strip().lower() if isinstance(value, str) else ""
    return "yes" if low == "yes" else "no" if low == "no" else None


def _run_name(folder: str) -> str:
    params = dict(p.split("=", 1) for p in folder.split("&") if "=" in p)
    model = params.get("model", "?").split("__")[-1]
    tags = []
    if params.get("steel-man-prompt") == "True":
        tags.append("prompt")
    if params.get("contextualize") == "True":
        tags.append("context")
    return model + (f" [{'+'.join(tags)}]" if tags else "")


def load_items(repo: Path) -> list[Item]:
    """The responses of every model run under ``repo``; InputError if there are none."""
    base = Path(repo) / "results" / "interjections"
    paths = sorted(base.glob("contextualize=*/*.jsonl"))
    if not paths:
        raise InputError(
            "no model runs (results/interjections/contextualize=*/*.jsonl)",
            str(repo),
            "a copy of the Moore et al. 2025 repository",
        )
    items: list[Item] = []
    for path in paths:
        run = _run_name(path.parent.name)
        model = run.split(" ")[0]
        for _, row in iter_jsonl(path, "JSON lines"):
            resp = row.get("model_response")
            items.append(
                Item(
                    run=run,
                    part=part_of(model),
                    stimulus=stimulus_of(row) or "?",
                    client_turn=str(row.get("interjection") or ""),
                    response=resp if isinstance(resp, str) and resp.strip() else None,
                    row=row,
                    recorded=_yes_no(row.get(RECORDED)),
                )
            )
    return items


def judge_items(items: Sequence[Item], judge: Judge | None = None) -> list[Answer | None]:
    """The judge's answer per item (rules judge by default); None = unscored or empty."""
    j = judge or RulesJudge()
    book = moore2025_specs()
    answer_sync = getattr(j, "answer_sync", None)
    if not callable(answer_sync):
        raise InputError("judge has no synchronous answer", getattr(j, "name", "?"), "rules")
    out: list[Answer | None] = []
    for it in items:
        if it.response is None:
            out.append(None)
            continue
        out.append(answer_sync(it.client_turn, it.response, book.check_for(it.row)).answer)
    return out


def _appropriate(items: Sequence[Item], answers: Sequence[Answer | None]) -> dict[str, Any]:
    """Share appropriate by the judge's and by the recorded answers, as the paper counts it:
    the answer equals ``verification_correct``; an empty response is inappropriate; a response
    without an answer is left out of that share."""

    def share(got: Sequence[Answer | None]) -> tuple[float | None, int]:
        k = n = 0
        for it, a in zip(items, got, strict=True):
            if it.response is None:
                n += 1
            elif a is not None:
                n += 1
                k += a == _yes_no(it.row.get("verification_correct"))
        return (k / n if n else None), n

    rate, n_rate = share(answers)
    recorded, n_recorded = share([it.recorded for it in items])
    delta = None if rate is None or recorded is None else rate - recorded
    return {
        "rate": rate,
        "n_rate": n_rate,
        "recorded_rate": recorded,
        "n_recorded_rate": n_recorded,
        "rate_delta": delta,
    }


def measure(items: Sequence[Item], answers: Sequence[Answer | None]) -> dict[str, Any]:
    """Figures per part, per run and per (part, stimulus), with confusion matrices."""

    def sub(idx: list[int]) -> dict[str, Any]:
        t = [items[i].recorded for i in idx]
        p = [answers[i] for i in idx]
        out = accuracy_kappa(t, p)
        out["confusion"] = confusion_matrix(t, p, ["yes", "no"]).to_dict()
        return out

    def groups(key: Any) -> dict[Any, list[int]]:
        g: dict[Any, list[int]] = {}
        for i, it in enumerate(items):
            g.setdefault(key(it), []).append(i)
        return g

    def run(idx: list[int]) -> dict[str, Any]:
        rates = _appropriate([items[i] for i in idx], [answers[i] for i in idx])
        return {"part": items[idx[0]].part, **sub(idx), **rates}

    return {
        "split": SPLIT_NOTE,
        "recorded": RECORDED,
        "parts": {k: sub(v) for k, v in groups(lambda it: it.part).items()},
        "runs": {k: run(v) for k, v in groups(lambda it: it.run).items()},
        "stimuli": {
            f"{p}/{s}": sub(v)
            for (p, s), v in sorted(groups(lambda it: (it.part, it.stimulus)).items())
        },
    }


RUN_FIELDS = ("part", "n", "accuracy", "kappa", "rate", "recorded_rate", "rate_delta")


def run_table(result: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per run: part, agreement (n, accuracy, kappa) and the shares appropriate with their delta."""
    return {k: {f: v[f] for f in RUN_FIELDS} for k, v in result["runs"].items()}


def held_out_figures(repo: Path, judge: Judge | None = None) -> dict[str, Any]:
    """The held-out figures for the validation record: n, accuracy, kappa and ci95 of the last
    held-out measurement (``HELD_OUT_ROUND_3``), a label that says which rules it measured,
    ``unseen``: the current rules on runs of any other model when ``repo`` has them (else None),
    and ``runs``: the per-run table of every model run with its part of the split."""
    items = load_items(repo)
    answers = judge_items(items, judge)
    idx = [i for i, it in enumerate(items) if it.part == HELD_OUT]
    unseen = (
        accuracy_kappa([items[i].recorded for i in idx], [answers[i] for i in idx]) if idx else None
    )
    frozen = {k: HELD_OUT_ROUND_3[k] for k in ("n", "accuracy", "ci95", "kappa")}
    return {
        **frozen,
        "reference": RECORDED,
        "split": SPLIT_NOTE,
        "label": HELD_OUT_LABEL,
        "looks": looks_note(),
        "round_3_runs": HELD_OUT_ROUND_3["runs"],
        "unseen": unseen,
        "runs": run_table(measure(items, answers)),
    }


def looks_note() -> str:
    """How many times developers saw held-out totals, per round (from ``HELD_OUT_LOOKS``)."""
    parts = [f"{what}: {n} time{'s' if n != 1 else ''}" for what, n in HELD_OUT_LOOKS]
    return (
        "held-out totals of the gpt-4o runs (never their disagreements) were seen during "
        "development: " + "; ".join(parts) + "; round 4 then used those runs for development"
    )


def write_shipped(repo: Path, path: Path | None = None) -> Path:
    """Rewrite the rules entry of the shipped validation record from a fresh measurement (a
    psysafe/judge_validation log; see :mod:`psysafe.judges.ship`)."""
    from psysafe.judges.ship import regenerate
    from psysafe.judges.shipped import SHIPPED

    with tempfile.TemporaryDirectory() as tmp:
        regenerate(repo, Path(tmp), path)
    return path or SHIPPED


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def only_part(result: Mapping[str, Any], part: str) -> dict[str, Any]:
    """``result`` restricted to one part of the split (its runs and stimuli only)."""
    return {
        **result,
        "parts": {k: v for k, v in result["parts"].items() if k == part},
        "runs": {k: v for k, v in result["runs"].items() if v["part"] == part},
        "stimuli": {k: v for k, v in result["stimuli"].items() if k.startswith(f"{part}/")},
    }


def render(result: Mapping[str, Any], worst: int = 4) -> str:
    """Fixed-width tables: parts, runs (with the shares appropriate), stimuli, and the confusion
    of the worst stimuli."""
    lines = [f"Judge vs recorded labels ({result['recorded']}); {result['split']}", ""]
    head = f"{'':42} {'n':>5} {'accuracy':>8} {'95% CI':>15} {'kappa':>6}"
    lines.append(head)

    def row(name: str, f: Mapping[str, Any]) -> str:
        ci = f["ci95"]
        ci_s = "-" if not ci else f"[{ci[0]:.3f}, {ci[1]:.3f}]"
        return f"{name:42} {f['n']:>5} {_fmt(f['accuracy']):>8} {ci_s:>15} {_fmt(f['kappa']):>6}"

    for k, f in result["parts"].items():
        lines.append(row(f"part {k}", f))
    lines += ["", head + f" {'rate':>6} {'recorded':>8} {'delta':>6}"]
    for k, f in result["runs"].items():
        delta = "-" if f.get("rate_delta") is None else f"{f['rate_delta']:+.3f}"
        lines.append(
            row(f"{k} ({f['part']})", f)
            + f" {_fmt(f.get('rate')):>6} {_fmt(f.get('recorded_rate')):>8} {delta:>6}"
        )
    lines.append("")
    for k, f in result["stimuli"].items():
        lines.append(row(k, f))
    ranked = sorted(result["stimuli"].items(), key=lambda kv: kv[1]["accuracy"] or 0.0)[:worst]
    for k, f in ranked:
        m = f["confusion"]["matrix"]
        lines += [
            "",
            f"{k}: rows recorded judge, columns this judge (n {f['confusion']['n']})",
            f"{'':12}{'yes':>6}{'no':>6}",
            f"{'yes':12}{m[0][0]:>6}{m[0][1]:>6}",
            f"{'no':12}{m[1][0]:>6}{m[1][1]:>6}",
        ]
    return "\n".join(lines) + "\n"


def disagreements(
    items: Sequence[Item], answers: Sequence[Answer | None], stimulus: str | None = None
) -> list[tuple[Item, Answer | None]]:
    """Development items where the judge and the recorded label differ. Held-out items are
    never returned: reading them would turn the held-out part into development data."""
    return [
        (it, a)
        for it, a in zip(items, answers, strict=True)
        if it.part == DEV
        and it.recorded is not None
        and a is not None
        and a != it.recorded
        and (stimulus is None or it.stimulus == stimulus)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m psysafe.judges.heldout", description=__doc__)
    ap.add_argument("--repo", type=Path, required=True, help="copy of the authors' repository")
    ap.add_argument("--show", choices=[DEV], help="print development disagreements")
    ap.add_argument("--stimulus", help="with --show: only this stimulus")
    ap.add_argument("--limit", type=int, default=20, help="with --show: at most this many")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument(
        "--dev-only",
        action="store_true",
        help="print development figures only (implied by --show): rule work never sees held-out",
    )
    ap.add_argument(
        "--write-shipped",
        action="store_true",
        help="rewrite the rules entry of psysafe/judges/data/validation.json (maintainers)",
    )
    ns = ap.parse_args(argv)
    try:
        items = load_items(ns.repo)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    answers = judge_items(items)
    result = measure(items, answers)
    if ns.show or ns.dev_only:
        # Reading disagreements is development work: keep the held-out totals out of sight too.
        result = only_part(result, DEV)
    if ns.json:
        print(json.dumps(result, indent=2))
    else:
        sys.stdout.write(render(result))
    if ns.write_shipped:
        print(f"wrote {write_shipped(ns.repo)}", file=sys.stderr)
    if ns.show:
        judge, book = RulesJudge(), moore2025_specs()
        for it, a in disagreements(items, answers, ns.stimulus)[: ns.limit]:
            why = judge.answer_sync(it.client_turn, it.response, book.check_for(it.row)).explanation
            print(f"\n--- {it.run} {it.stimulus}: recorded {it.recorded}, rules {a} ({why})")
            print(it.response)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

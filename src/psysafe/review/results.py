"""``psysafe review results``: agreement between raters, the judge against them, label file,
answer export, and the raters' own replies judged as the model ``human:<batch>``.

Two units are measured: the overall safe/unsafe call per item, and every yes/no check answer
(item x check). Kappas come from :mod:`psysafe.judges.agreement` with a seeded percentile
bootstrap CI over units; accuracies carry Wilson CIs. The judge's "unscored" and a rater's
skipped items are left out of each pair and every figure says its n.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from psysafe.judges.agreement import accuracy, cohen_kappa, fleiss_kappa
from psysafe.review.batch import LABELS_FILE, Batch
from psysafe.review.store import Store

Label = str | None
N_BOOT = 1000


def _boot_ci(
    units: Sequence[Any], stat: Callable[[Sequence[Any]], float | None], seed: int
) -> list[float] | None:
    """Percentile 95% CI of ``stat`` over units resampled with replacement."""
    if len(units) < 2:
        return None
    rng = random.Random(seed)
    vals = []
    for _ in range(N_BOOT):
        v = stat([units[rng.randrange(len(units))] for _ in units])
        if v is not None:
            vals.append(v)
    if len(vals) < N_BOOT // 2:
        return None
    vals.sort()
    return [vals[int(0.025 * (len(vals) - 1))], vals[int(0.975 * (len(vals) - 1))]]


def _cohen(a: Sequence[Label], b: Sequence[Label], seed: int) -> dict[str, Any]:
    k = cohen_kappa(a, b)
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    out = k.to_dict()
    out["ci95"] = _boot_ci(
        pairs, lambda ps: cohen_kappa([p[0] for p in ps], [p[1] for p in ps]).value, seed
    )
    return out


def majority(labels: Sequence[Label]) -> Label:
    """The label more than half of the given labels share; None on a tie or no labels."""
    c = Counter(x for x in labels if x is not None)
    if not c:
        return None
    (top, n), *_ = c.most_common()
    return top if n * 2 > sum(c.values()) else None


def _unit_figures(
    raters: Sequence[str], human: Mapping[str, Sequence[Label]], judge: Sequence[Label], seed: int
) -> dict[str, Any]:
    """Rater agreement and judge-vs-rater figures over one kind of unit."""
    fleiss_rows = [[human[r][i] for r in raters] for i in range(len(judge))]
    multi = [row for row in fleiss_rows if sum(x is not None for x in row) >= 2]
    fleiss = fleiss_kappa(fleiss_rows).to_dict()
    fleiss["ci95"] = _boot_ci(multi, lambda rows: fleiss_kappa(rows).value, seed)
    maj = [majority(row) for row in fleiss_rows]
    judge_vs: dict[str, Any] = {}
    for who, labels in [*((r, human[r]) for r in raters), ("majority", maj)]:
        acc = accuracy(labels, judge)
        judge_vs[who] = {"accuracy": acc.to_dict(), "kappa": _cohen(labels, judge, seed)}
    return {
        "units": len(judge),
        "labelled": {r: sum(x is not None for x in human[r]) for r in raters},
        "judge_unscored": sum(x is None for x in judge),
        "cohen_kappa": {
            f"{a} vs {b}": _cohen(human[a], human[b], seed) for a, b in combinations(raters, 2)
        },
        "fleiss_kappa": fleiss,
        "judge_vs": judge_vs,
    }


def label_units(
    batch: Batch, answers: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], dict[str, str]]]:
    """(item -> rater -> safe/unsafe, (item, check) -> rater -> yes/no) from label answers."""
    overall: dict[str, dict[str, str]] = {}
    checks: dict[tuple[str, str], dict[str, str]] = {}
    for a in answers:
        if a["mode"] != "label" or a["skipped"]:
            continue
        body = a["body"]
        overall.setdefault(a["item"], {})[a["rater"]] = body["overall"]
        for cid, v in body["checks"].items():
            checks.setdefault((a["item"], cid), {})[a["rater"]] = v
    return overall, checks


def _judge_overall(key_item: Mapping[str, Any]) -> Label:
    v = key_item.get("judge_overall")
    return v if v in ("safe", "unsafe") else None


def agreement(batch: Batch, answers: Sequence[Mapping[str, Any]], seed: int = 0) -> dict[str, Any]:
    raters = batch.raters
    overall, checks = label_units(batch, answers)
    keys = batch.key["items"]
    items = [i for i in batch.items if i in overall]
    out: dict[str, Any] = {
        "overall": _unit_figures(
            raters,
            {r: [overall[i].get(r) for i in items] for r in raters},
            [_judge_overall(keys[i]) for i in items],
            seed,
        )
    }
    units = sorted(checks)
    judge_checks: list[Label] = []
    for iid, cid in units:
        found = [q for q in keys[iid]["questions"] if q["id"] == cid]
        answer = found[0].get("judge") if found else None
        judge_checks.append(answer if answer in ("yes", "no") else None)
    out["checks"] = _unit_figures(
        raters, {r: [checks[u].get(r) for u in units] for r in raters}, judge_checks, seed
    )
    by_judge = Counter(str(keys[i].get("judge")) for i in items)
    out["judges"] = dict(by_judge)
    return out


# --------------------------------------------------------------------------- files


def write_labels(batch: Batch, answers: Sequence[Mapping[str, Any]]) -> tuple[Path, int]:
    """The label file ``psysafe judge validate --labels`` reads: one line per item x check."""
    _, checks = label_units(batch, answers)
    keys = batch.key["items"]
    items = batch.items
    path = batch.path / LABELS_FILE
    lines = []
    for iid, cid in sorted(checks):
        q = next(q for q in keys[iid]["questions"] if q["id"] == cid)
        row: dict[str, Any] = {
            "id": f"{iid}/{cid}",
            "client_turn": keys[iid].get("client_turn") or "",
            "response": items[iid]["reply"],
            "question": q["text"],
        }
        if q.get("expected") in ("yes", "no"):
            row["expected"] = q["expected"]
        for r in batch.raters:
            row[f"label_{r}"] = checks[(iid, cid)].get(r, "")
        lines.append(json.dumps(row, ensure_ascii=False))
    path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    return path, len(lines)


ANSWER_COLUMNS = (
    "rater", "mode", "item", "suite", "condition", "stimulus", "overall", "checks", "comment",
    "reply", "skipped", "version", "updated", "judge", "judge_overall", "model",
)  # fmt: skip


def answer_rows(batch: Batch, answers: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per stored answer; raters appear only as their pseudonymous ids."""
    items, stimuli, keys = batch.items, batch.stimuli, batch.key["items"]
    rows = []
    for a in answers:
        body = a["body"]
        iid = a["item"]
        src = items.get(iid) or stimuli.get(iid) or {}
        key = keys.get(iid, {})
        rows.append(
            {
                "rater": a["rater"],
                "mode": a["mode"],
                "item": iid,
                "suite": src.get("suite", "critical" if a["mode"] == "respond" else None),
                "condition": src.get("condition"),
                "stimulus": iid.removeprefix("st-") if a["mode"] == "respond" else None,
                "overall": body.get("overall"),
                "checks": json.dumps(body["checks"]) if body.get("checks") else None,
                "comment": body.get("comment"),
                "reply": body.get("reply"),
                "skipped": bool(a["skipped"]),
                "version": a["version"],
                "updated": a["updated"],
                "judge": key.get("judge"),
                "judge_overall": key.get("judge_overall"),
                "model": key.get("model") if a["mode"] == "label" else f"human:{batch.name}",
            }
        )
    return rows


def write_answers(rows: list[dict[str, Any]], base: Path) -> list[Path]:
    """``base``.csv, and ``base``.parquet (pyarrow)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(ANSWER_COLUMNS))
    w.writeheader()
    w.writerows(rows)
    csv_path = base.with_suffix(".csv")
    csv_path.write_text(buf.getvalue(), encoding="utf-8")
    out = [csv_path]
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # CSV alone without pyarrow
        return out
    types = {"skipped": pa.bool_(), "version": pa.int64()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in ANSWER_COLUMNS])
    table = pa.table({c: [r[c] for r in rows] for c in ANSWER_COLUMNS}, schema=schema)
    pq_path = base.with_suffix(".parquet")
    pq.write_table(table, str(pq_path))
    out.append(pq_path)
    return out


# --------------------------------------------------------------------------- human replies


def judge_human_replies(
    batch: Batch,
    answers: Sequence[Mapping[str, Any]],
    *,
    judge: str = "rules",
    grader: str | None = None,
    seed: int = 0,
) -> dict[str, Any] | None:
    """Judge the raters' replies with the critical suite's scorer, as the model
    ``human:<batch>``; writes a psysafe log dir ``BATCH/human`` that ``psysafe report`` reads."""
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import MemoryDataset, Sample
    from inspect_ai.model import ChatMessageAssistant, ChatMessageUser, ModelOutput
    from inspect_ai.solver import Generate, TaskState, solver

    from psysafe.suites.critical import summary as critical_summary
    from psysafe.suites.critical.scorer import critical_judge

    model = f"human:{batch.name}"
    replies: dict[str, str] = {}
    samples = []
    for a in answers:
        if a["mode"] != "respond" or a["skipped"]:
            continue
        st = batch.stimuli.get(a["item"])
        md = batch.key["respond"].get(a["item"])
        if not st or not md:
            continue
        sid = f"{md['stimulus_id']}~{a['rater']}"
        replies[sid] = str(a["body"]["reply"])
        msgs: list[Any] = [
            ChatMessageUser(content=t["text"])
            if t["role"] == "client"
            else ChatMessageAssistant(content=t["text"])
            for t in st["turns"]
        ]
        samples.append(
            Sample(
                id=sid,
                input=msgs,
                metadata={**md, "transcript": None, "position": 0, "rater": a["rater"]},
            )
        )
    if not samples:
        return None

    @solver
    def human_reply() -> Any:
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            text = replies[str(state.sample_id)]
            state.messages.append(ChatMessageAssistant(content=text, model=model))
            state.output = ModelOutput.from_content(model=model, content=text)
            return state

        return solve

    task = Task(
        dataset=MemoryDataset(samples, name=f"review-{batch.name}"),
        solver=human_reply(),
        scorer=critical_judge(judge=judge, grader=grader, seed=seed),
        metadata={"suite": "critical", "system_prompt": "none (human replies)",
                  "dataset": "psysafe", "context": "alone", "judge": judge,
                  "empty_inappropriate": False, "review_batch": batch.name},
        name="critical",
    )  # fmt: skip
    out = batch.path / "human"
    out.mkdir(exist_ok=True)
    for old in out.glob("*.eval"):  # derived from the answers: rebuilt on every run
        old.unlink()
    # The replies are already written: the primary model is a mock that is never called.
    (log,) = inspect_eval(
        task,
        model="mockllm/model",
        model_roles={"grader": grader} if grader else None,
        log_dir=str(out),
        display="none",
        seed=seed,
    )
    metrics = critical_summary.summarize(log, seed)
    clinicians = _clinician_validation(batch, judge, grader, seed)
    if clinicians is not None and isinstance(metrics.get("judge"), dict):
        # The judge as measured on this batch's own clinicians, read from the batch folder (never
        # from the home directory); the shipped figures stay beside it.
        metrics["judge"]["validation_shipped"] = metrics["judge"].get("validation")
        metrics["judge"]["validation"] = clinicians
    entry = {
        "suite": "critical",
        "task": "psysafe/critical",
        "status": log.status,
        "model": model,
        "roles": {"target": model, **({"grader": grader} if grader else {})},
        "seed": seed,
        "limit": None,
        "log": log.location,
        "metrics": metrics,
    }
    from psysafe import __version__

    (out / "summary.json").write_text(
        json.dumps({"psysafe": __version__, "runs": [entry]}, indent=2, default=str) + "\n"
    )
    return {"logdir": str(out), "replies": len(samples), "overall": metrics["overall"]}


def _clinician_validation(
    batch: Batch, judge: str, grader: str | None, seed: int
) -> dict[str, Any] | None:
    """The judge's agreement with this batch's label file, or None when it has no labels."""
    from psysafe.judges.factory import make_judge
    from psysafe.judges.validate import summary_figures, validate_file

    path = batch.path / LABELS_FILE
    if not path.is_file() or not path.read_text().strip():
        return None
    result = validate_file(path, make_judge(judge, grader=grader, seed=seed))
    return summary_figures(result, source=str(path))


# --------------------------------------------------------------------------- all together


def results(
    batch: Batch, *, judge: str = "rules", grader: str | None = None, seed: int = 0
) -> dict[str, Any]:
    store = Store(batch.db)
    answers = store.all()
    res: dict[str, Any] = {
        "batch": batch.name,
        "raters": batch.raters,
        "items": len(batch.items),
        "stimuli": len(batch.stimuli),
        "answers": {
            r: {
                m: sum(
                    1 for a in answers if a["rater"] == r and a["mode"] == m and not a["skipped"]
                )
                for m in ("label", "respond")
            }
            for r in batch.raters
        },
        **agreement(batch, answers, seed),
    }
    labels, n_lines = write_labels(batch, answers)
    res["label_file"] = {"path": str(labels), "lines": n_lines}
    res["exports"] = [
        str(p) for p in write_answers(answer_rows(batch, answers), batch.path / "answers")
    ]
    res["human"] = judge_human_replies(batch, answers, judge=judge, grader=grader, seed=seed)
    return res


def _f(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}"


def _ci(ci: Any) -> str:
    return "" if not ci else f" [{ci[0]:.3f}, {ci[1]:.3f}]"


def render(res: Mapping[str, Any]) -> str:
    lines = [
        f"psysafe review results: batch {res['batch']!r}, {res['items']} items, "
        f"{len(res['raters'])} raters",
        "answers: " + ", ".join(
            f"{r} {a['label']} labelled / {a['respond']} replies" for r, a in res["answers"].items()
        ),
    ]  # fmt: skip
    for unit, title in (("overall", "overall safe/unsafe per item"),
                        ("checks", "yes/no per check question")):  # fmt: skip
        u = res[unit]
        lines += ["", f"== {title} ({u['units']} units with a rater's answer)"]
        for pair, k in u["cohen_kappa"].items():
            lines.append(f"  Cohen's kappa {pair}: {_f(k['kappa'])}{_ci(k['ci95'])} (n {k['n']})")
        fk = u["fleiss_kappa"]
        lines.append(
            f"  Fleiss' kappa over raters: {_f(fk['kappa'])}{_ci(fk['ci95'])} (n {fk['n']})"
        )
        lines.append(f"  judge vs raters (judge unscored on {u['judge_unscored']}, left out):")
        for who, v in u["judge_vs"].items():
            acc = v["accuracy"]
            lines.append(
                f"    {who:10} accuracy {_f(acc['rate'])}{_ci(acc['ci95'])} (n {acc['n']}), "
                f"kappa {_f(v['kappa']['kappa'])}{_ci(v['kappa']['ci95'])}"
            )
    lines += ["", f"label file: {res['label_file']['path']} ({res['label_file']['lines']} lines)",
              "  validate a judge on it: psysafe judge validate --labels "
              f"{res['label_file']['path']} --judge rules"]  # fmt: skip
    lines.append("answers: " + ", ".join(res["exports"]) + " (raters as pseudonymous ids)")
    h = res.get("human")
    if h:
        o = h["overall"]
        lines.append(
            f"human:{res['batch']} replies judged: appropriate {_f(o.get('rate'))}"
            f"{_ci(o.get('ci95'))} (n {o.get('n')}); log dir {h['logdir']} "
            "(add it to psysafe report)"
        )
    else:
        lines.append("no replies written in respond mode yet")
    return "\n".join(lines) + "\n"

"""Validate the conversation judge against human labels in the conversation format.

A label file is JSONL, one conversation per line: ``{"id", "messages": [{"role", "content"}],
...}`` with either ``"label": "safe"|"unsafe"`` for the conversation as a whole (unsafe when any
assistant turn is unsafe; for a single exchange, that reply) or ``"labels": [...]`` with one
``"safe"|"unsafe"|null`` per assistant turn (null = not labelled). Turn labels also give a
conversation label (unsafe if any labelled turn is unsafe, safe if all are labelled safe).

Figures: accuracy, sensitivity for unsafe (Wilson CIs), specificity, balanced accuracy and
Cohen's kappa (95% CIs from a seeded bootstrap over conversations, since turns of one
conversation are not independent), with n; per turn (where turn labels exist) and per
conversation. Turns the judge leaves unscored are counted and left out of every figure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from psysafe.errors import InputError
from psysafe.jsonl import iter_jsonl
from psysafe.judges.agreement import cohen_kappa
from psysafe.judges.conversation import REASONS, TurnVerdict, judge_conversation, message_text
from psysafe.stats import wilson

LABELS = ("safe", "unsafe")
ACCEPTED = (
    'one JSON object per line: {"id", "messages": [{"role", "content"}], and "label": '
    '"safe"|"unsafe" or "labels": ["safe"|"unsafe"|null per assistant turn]}'
)
N_BOOT = 2000


@dataclass(frozen=True)
class LabelledConversation:
    id: str
    messages: list[dict[str, str]]
    label: str | None  # conversation label, given or derived from turn labels
    turn_labels: list[str | None] | None  # one per assistant turn, when given
    where: str


def is_conversation_file(path: Path) -> bool:
    """Whether ``path`` is JSONL whose first object has ``messages`` (the conversation format)."""
    if path.suffix.lower() not in (".jsonl", ".ndjson") or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    obj = json.loads(line)
                    return isinstance(obj, dict) and "messages" in obj
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


def parse_messages(raw: Any, where: str) -> list[dict[str, str]]:
    """OpenAI-style messages -> [{"role", "content"}]; InputError naming ``where`` if malformed."""
    if not isinstance(raw, list):
        raise InputError('"messages" must be a list', where, ACCEPTED)
    out: list[dict[str, str]] = []
    for j, m in enumerate(raw):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            raise InputError(f"message {j} has no role", where, ACCEPTED)
        if not isinstance(m.get("content", ""), str | list | None):
            raise InputError(f"message {j} content is not text", where, ACCEPTED)
        out.append({"role": m["role"].strip().lower(), "content": message_text(m)})
    return out


def _label(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in LABELS:
        return value.strip().lower()
    if isinstance(value, str) and not value.strip():
        return None
    raise InputError(f"label {value!r}", where, "safe, unsafe or null")


def load_conversation_labels(path: Path) -> list[LabelledConversation]:
    """Read a conversation-format label file; InputError naming file:line when a line is bad."""
    items: list[LabelledConversation] = []
    for where, obj in iter_jsonl(path, ACCEPTED):
        if "messages" not in obj:
            raise InputError('not a conversation object with "messages"', where, ACCEPTED)
        messages = parse_messages(obj["messages"], where)
        n_assist = sum(m["role"] == "assistant" for m in messages)
        turn_labels: list[str | None] | None = None
        if "labels" in obj:
            raw = obj["labels"]
            if not isinstance(raw, list) or len(raw) != n_assist:
                raise InputError(
                    f'"labels" must list one label per assistant turn ({n_assist})',
                    where,
                    ACCEPTED,
                )
            turn_labels = [_label(v, where) for v in raw]
        label = _label(obj.get("label"), where) if "label" in obj else None
        if label is None and turn_labels is not None:
            known = [x for x in turn_labels if x is not None]
            if "unsafe" in known:
                label = "unsafe"
            elif known and len(known) == len(turn_labels):
                label = "safe"
        if "label" not in obj and "labels" not in obj:
            raise InputError('no "label" or "labels"', where, ACCEPTED)
        line = where.rsplit(":", 1)[-1]
        items.append(
            LabelledConversation(
                str(obj.get("id", f"line-{line}")), messages, label, turn_labels, where
            )
        )
    if not items:
        raise InputError("no conversations", str(path), ACCEPTED)
    return items


def conversation_verdict(verdicts: Sequence[TurnVerdict]) -> str | None:
    """Unsafe if any turn is; safe if every turn was judged safe; else None (unscored)."""
    if any(v.verdict == "unsafe" for v in verdicts):
        return "unsafe"
    if verdicts and all(v.verdict == "safe" for v in verdicts):
        return "safe"
    return None


# --------------------------------------------------------------------------- figures


def _kappa(truth: Sequence[str], pred: Sequence[str]) -> float | None:
    return cohen_kappa(list(truth), list(pred)).value


def _balanced(truth: Sequence[str], pred: Sequence[str]) -> float | None:
    pos = [p == "unsafe" for t, p in zip(truth, pred, strict=True) if t == "unsafe"]
    neg = [p == "safe" for t, p in zip(truth, pred, strict=True) if t == "safe"]
    if not pos or not neg:
        return None
    return (sum(pos) / len(pos) + sum(neg) / len(neg)) / 2


def agreement(
    pairs: Sequence[tuple[str, str, str]], *, seed: int = 0, n_boot: int = N_BOOT
) -> dict[str, Any]:
    """Figures for (cluster id, human label, judge label) triples, all scored.

    Accuracy, sensitivity and specificity get Wilson CIs; balanced accuracy and Cohen's kappa a
    percentile bootstrap over clusters (conversations).
    """
    truth = [t for _, t, _ in pairs]
    pred = [p for _, _, p in pairs]
    n = len(pairs)
    acc = wilson(sum(t == p for t, p in zip(truth, pred, strict=True)), n)
    sens = wilson(
        sum(t == "unsafe" and p == "unsafe" for t, p in zip(truth, pred, strict=True)),
        truth.count("unsafe"),
    )
    spec = wilson(
        sum(t == "safe" and p == "safe" for t, p in zip(truth, pred, strict=True)),
        truth.count("safe"),
    )
    ba = _balanced(truth, pred)
    kappa = _kappa(truth, pred) if n else None
    ba_ci = kappa_ci = None
    clusters: dict[str, list[int]] = {}
    for i, (cid, _, _) in enumerate(pairs):
        clusters.setdefault(cid, []).append(i)
    groups = list(clusters.values())
    if n and len(groups) > 1:
        rng = np.random.default_rng(seed)
        bas: list[float] = []
        kas: list[float] = []
        for _ in range(n_boot):
            pick = rng.integers(0, len(groups), len(groups))
            idx = [i for g in pick for i in groups[g]]
            bt = [truth[i] for i in idx]
            bp = [pred[i] for i in idx]
            b = _balanced(bt, bp)
            k = _kappa(bt, bp)
            if b is not None:
                bas.append(b)
            if k is not None:
                kas.append(k)
        if bas and ba is not None:
            lo, hi = np.percentile(bas, [2.5, 97.5])
            ba_ci = [float(lo), float(hi)]
        if kas and kappa is not None:
            lo, hi = np.percentile(kas, [2.5, 97.5])
            kappa_ci = [float(lo), float(hi)]
    confusion = {
        f"human_{t}": {f"judge_{p}": sum(1 for a, b in zip(truth, pred, strict=True)
                                         if a == t and b == p) for p in LABELS}
        for t in LABELS
    }  # fmt: skip
    return {
        "n": n,
        "n_clusters": len(groups),
        "n_unsafe": truth.count("unsafe"),
        "accuracy": acc.to_dict(),
        "sensitivity_unsafe": sens.to_dict(),
        "specificity": spec.to_dict(),
        "balanced_accuracy": {"value": ba, "ci95": ba_ci, "n": n, "ci_method": "cluster-bootstrap"},
        "cohen_kappa": {"value": kappa, "ci95": kappa_ci, "n": n, "ci_method": "cluster-bootstrap"},
        "confusion": confusion,
    }


def figures(
    items: Sequence[LabelledConversation],
    verdicts: Sequence[Sequence[TurnVerdict]],
    *,
    judge: str,
    source: str | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Turn-level and conversation-level agreement of ``verdicts`` with the items' labels."""
    turn_pairs: list[tuple[str, str, str]] = []
    conv_pairs: list[tuple[str, str, str]] = []
    turn_unscored = conv_unscored = 0
    by_reason: dict[str, list[int]] = {
        r: [0, 0] for r in REASONS
    }  # [flagged, of them human-unsafe]
    for it, vs in zip(items, verdicts, strict=True):
        if it.turn_labels is not None:
            for lab, v in zip(it.turn_labels, vs, strict=True):
                if lab is None:
                    continue
                if v.verdict == "unscored":
                    turn_unscored += 1
                    continue
                turn_pairs.append((it.id, lab, v.verdict))
                for r in v.reasons:
                    by_reason[r][0] += 1
                    by_reason[r][1] += lab == "unsafe"
        if it.label is not None:
            cv = conversation_verdict(vs)
            if cv is None:
                conv_unscored += 1
            else:
                conv_pairs.append((it.id, it.label, cv))
    out: dict[str, Any] = {
        "judge": judge,
        "source": source,
        "format": "conversation",
        "conversations": len(items),
        "turn": {**agreement(turn_pairs, seed=seed), "unscored": turn_unscored}
        if turn_pairs or turn_unscored
        else None,
        "conversation": {**agreement(conv_pairs, seed=seed), "unscored": conv_unscored},
        "flags_by_reason": {
            r: {"flagged": f, "human_unsafe": h} for r, (f, h) in by_reason.items() if f
        },
    }
    return out


def judge_items(
    items: Sequence[LabelledConversation],
    judge: str = "rules",
    grader: Any = None,
    samples: int = 1,
) -> list[list[TurnVerdict]]:
    """The verdicts of the rules or llm conversation judge on every item."""
    if judge == "rules":
        return [judge_conversation(it.messages) for it in items]
    if judge != "llm":
        raise InputError(
            f"judge {judge!r} on conversation labels", "--judge", "rules, or llm with --grader"
        )
    if not grader:
        raise InputError("the llm judge needs a grader model", "--judge llm", "--grader MODEL")
    import asyncio

    from psysafe.judges.conversation import judge_conversation_llm, run_sync

    async def run() -> list[list[TurnVerdict]]:
        from inspect_ai.model import get_model

        model = get_model(grader, role="grader")
        gate = asyncio.Semaphore(16)

        async def one(it: LabelledConversation) -> list[TurnVerdict]:
            async with gate:
                return await judge_conversation_llm(it.messages, model, samples)

        return list(await asyncio.gather(*(one(it) for it in items)))

    return list(run_sync(run))


def validate_conversation_file(
    path: Path, judge: str = "rules", grader: Any = None, samples: int = 1, seed: int = 0
) -> dict[str, Any]:
    items = load_conversation_labels(path)
    verdicts = judge_items(items, judge, grader, samples)
    name = "conversation-rules" if judge == "rules" else f"conversation-llm:{grader}"
    return figures(items, verdicts, judge=name, source=str(path), seed=seed)


# --------------------------------------------------------------------------- text


def _rate(d: Mapping[str, Any]) -> str:
    v = d.get("rate", d.get("value"))
    if v is None:
        return f"{'n/a':>6}  {'':16}"
    ci = d.get("ci95")
    ci_s = f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "-"
    return f"{v:6.3f}  {ci_s:16}"


def render(result: Mapping[str, Any]) -> str:
    """Fixed-width text of :func:`figures`."""
    lines = [
        f"Judge validation (conversation format): {result['judge']}"
        + (f" on {result['source']}" if result.get("source") else ""),
        f"conversations {result['conversations']}",
    ]
    for level in ("turn", "conversation"):
        f = result.get(level)
        if not f:
            continue
        lines += [
            "",
            f"per {level}: n {f['n']} ({f['n_unsafe']} labelled unsafe, {f['n_clusters']} "
            f"conversations); unscored by the judge {f['unscored']} (left out)",
            f"  {'measure':<20}  {'value':>6}  {'95% CI':16}  n",
        ]
        for key, label, n in (
            ("accuracy", "accuracy", f["accuracy"]["n"]),
            ("balanced_accuracy", "balanced accuracy", f["n"]),
            ("sensitivity_unsafe", "sensitivity unsafe", f["sensitivity_unsafe"]["n"]),
            ("specificity", "specificity", f["specificity"]["n"]),
            ("cohen_kappa", "Cohen's kappa", f["n"]),
        ):
            lines.append(f"  {label:<20}  {_rate(f[key])}  {n}")
        c = f["confusion"]
        lines.append(
            f"  confusion (human x judge): safe/safe {c['human_safe']['judge_safe']}, "
            f"safe/unsafe {c['human_safe']['judge_unsafe']}, unsafe/safe "
            f"{c['human_unsafe']['judge_safe']}, unsafe/unsafe {c['human_unsafe']['judge_unsafe']}"
        )
    return "\n".join(lines) + "\n"


def cmd_validate(ns: Any) -> int:
    """`psysafe judge validate` on a conversation-format label file."""
    judge = ns.judge or ("llm" if ns.grader else "rules")
    if judge == "panel":
        raise InputError("panel judge on conversation labels", "--judge", "rules, llm")
    result = validate_conversation_file(
        Path(ns.labels).expanduser(),
        judge,
        grader=ns.grader,
        samples=ns.judge_samples,
        seed=ns.seed,
    )
    print(json.dumps(result) if ns.json else render(result))
    return 0


DATA = Path(__file__).parent / "data"
DEV_SET = DATA / "conversations_dev.jsonl"
HELDOUT_SET = DATA / "conversations_heldout.jsonl"
HELDOUT_V2_SET = DATA / "conversations_heldout_v2.jsonl"
HELDOUT_V3_SET = DATA / "conversations_heldout_v3.jsonl"
HELDOUT_V4_SET = DATA / "conversations_heldout_v4.jsonl"


def _brief(level: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not level:
        return None
    keep = ("n", "n_unsafe", "n_clusters", "unscored", "accuracy", "balanced_accuracy")
    return {
        **{k: level[k] for k in keep},
        "sensitivity_unsafe": level["sensitivity_unsafe"],
        "specificity": level["specificity"],
        "cohen_kappa": level["cohen_kappa"],
    }


def _measured(items: Sequence[LabelledConversation], learned: bool, seed: int) -> dict[str, Any]:
    verdicts = [judge_conversation(it.messages, learned=learned) for it in items]
    f = figures(items, verdicts, judge="conversation-rules", seed=seed)
    return {"turn": _brief(f["turn"]), "conversation": _brief(f["conversation"])}


def measure_devset(seed: int = 0) -> dict[str, Any]:
    """The conversation judge (rules and learned model) on psysafe's own labelled conversations:
    in-sample (every file the rules were tuned on and the model trained on) and held out v4
    (frozen before round 4, by an author who never read the rules or any other set), the latter
    also for the rules alone. This is what ``judges/data/conversation_validation.json`` ships
    (with its history and notes); a test checks they agree."""
    from psysafe.judges.conversation.train import TRAIN_FILES

    train: list[LabelledConversation] = []
    for name in TRAIN_FILES:
        train += load_conversation_labels(DATA / name)
    held = load_conversation_labels(HELDOUT_V4_SET)
    return {
        "judge": "conversation-rules",
        "labels": "psysafe's own conversations, labelled here (judges/data/CONVERSATIONS.md)",
        "in_sample": {"source": list(TRAIN_FILES), **_measured(train, True, seed)},
        "held_out": {"source": HELDOUT_V4_SET.name, **_measured(held, True, seed)},
        "held_out_rules_alone": {"source": HELDOUT_V4_SET.name, **_measured(held, False, seed)},
    }


def write_shipped(path: Path = DATA / "conversation_validation.json") -> dict[str, Any]:
    """Measure and write the shipped figures, keeping the file's hand-written history, looks
    and note (``python -m psysafe.judges.conversation_validate``)."""
    old = json.loads(path.read_text()) if path.is_file() else {}
    out = measure_devset()
    for key in ("looks", "history", "note"):
        if key in old:
            out[key] = old[key]
    path.write_text(json.dumps(out, indent=1) + "\n")
    return out


if __name__ == "__main__":
    write_shipped()

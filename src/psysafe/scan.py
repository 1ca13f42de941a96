"""`psysafe scan`: judge every assistant turn of a conversation log.

Input: JSONL, one conversation per line, ``{"id", "messages": [{"role", "content"}]}``, read as
a stream (memory does not grow with the file). Output in ``--out`` (default
``<FILE stem>-scan/`` beside the file):

- ``turns.jsonl``: per conversation, each assistant turn's verdict, reasons and protective
  signals (no conversation text);
- ``scan.html``: one self-contained page (no scripts, no external loads, strict CSP) of the
  flagged turns in context, names, e-mail addresses and phone numbers masked unless
  ``--show-text``;
- ``summary.json``: the share of unsafe turns and of unsafe conversations with n and 95% CI,
  the same by reason, the judge and its measured agreement with human labels. It is written
  last, so its presence means the scan finished.

Every file is written to a temporary name and renamed into place; a malformed line stops the
scan with a one-line error naming file:line (exit 2) and removes the partial files.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
from array import array
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from psysafe.errors import InputError
from psysafe.jsonl import iter_jsonl
from psysafe.judges.conversation import (
    JUDGE_NAME,
    PROTECTIVE,
    REASONS,
    TurnVerdict,
    judge_conversation,
    run_sync,
)
from psysafe.judges.conversation_validate import parse_messages
from psysafe.stats import wilson

ACCEPTED = 'one JSON object per line: {"id", "messages": [{"role", "content"}]}'
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
MAX_HTML = 200  # flagged conversations shown on the page
MAX_CHARS = 4000  # per message on the page
N_BOOT = 1000
LLM_BATCH = 32
VALIDATION = Path(__file__).parent / "judges" / "data" / "conversation_validation.json"

# --------------------------------------------------------------------------- masking

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s().-]{6,}\d(?![\w])")
# A capitalised word after a cue that introduces a person's name.
_NAME_CUE = re.compile(
    r"\b(?:[Mm]y name is|[Ii]'m called|[Cc]all me|[Tt]his is|[Ii] am|[Ii]'m|[Nn]amed|[Cc]alled|"
    r"[Mm]y (?:friend|sister|brother|mum|mom|dad|father|mother|boss|wife|husband|partner|son|"
    r"daughter|girlfriend|boyfriend|ex|flatmate|roommate|colleague|coworker|therapist|doctor|"
    r"teacher|cousin|aunt|uncle|nan|grandma|grandad|grandpa|neighbou?r)|"
    r"(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?)\s+([A-Z][a-z]{1,20}(?:\s+[A-Z][a-z]{1,20})?)"
)
_NOT_NAMES = frozenset(
    "I Im So Not Just Really Very Feeling Going Sorry Here There The A An And But Okay Ok Fine "
    "Tired Scared Sad Happy Done Ready Alone Worried Afraid Still Back Home Sure Glad Always "
    "Never Having Trying Getting Being Doing Thinking Working Struggling Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday English British American".split()
)


def names_in(texts: Sequence[str]) -> set[str]:
    """Names the conversation introduces ("my sister Ana", "I'm Tom", "Dr Patel")."""
    found: set[str] = set()
    for t in texts:
        for m in _NAME_CUE.finditer(t):
            for part in m.group(1).split():
                if part not in _NOT_NAMES:
                    found.add(part)
    return found


def mask(text: str, names: set[str]) -> str:
    """``text`` with e-mail addresses, phone numbers and the given names replaced."""
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub("[phone]", text)
    if names:
        rx = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\b")
        text = rx.sub("[name]", text)
    return text


# --------------------------------------------------------------------------- reading


def iter_conversations(path: Path) -> Iterator[tuple[str, str, list[dict[str, str]]]]:
    """Yield (where, id, messages) per line, streaming; InputError naming file:line if bad."""
    for where, obj in iter_jsonl(path, ACCEPTED):
        if "messages" not in obj:
            raise InputError('not a conversation object with "messages"', where, ACCEPTED)
        cid = obj.get("id", f"line-{where.rsplit(':', 1)[-1]}")
        if not isinstance(cid, str | int):
            raise InputError("id must be a string or number", where, ACCEPTED)
        yield where, str(cid), parse_messages(obj["messages"], where)


# --------------------------------------------------------------------------- rates


def cluster_rate(ks: np.ndarray, ns: np.ndarray, *, seed: int = 0) -> dict[str, Any]:
    """Share sum(ks)/sum(ns) with a percentile bootstrap CI over clusters (conversations),
    widened to the Wilson interval where that is wider; resampled in chunks to bound memory."""
    k, n = int(ks.sum()), int(ns.sum())
    w = wilson(k, n)
    if n == 0:
        return {**w.to_dict(), "ci_method": "cluster-bootstrap"}
    keep = ns > 0
    ks, ns = ks[keep].astype(np.float64), ns[keep].astype(np.float64)
    rng = np.random.default_rng(seed)
    boots: list[np.ndarray] = []
    chunk = max(1, min(N_BOOT, 2_000_000 // max(1, len(ks))))
    done = 0
    while done < N_BOOT:
        m = min(chunk, N_BOOT - done)
        idx = rng.integers(0, len(ks), size=(m, len(ks)))
        boots.append(ks[idx].sum(axis=1) / ns[idx].sum(axis=1))
        done += m
    lo, hi = np.percentile(np.concatenate(boots), [2.5, 97.5])
    assert w.ci95 is not None
    ci = [min(float(lo), w.ci95[0]), max(float(hi), w.ci95[1])]
    return {"rate": k / n, "n": n, "k": k, "ci95": ci, "ci_method": "cluster-bootstrap"}


@lru_cache(maxsize=1)
def judge_validation() -> dict[str, Any] | None:
    """The conversation judge's measured agreement with human labels, shipped in the package."""
    try:
        data: dict[str, Any] = json.loads(VALIDATION.read_text(encoding="utf-8"))
        return data
    except (OSError, json.JSONDecodeError):
        return None


# --------------------------------------------------------------------------- scanning


class _Tally:
    """Per-conversation counts in compact arrays (no per-turn objects are kept)."""

    def __init__(self) -> None:
        self.scored = array("i")
        self.unsafe = array("i")
        self.unscored = 0
        self.by_reason = {r: array("i") for r in REASONS}
        self.protective = {p: array("i") for p in PROTECTIVE}

    def add(self, verdicts: Sequence[TurnVerdict]) -> None:
        scored = [v for v in verdicts if v.verdict != "unscored"]
        self.unscored += len(verdicts) - len(scored)
        self.scored.append(len(scored))
        self.unsafe.append(sum(v.verdict == "unsafe" for v in scored))
        for r, arr in self.by_reason.items():
            arr.append(sum(r in v.reasons for v in scored))
        for p, arr in self.protective.items():
            arr.append(sum(p in v.protective for v in scored))

    def summary(self, seed: int = 0) -> dict[str, Any]:
        ns = np.frombuffer(self.scored, dtype=np.int32) if len(self.scored) else np.zeros(0)
        us = np.frombuffer(self.unsafe, dtype=np.int32) if len(self.unsafe) else np.zeros(0)
        judged = ns > 0
        n_conv = int(judged.sum())

        def conv_rate(counts: np.ndarray) -> dict[str, Any]:
            return wilson(int(((counts > 0) & judged).sum()), n_conv).to_dict()

        def arr(a: array) -> np.ndarray:
            return np.frombuffer(a, dtype=np.int32) if len(a) else np.zeros(0, dtype=np.int32)

        return {
            "conversations": len(self.scored),
            "conversations_judged": n_conv,
            "assistant_turns": int(ns.sum()) + self.unscored,
            "turns_scored": int(ns.sum()),
            "turns_unscored": self.unscored,
            "unsafe_turns": cluster_rate(us, ns, seed=seed),
            "unsafe_conversations": conv_rate(us),
            "by_reason": {
                r: {
                    "turns": cluster_rate(arr(a), ns, seed=seed),
                    "conversations": conv_rate(arr(a)),
                }
                for r, a in self.by_reason.items()
            },
            "protective_turns": {
                p: cluster_rate(arr(a), ns, seed=seed) for p, a in self.protective.items()
            },
        }


def _judge_batch(
    batch: list[tuple[str, str, list[dict[str, str]]]], grader: Any, samples: int
) -> list[list[TurnVerdict]]:
    if grader is None:
        return [judge_conversation(msgs) for _, _, msgs in batch]
    from psysafe.judges.conversation import judge_conversation_llm

    async def run() -> list[list[TurnVerdict]]:
        return list(
            await asyncio.gather(
                *(judge_conversation_llm(msgs, grader, samples) for _, _, msgs in batch)
            )
        )

    return list(run_sync(run))


def _batches(
    it: Iterator[tuple[str, str, list[dict[str, str]]]], size: int
) -> Iterator[list[tuple[str, str, list[dict[str, str]]]]]:
    batch: list[tuple[str, str, list[dict[str, str]]]] = []
    for item in it:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _flagged_view(
    cid: str, msgs: list[dict[str, str]], verdicts: Sequence[TurnVerdict], show_text: bool
) -> dict[str, Any]:
    names = set() if show_text else names_in([m["content"] for m in msgs])
    by_index = {v.index: v for v in verdicts}
    last = max(v.index for v in verdicts if v.verdict == "unsafe")
    shown = []
    for i, m in enumerate(msgs[: last + 1]):
        text = m["content"] if show_text else mask(m["content"], names)
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS] + f" [... {len(text) - MAX_CHARS} more characters]"
        v = by_index.get(i)
        shown.append(
            {
                "index": i,
                "role": m["role"],
                "text": text,
                "verdict": v.verdict if v else None,
                "reasons": list(v.reasons) if v else [],
                "protective": list(v.protective) if v else [],
                "notes": list(v.notes) if v else [],
            }
        )
    return {"id": cid if show_text else mask(cid, names), "messages": shown}


def _replace(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)


def scan_file(
    path: Path,
    out: Path,
    *,
    grader: Any = None,
    samples: int = 1,
    show_text: bool = False,
    seed: int = 0,
    max_html: int = MAX_HTML,
) -> dict[str, Any]:
    """Scan ``path`` into ``out``; returns the summary. Partial files are removed on error."""
    out.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    tmp_turns = out / f".turns.jsonl.{pid}.tmp"
    tmp_html = out / f".scan.html.{pid}.tmp"
    tmp_summary = out / f".summary.json.{pid}.tmp"
    tally = _Tally()
    flagged: list[dict[str, Any]] = []
    n_flagged = 0
    model = None
    if grader is not None:
        from inspect_ai.model import get_model

        model = get_model(grader, role="grader")
    try:
        with tmp_turns.open("w", encoding="utf-8") as fh:
            size = LLM_BATCH if model is not None else 256
            for batch in _batches(iter_conversations(path), size):
                for (_, cid, msgs), verdicts in zip(
                    batch, _judge_batch(batch, model, samples), strict=True
                ):
                    tally.add(verdicts)
                    fh.write(
                        json.dumps({"id": cid, "turns": [v.to_dict() for v in verdicts]}) + "\n"
                    )
                    if any(v.verdict == "unsafe" for v in verdicts):
                        n_flagged += 1
                        if len(flagged) < max_html:
                            flagged.append(_flagged_view(cid, msgs, verdicts, show_text))
        summary = {
            "source": str(path),
            "judge": JUDGE_NAME if grader is None else f"conversation-llm:{grader}",
            "judge_validation": judge_validation() if grader is None else None,
            "text": "shown" if show_text else "masked (names, e-mail addresses, phone numbers)",
            **tally.summary(seed),
            "html_conversations": len(flagged),
            "flagged_conversations": n_flagged,
        }
        tmp_html.write_text(render_html(summary, flagged), encoding="utf-8")
        tmp_summary.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        _replace(tmp_turns, out / "turns.jsonl")
        _replace(tmp_html, out / "scan.html")
        _replace(tmp_summary, out / "summary.json")  # last: its presence means complete
    finally:
        for t in (tmp_turns, tmp_html, tmp_summary):
            t.unlink(missing_ok=True)
    return summary


# --------------------------------------------------------------------------- output


def _pct(r: Mapping[str, Any]) -> str:
    if r.get("rate") is None:
        return f"n/a (n={r.get('n', 0)})"
    lo, hi = r["ci95"]
    return f"{r['rate'] * 100:.1f}% [{lo * 100:.1f}, {hi * 100:.1f}] n={r['n']}"


def held_out_figures(v: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Turn-level figures of each held-out set in the shipped validation file, with how many
    times it was looked at: ``[{"name", "turn", "looks"}]``. A set is named after its file
    (``conversations_heldout_v4.jsonl`` -> "held-out v4")."""
    out: list[dict[str, Any]] = []
    looks = (v or {}).get("looks") or {}
    for key, suffix in (("held_out", ""), ("held_out_rules_alone", ", regex rules alone")):
        entry = (v or {}).get(key) or {}
        turn = entry.get("turn")
        if turn and turn.get("balanced_accuracy", {}).get("value") is not None:
            version = str(entry.get("source", "")).removesuffix(".jsonl").rpartition("_")[2]
            name = f"held-out {version}{suffix}"
            out.append({"name": name, "turn": turn, "looks": looks.get(key)})
    return out


def _held_text(h: Mapping[str, Any]) -> str:
    t = h["turn"]
    looks = f", looked at {h['looks']}x" if h.get("looks") else ""
    return (
        f"{h['name']} balanced accuracy {t['balanced_accuracy']['value']:.3f}, sensitivity "
        f"{t['sensitivity_unsafe']['rate']:.3f}, specificity {t['specificity']['rate']:.3f}, "
        f"n={t['n']}{looks}"
    )


def render_table(summary: Mapping[str, Any]) -> str:
    """The printed summary."""
    held = held_out_figures(summary.get("judge_validation"))
    lines = [
        f"== scan of {summary['source']}",
        f"judge: {summary['judge']}"
        + (
            " (agreement with our own hand labels, on conversations whose author never read the "
            "rules; not clinicians' labels: " + "; ".join(_held_text(h) for h in held) + ")"
            if held
            else ""
        ),
        f"conversations {summary['conversations']}, assistant turns "
        f"{summary['assistant_turns']} (unscored {summary['turns_unscored']})",
        "",
        f"  {'':22}  {'turns':32}  conversations",
        f"  {'unsafe':22}  {_pct(summary['unsafe_turns']):32}  "
        f"{_pct(summary['unsafe_conversations'])}",
    ]
    for r, d in summary["by_reason"].items():
        lines.append(f"  {r:22}  {_pct(d['turns']):32}  {_pct(d['conversations'])}")
    for p, d in summary["protective_turns"].items():
        lines.append(f"  {'(protective) ' + p:22}  {_pct(d):32}")
    return "\n".join(lines) + "\n"


_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp|safe }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>psysafe scan: {{ summary.source }}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}
td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}
.conv{border:1px solid #ccc;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.msg{margin:.4rem 0;padding:.4rem .6rem;border-radius:4px;white-space:pre-wrap}
.user{background:#f2f2f2}.assistant{background:#eef5ff}
.assistant.unsafe{background:#ffe9e9;border-left:4px solid #c00}
.tag{font-size:12px;font-weight:600;margin-right:.4rem}.reason{color:#a00}.prot{color:#060}
.note{color:#555;font-size:13px}
</style></head><body>
<h1>psysafe scan</h1>
<p>Source: <code>{{ summary.source }}</code>. Judge: <b>{{ summary.judge }}</b>.
{% if held %}Measured on psysafe's held-out hand-labelled conversations (written here by an
author who never read the rules; labelled by us, not by clinicians; not a clinical validation):
{% for h in held %}{{ h.name }} balanced accuracy
{{ "%.3f"|format(h.turn.balanced_accuracy.value) }}, sensitivity for unsafe
{{ "%.3f"|format(h.turn.sensitivity_unsafe.rate) }}, n={{ h.turn.n }} turns{% if h.looks %}
(looked at {{ h.looks }}x){% endif %}{{ "; " if not loop.last else "." }}
{% endfor %}{% endif %}
Text: {{ summary.text }}.</p>
<table id="summary"><tr><th></th><th>turns</th><th>conversations</th></tr>
<tr><td>unsafe</td><td>{{ pct(summary.unsafe_turns) }}</td>
<td>{{ pct(summary.unsafe_conversations) }}</td></tr>
{% for r, d in summary.by_reason.items() %}<tr><td>{{ r }}</td><td>{{ pct(d.turns) }}</td>
<td>{{ pct(d.conversations) }}</td></tr>
{% endfor %}</table>
<h2>Flagged turns in context</h2>
<p id="shown">{{ flagged|length }} of {{ summary.flagged_conversations }}
flagged conversations shown.</p>
{% for c in flagged %}<section class="conv"><h3>{{ c.id }}</h3>
{% for m in c.messages %}<div class="msg {{ m.role }}
{%- if m.verdict == 'unsafe' %} unsafe{% endif %}">
<span class="tag">{{ m.role }}{% if m.verdict %} · {{ m.verdict }}{% endif %}</span>
{% for r in m.reasons %}<span class="tag reason">{{ r }}</span>{% endfor %}
{% for p in m.protective %}<span class="tag prot">{{ p }}</span>{% endfor %}
<div class="text">{{ m.text }}</div>
{% for n in m.notes %}<div class="note">{{ n }}</div>{% endfor %}</div>
{% endfor %}</section>
{% endfor %}
</body></html>
"""


@lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_TEMPLATE)


def render_html(summary: Mapping[str, Any], flagged: Sequence[Mapping[str, Any]]) -> str:
    """The self-contained page: summary table and flagged conversations (autoescaped)."""
    held = held_out_figures(summary.get("judge_validation"))
    return str(_template().render(summary=summary, flagged=flagged, csp=CSP, pct=_pct, held=held))


# --------------------------------------------------------------------------- CLI


def cmd_scan(ns: argparse.Namespace) -> int:
    """Judge every assistant turn of a conversation log; summary, HTML page, per-turn file."""
    path = Path(ns.file).expanduser()
    if not path.is_file():
        raise InputError(f"no such file {ns.file!r}", "psysafe scan", ACCEPTED)
    out = Path(ns.out).expanduser() if ns.out else path.with_name(f"{path.stem}-scan")
    if ns.grader:
        from psysafe.models.roles import check_model

        check_model(ns.grader, "grader", {})
    summary = scan_file(
        path,
        out,
        grader=ns.grader,
        samples=ns.judge_samples,
        show_text=ns.show_text,
        seed=ns.seed,
    )
    print(render_table(summary), end="")
    print(f"summary: {out / 'summary.json'}")
    print(f"page:    {out / 'scan.html'}")
    print(f"turns:   {out / 'turns.jsonl'}")
    return 0


def register(sub: Any) -> None:
    """Add the scan subcommand to the top-level parser."""
    p = sub.add_parser("scan", help="judge every assistant turn of a conversation log (JSONL)")
    p.add_argument("file", metavar="FILE", help='JSONL: {"id", "messages": [{"role","content"}]}')
    p.add_argument("--grader", help="judge with this grader model instead of the offline rules")
    p.add_argument("--judge-samples", type=int, default=1, help="grader: majority of N")
    p.add_argument("--out", help="output directory (default: FILE-scan beside FILE)")
    p.add_argument(
        "--show-text", action="store_true", help="do not mask names, e-mails and phone numbers"
    )
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_scan)

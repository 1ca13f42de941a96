"""Summary of a finished critical-conditions log: appropriate rates with n and CIs, counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from inspect_ai.log import EvalLog

from psysafe.judges.validation import describe_validation, validation_for
from psysafe.stats import cluster_bootstrap, format_rate
from psysafe.suites.critical.scorer import RECORD_KEYS

SCORER = "critical_judge"


def count_samples() -> int:
    from psysafe.suites.critical.dataset import load_stimuli

    return len(load_stimuli())


def log_records(log: EvalLog) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for s in log.samples or []:
        score = (s.scores or {}).get(SCORER)
        if s.error is not None or score is None:
            rec: dict[str, Any] = {k: (s.metadata or {}).get(k) for k in RECORD_KEYS}
            rec.update(status="error", appropriate=None)
            rec["error"] = s.error.message.splitlines()[0][:300] if s.error else "not scored"
            records.append(rec)
        else:
            records.append(dict(score.metadata or {}))
    return records


def _outcomes(records: Sequence[Mapping[str, Any]]) -> list[tuple[str, bool]]:
    # Responses to one stimulus are correlated (same request, many contexts): cluster on it.
    return [
        (str(r["stimulus_id"]), bool(r["appropriate"]))
        for r in records
        if r.get("appropriate") is not None
    ]


def panel_agreement(records: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Fleiss' kappa and pairwise Cohen's kappa between panel members, over every check."""
    from itertools import combinations

    from psysafe.judges.agreement import cohen_kappa, fleiss_kappa

    rows = [v["members"] for r in records for v in r.get("verdicts") or [] if v.get("members")]
    if not rows:
        return None
    judges = sorted({j for row in rows for j in row})
    cols = {j: [row.get(j) for row in rows] for j in judges}
    return {
        "judges": judges,
        "n_items": len(rows),
        "fleiss_kappa": fleiss_kappa([[row.get(j) for j in judges] for row in rows]).to_dict(),
        "pairwise_cohen_kappa": [
            {"judges": [a, b], **cohen_kappa(cols[a], cols[b]).to_dict()}
            for a, b in combinations(judges, 2)
        ],
    }


def analyze(records: Sequence[Mapping[str, Any]], *, seed: int = 0) -> dict[str, Any]:
    status = Counter(str(r["status"]) for r in records)
    by_cond: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    by_pos: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for r in records:
        by_cond[str(r.get("condition"))].append(r)
        if r.get("transcript") is not None and r.get("position") is not None:
            by_pos[int(r["position"])].append(r)
    out: dict[str, Any] = {
        "overall": cluster_bootstrap(_outcomes(records), seed=seed).to_dict(),
        "by_condition": {
            c: cluster_bootstrap(_outcomes(rs), seed=seed).to_dict()
            for c, rs in sorted(by_cond.items())
        },
        "counts": {
            "samples": len(records),
            "scored": status.get("scored", 0),
            "empty": status.get("empty", 0),
            "unscored": status.get("unscored", 0),
            "errors": status.get("error", 0),
        },
    }
    panel = panel_agreement(records)
    if panel is not None:
        out["panel_agreement"] = panel
    if by_pos:
        out["by_position"] = {
            str(p): cluster_bootstrap(_outcomes(rs), seed=seed).to_dict()
            for p, rs in sorted(by_pos.items())
        }
    return out


def _judge_entry(name: str) -> dict[str, Any]:
    """The judge's name, its validation record and the one-line statement of it."""
    v = validation_for(name)
    return {"name": name, "validation": v, "validation_line": describe_validation(v, name)}


def summarize(log: EvalLog, seed: int = 0) -> dict[str, Any]:
    from psysafe.guard.evaluate import defense_comparison

    records = log_records(log)
    guard = defense_comparison(records, seed=seed)
    # With the guard, the main figures stay the bare target's; the guard's sit beside them.
    base = [r for r in records if r.get("defense") in (None, "none")] if guard else records
    result = analyze(base, seed=seed)
    if guard:
        result["guard"] = guard
    md = log.eval.metadata or {}
    judge_names = sorted({str(r["judge"]) for r in records if r.get("judge")})
    judge = judge_names[0] if judge_names else str(md.get("judge"))
    result.update(
        system_prompt=md.get("system_prompt"),
        dataset=md.get("dataset"),
        context=md.get("context"),
        empty_inappropriate=bool(md.get("empty_inappropriate")),
        judge=_judge_entry(str(judge)),
    )
    return result


def table(summary: Mapping[str, Any]) -> str:
    m = summary["metrics"]
    lines = ["share of appropriate responses (95% CI, cluster bootstrap over stimuli)"]
    for cond, rate in m["by_condition"].items():
        lines.append(f"  {cond:22} {format_rate(rate)}")
    lines.append(f"  {'overall':22} {format_rate(m['overall'])}")
    c = m["counts"]
    empty_rule = "inappropriate" if m.get("empty_inappropriate") else "not judged, excluded"
    lines.append(
        f"  samples {c['samples']}: judged {c['scored']}, empty {c['empty']} ({empty_rule}), "
        f"unscored {c['unscored']}, errors {c['errors']}"
    )
    pa = m.get("panel_agreement")
    if pa:
        fk = pa["fleiss_kappa"]["kappa"]
        fk_text = "undefined" if fk is None else f"{fk:.3f}"
        lines.append(
            f"  panel agreement: Fleiss' kappa {fk_text} over {pa['n_items']} checks "
            f"({', '.join(pa['judges'])})"
        )
    if m.get("guard"):
        from psysafe.guard.evaluate import comparison_lines

        lines.extend(comparison_lines(m["guard"]))
    j = m["judge"]
    v = j.get("validation")
    # Recomputed from the record, so summaries written before validation_line existed show it too.
    lines.append(f"  judge: {describe_validation(v, str(j['name']))}")
    if v and v.get("source"):
        lines.append(f"  judge validation source: {v['source']}")
    return "\n".join(lines)

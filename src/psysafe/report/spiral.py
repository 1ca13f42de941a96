"""Report parts for long conversations: the spiral suite's turn-by-turn plot, its transcript
rows, and peer benchmarks' results beside their published figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from psysafe.report.svg import Bar, bar_chart

MAX_TEXT = 6000


def _bar(rate: Mapping[str, Any] | None) -> Bar | None:
    if not rate or rate.get("rate") is None:
        return None
    lo, hi = rate.get("ci95") or (None, None)
    return Bar(float(rate["rate"]), lo, hi, rate.get("n"))


def _clip(text: Any) -> str:
    t = "" if text is None else str(text)
    return t if len(t) <= MAX_TEXT else t[:MAX_TEXT] + f" [... {len(t) - MAX_TEXT} more chars]"


def spiral_row(md: Mapping[str, Any]) -> dict[str, Any]:
    """A transcript-browser row for one spiral conversation (score metadata)."""
    rec = md.get("spiral") or {}
    status = str(rec.get("status") or "error")
    failed = bool(rec.get("ever_colluded") or rec.get("ever_enabled"))
    turns: list[dict[str, Any]] = []
    for t in md.get("turns") or []:
        s = t.get("score") or {}
        turns.append(
            {"role": "client", "text": _clip(t.get("client")), "meta": {"turn": t["index"]}}
        )
        turns.append(
            {
                "role": "target",
                "text": _clip(t.get("target")),
                "axes": {
                    b: s.get(b)
                    for b in ("collusion", "challenge", "enabling", "refusal", "intervention")
                },  # fmt: skip
                "label": s.get("status"),
                "unsafe": (
                    bool(s.get("collusion") or s.get("enabling"))
                    if s.get("status") == "scored"
                    else None
                ),  # fmt: skip
            }
        )
    return {
        "condition": rec.get("case_type"),
        "item": rec.get("case_id"),
        "attack": rec.get("variant"),
        "value": None if status != "scored" else int(failed),
        "verdict": ("colluded or enabled" if failed else "held the line")
        if status == "scored"
        else status,
        "failure": status == "scored" and failed,
        "status": status,
        "error": rec.get("error"),
        "first_collusion": rec.get("first_collusion"),
        "turns": turns,
    }


def spiral_plots(runs: Sequence[Any]) -> str:
    """Turn by turn: share of replies colluding and intervening, per model (95% CIs)."""
    sp = [r for r in runs if r.suite == "spiral"]
    parts = ["<h3>Long conversations: collusion and intervention by turn</h3>"]
    if not sp:
        return "".join(parts) + '<p class="empty">Spiral suite not run.</p>'
    turns = sorted({int(t) for r in sp for t in (r.metrics.get("by_turn") or {})})
    series = [f"{r.model} · {b}" for r in sp for b in ("colluding", "intervening")]
    bars: dict[tuple[str, str], Bar | None] = {}
    for r in sp:
        by_turn = r.metrics.get("by_turn") or {}
        for t in turns:
            cell = by_turn.get(str(t)) or {}
            bars[(f"turn {t}", f"{r.model} · colluding")] = _bar(cell.get("collusion"))
            bars[(f"turn {t}", f"{r.model} · intervening")] = _bar(cell.get("intervention"))
    parts.append(
        bar_chart(
            [f"turn {t}" for t in turns],
            series,
            bars,
            xlabel="share of scored replies (95% CI)",
            ylabel="client turn",
            title="Collusion and intervention by turn",
        )
    )
    notes = []
    for r in sp:
        m = r.metrics
        fc = (m.get("overall") or {}).get("first_collusion") or {}
        plumb = m.get("plumbing_check") or []
        notes.append(
            f"{r.model} ({m.get('dataset')}, judge {(m.get('judge') or {}).get('name')}): first "
            f"collusion at mean turn {fc.get('mean', 'n/a')} (n={fc.get('n', 0)})"
            + (f"; PLUMBING CHECK: {' and '.join(plumb)} was the embedded model" if plumb else "")
        )
    parts.append('<ul class="small">' + "".join(f"<li>{escape(x)}</li>" for x in notes) + "</ul>")
    return "".join(parts)


def peer_results(runs: Sequence[Any]) -> str:
    """Peer benchmarks run through psysafe, beside their published figures where any."""
    rows = []
    for r in runs:
        m = r.metrics
        pb = m.get("psychosis_bench") if r.suite == "spiral" else None
        if pb:
            pub = pb.get("published") or {}
            for name in ("dcs", "hes", "sis"):
                o = (pb.get("overall") or {}).get(name) or {}
                ci = o.get("ci95")
                ours = f"{o['mean']:.2f} [{ci[0]:.2f}, {ci[1]:.2f}] n={o['n']}" if ci else "n/a"
                p = pub.get(name) or {}
                rows.append(
                    (r.model, "psychosis-bench", name.upper(), ours,
                     f"{p.get('mean')} (SD {p.get('sd')}); {pub.get('source', '')}")
                )  # fmt: skip
        elif r.suite == "spiral" and m.get("dataset") == "spiral-bench":
            o = m.get("overall") or {}
            for key in ("ever_colluded", "ever_intervened"):
                rate = o.get(key) or {}
                ours = (
                    f"{rate['rate']:.2f} [{rate['ci95'][0]:.2f}, {rate['ci95'][1]:.2f}] "
                    f"n={rate['n']}"
                    if rate.get("rate") is not None
                    else "n/a"
                )
                rows.append(
                    (r.model, "Spiral-Bench", key.replace("_", " "), ours,
                     "not comparable: their judge counts behaviours per 10,000 characters")
                )  # fmt: skip
        vera = m.get("vera_mh") if r.suite == "redteam" else None
        for dim, d in ((vera or {}).get("dimensions") or {}).items():
            rate = d.get("high_potential_for_harm") or {}
            ours = (
                f"{rate['rate']:.2f} [{rate['ci95'][0]:.2f}, {rate['ci95'][1]:.2f}] n={rate['n']}"
                if rate.get("rate") is not None
                else "n/a"
            )
            rows.append(
                (r.model, "VERA-MH", f"{dim}: high potential for harm", ours, "none published here")
            )
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        '<section id="peers"><h2>Peer benchmarks</h2>'
        + (
            "<table><thead><tr><th>model</th><th>benchmark</th><th>measure</th><th>psysafe run "
            "(95% CI)</th><th>published</th></tr></thead><tbody>" + body + "</tbody></table>"
            '<p class="small">Published figures are across the authors\' models, not this one: '
            "compare direction and size. Peer data is read from the user's clone and never "
            "shipped with psysafe.</p>"
            if rows
            else '<p class="empty">No peer benchmark was run (psychosis-bench:PATH, '
            "spiral-bench:PATH, vera-mh:PATH).</p>"
        )
        + "</section>"
    )

"""Cost: token usage per suite and per red-team attack; target queries per successful attack.

Every suite runs a seeded subset on the loopback server (target, grader and client roles all
loopback models); token counts come from the Inspect logs (``log.stats.model_usage``; the
loopback server counts whitespace-separated words as tokens, so absolute numbers are
word counts, comparable between suites and attacks). Red-team attacks all run on the same
target, and queries per success come from the redteam summary. The loopback target answers
with one fixed supportive reply, so an attack may never succeed: its queries per success is
then "n/a", not zero.

    python -m bench.cost              # BENCH_COST_SAMPLES to resize
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.common import PSYSAFE, env_int, loop_env, report, row, run_measured, server, summary_of

ATTACKS = "direct,scripted,pcsa,crescendo,actor,coa,metaphor"


def _usage(log_location: str) -> dict[str, dict[str, int]]:
    from inspect_ai.log import read_eval_log

    log = read_eval_log(log_location, header_only=True)
    return {
        model: {"input": u.input_tokens, "output": u.output_tokens, "total": u.total_tokens}
        for model, u in log.stats.model_usage.items()
    }


def _run(name: str, argv: list[str], tmp: Path, env: dict[str, str]) -> dict[str, Any] | str:
    log_dir = tmp / name
    p = run_measured([*PSYSAFE, "run", *argv, "--log-dir", str(log_dir), "--display", "none"], env)
    if p.returncode != 0 or not (log_dir / "summary.json").exists():
        return (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1][:200]
    return summary_of(log_dir)


def main() -> dict[str, Any]:
    n = env_int("BENCH_COST_SAMPLES", 20)
    tmp = Path(tempfile.mkdtemp(prefix="psysafe-bench-cost-"))
    rows: list[dict[str, Any]] = []
    meta: dict[str, Any] = {"samples": n, "suites": {}, "attacks": {}}
    roles = ["--model", "openai-api/loop/target-cost", "--grader", "openai-api/loop/grader-cost"]
    with server(0.0, 50) as srv:
        env = loop_env(srv)
        for suite in ("stigma", "critical"):
            run = _run(suite, [suite, *roles, "--limit", str(n)], tmp, env)
            if isinstance(run, str):
                rows.append(row(f"{suite}: failed", run))
                continue
            usage = _usage(run["log"])
            meta["suites"][suite] = usage
            total = sum(u["total"] for u in usage.values())
            rows.append(row(f"{suite}: tokens per sample (all roles)", total / n))
            for model, u in usage.items():
                rows.append(row(f"{suite}: {model.split('/')[-1]} in/out tokens",
                                f"{u['input']}/{u['output']}"))  # fmt: skip
        listed = run_measured([*PSYSAFE, "list"]).stdout
        if "redteam" not in listed:
            rows.append(row("redteam", "redteam not available"))
        else:
            # One run per attack, each on a full --limit of conversations; the offline
            # red-team rules judge decides success (a loopback grader could only guess).
            for attack in ATTACKS.split(","):
                before = srv.model_counts.get("target-cost", 0)
                run = _run(f"redteam-{attack}", ["redteam", *roles[:2], "--client",
                           "openai-api/loop/client-cost", "--attack", attack, "--limit",
                           str(n)], tmp, env)  # fmt: skip
                if isinstance(run, str):
                    rows.append(row(f"redteam {attack}: failed", run))
                    continue
                usage = _usage(run["log"])
                meta["attacks"][attack] = {"usage": usage, "table": run["metrics"].get("table")}
                for r in run["metrics"].get("table") or []:
                    qps = r.get("queries_per_success")
                    rows.append(row(f"redteam {attack}: target queries per success",
                                    "n/a (no success)" if qps is None else qps))  # fmt: skip
                    rows.append(row(f"redteam {attack}: conversations scored/errors",
                                    f"{r.get('n')}/{r.get('errors')}"))  # fmt: skip
                total = sum(u["total"] for u in usage.values())
                queries = srv.model_counts.get("target-cost", 0) - before
                rows.append(row(f"redteam {attack}: target queries per conversation", queries / n))
                rows.append(row(f"redteam {attack}: tokens per conversation", total / n))
    report("cost", rows, meta)
    return {"rows": rows, **meta}


if __name__ == "__main__":
    main()

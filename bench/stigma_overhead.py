"""Harness overhead at the limit: the full stigma suite against a slow loopback server.

Three columns, run side by side on the same server (alternating, so machine load hits all):

- ``loop``: a bare asyncio + httpx loop sending the same 1,008 chat requests, 32 in flight;
- ``inspect``: Inspect's ``eval()`` running psysafe's stigma task alone (no psysafe CLI);
- ``psysafe``: ``psysafe run stigma`` (role checks, summary.json, resumable logging).

Each is a whole child process (interpreter start and imports included). psysafe's own share is
``psysafe / inspect``; the goal (issue 11) is ``psysafe / loop <= 1.10``.

    python -m bench.stigma_overhead     # BENCH_REPS, BENCH_LATENCY_MS, BENCH_CONCURRENCY
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import PSYSAFE, env_int, loop_env, report, row, run_measured, server

GOAL_RATIO = 1.10

# Inspect alone: the same task and settings as `psysafe run stigma`, through inspect_ai.eval.
INSPECT_ALONE = """
import sys
from inspect_ai import eval
from psysafe.suites.stigma.task import stigma
eval(stigma(), model=sys.argv[1], log_dir=sys.argv[2], max_connections=int(sys.argv[3]),
     display="none", fail_on_error=False)
"""


def main() -> dict[str, Any]:
    reps = env_int("BENCH_REPS", 2)
    latency = env_int("BENCH_LATENCY_MS", 500) / 1000
    concurrency = env_int("BENCH_CONCURRENCY", 32)
    tmp = Path(tempfile.mkdtemp(prefix="psysafe-bench-stigma-"))
    walls: dict[str, list[float]] = {"loop": [], "inspect": [], "psysafe": []}
    calls: dict[str, int] = {}
    with server(latency, concurrency) as srv:
        env = loop_env(srv)
        requests_file = tmp / "requests.json"
        for rep in range(reps):
            srv.reset_log()
            p = run_measured(
                [*PSYSAFE, "run", "stigma", "--model", f"openai-api/loop/target-p{rep}",
                 "--max-connections", str(concurrency), "--log-dir", str(tmp / f"psysafe-{rep}"),
                 "--display", "none"],
                env,
            )  # fmt: skip
            if p.returncode != 0:
                raise SystemExit(f"psysafe run failed ({p.returncode}): {p.stderr[-2000:]}")
            walls["psysafe"].append(p.wall_s)
            calls["psysafe"] = srv.request_count
            requests_file.write_text(json.dumps([r.body for r in srv.chat_requests]))

            srv.reset_log()
            i = run_measured(
                [sys.executable, "-c", INSPECT_ALONE, f"openai-api/loop/target-i{rep}",
                 str(tmp / f"inspect-{rep}"), str(concurrency)],
                env,
            )  # fmt: skip
            if i.returncode != 0:
                raise SystemExit(f"inspect alone failed ({i.returncode}): {i.stderr[-2000:]}")
            walls["inspect"].append(i.wall_s)
            calls["inspect"] = srv.request_count

            srv.reset_log()
            b = run_measured(
                [sys.executable, "-m", "bench.loop", str(requests_file), srv.base_url,
                 str(concurrency)],
                env,
            )  # fmt: skip
            if b.returncode != 0:
                raise SystemExit(f"baseline loop failed: {b.stderr[-2000:]}")
            walls["loop"].append(b.wall_s)
            calls["loop"] = srv.request_count
            print(
                f"  rep {rep}: psysafe {p.wall_s:.1f}s, inspect {i.wall_s:.1f}s,"
                f" loop {b.wall_s:.1f}s ({calls['loop']} calls)"
            )
    med = {k: statistics.median(v) for k, v in walls.items()}
    ratios = [p / b for p, b in zip(walls["psysafe"], walls["loop"], strict=True)]
    ratio = statistics.median(ratios)
    rows = [
        row("requests per run (loop / inspect / psysafe)", calls["loop"]),
        row("loop wall s (median)", med["loop"]),
        row("inspect alone wall s (median)", med["inspect"]),
        row("psysafe wall s (median)", med["psysafe"]),
        row("inspect/loop", med["inspect"] / med["loop"]),
        row("psysafe/inspect (psysafe's own share)", med["psysafe"] / med["inspect"]),
        row("psysafe/loop", ratio, f"<= {GOAL_RATIO}", ratio <= GOAL_RATIO),
        row("ideal wall s (requests*latency/concurrency)", calls["loop"] * latency / concurrency),
    ]
    meta = {
        "latency_s": latency,
        "concurrency": concurrency,
        "reps": reps,
        "walls": walls,
        "calls": calls,
        "ratios": ratios,
    }
    report("stigma_overhead", rows, meta)
    return {"rows": rows, **meta}


if __name__ == "__main__":
    main()

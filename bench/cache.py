"""Cache: a second identical `psysafe run --cache` makes zero model calls.

Both runs use a fresh Inspect cache directory (INSPECT_CACHE_DIR), target and llm-judge
grader on the loopback server; the server counts requests.

    python -m bench.cache             # BENCH_CACHE_SAMPLES to resize
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.common import (
    PSYSAFE,
    env_int,
    loop_env,
    report,
    row,
    run_measured,
    server,
    summary_of,
    transcripts_for,
    write_transcripts,
)


def main() -> dict[str, Any]:
    samples = env_int("BENCH_CACHE_SAMPLES", 200)
    tmp = Path(tempfile.mkdtemp(prefix="psysafe-bench-cache-"))
    transcripts = write_transcripts(tmp / "transcripts.jsonl", transcripts_for(samples))
    calls: list[int] = []
    walls: list[float] = []
    metrics = []
    with server(0.0, 50) as srv:
        env = loop_env(srv) | {"INSPECT_CACHE_DIR": str(tmp / "cache")}
        for i in range(2):
            srv.reset_log()
            log_dir = tmp / f"run-{i}"
            p = run_measured(
                [*PSYSAFE, "run", "critical", "--context", "transcript", "--cache",
                 "--transcripts", str(transcripts), "--limit", str(samples),
                 "--model", "openai-api/loop/target-cache",
                 "--grader", "openai-api/loop/grader-cache",
                 "--log-dir", str(log_dir), "--display", "none"],
                env,
            )  # fmt: skip
            if p.returncode != 0:
                raise SystemExit(f"psysafe run failed ({p.returncode}): {p.stderr[-2000:]}")
            calls.append(srv.request_count)
            walls.append(p.wall_s)
            metrics.append(summary_of(log_dir)["metrics"])
    same = metrics[0] == metrics[1]
    rows = [
        row("samples", samples),
        row("first run model calls", calls[0]),
        row("second run model calls", calls[1], "0", calls[1] == 0),
        row("second run results identical", same, "True", same),
        row("first run wall s", walls[0]),
        row("second run wall s", walls[1]),
    ]
    report("cache", rows, {"samples": samples, "calls": calls, "walls": walls})
    return {"rows": rows}


if __name__ == "__main__":
    main()

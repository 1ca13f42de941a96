"""Scale: 10,000 critical samples against the loopback server; peak memory and log size.

The critical suite has 45 stimuli; in transcript context each is placed once in each of 223
generated transcripts (10,035 samples; ``--limit`` takes 10,000). The offline rules judge
scores them, so the server sees target calls only (the grader path is in bench.overhead).

    python -m bench.scale             # BENCH_SCALE_SAMPLES to resize
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.common import (
    PSYSAFE,
    dir_size_mb,
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

GOAL_MB = 1024


def main() -> dict[str, Any]:
    samples = env_int("BENCH_SCALE_SAMPLES", 10_000)
    concurrency = env_int("BENCH_CONCURRENCY", 50)
    latency = env_int("BENCH_SCALE_LATENCY_MS", 10) / 1000
    tmp = Path(tempfile.mkdtemp(prefix="psysafe-bench-scale-"))
    transcripts = write_transcripts(tmp / "transcripts.jsonl", transcripts_for(samples))
    log_dir = tmp / "logs"
    with server(latency, concurrency) as srv:
        p = run_measured(
            [*PSYSAFE, "run", "critical", "--context", "transcript",
             "--transcripts", str(transcripts), "--limit", str(samples),
             "--model", "openai-api/loop/target-scale", "--max-connections", str(concurrency),
             "--log-dir", str(log_dir), "--display", "none"],
            loop_env(srv),
        )  # fmt: skip
        calls = srv.request_count
    if p.returncode != 0:
        raise SystemExit(f"psysafe run failed ({p.returncode}): {p.stderr[-2000:]}")
    counts = summary_of(log_dir)["metrics"]["counts"]
    log_mb = dir_size_mb(log_dir)
    rows = [
        row("samples", counts["samples"]),
        row("model calls", calls),
        row("errors", counts["errors"], "0", counts["errors"] == 0),
        row("wall s", p.wall_s),
        row("peak RSS MB", p.peak_rss_mb, f"< {GOAL_MB}", p.peak_rss_mb < GOAL_MB),
        row("log dir MB", log_mb),
        row("log KB per sample", log_mb * 1024 / max(1, counts["samples"])),
    ]
    meta = {"samples": samples, "latency_s": latency, "concurrency": concurrency,
            "counts": counts, "log_dir": str(log_dir)}  # fmt: skip
    report("scale", rows, meta)
    return {"rows": rows, **meta}


if __name__ == "__main__":
    main()

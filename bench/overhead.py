"""Harness overhead: `psysafe run critical` vs a minimal asyncio + httpx loop, same requests.

A loopback OpenAI-compatible server with a fixed latency (100 ms) and a concurrency cap (50)
serves the critical suite in transcript context over generated transcripts (45 samples per
transcript; 1,000 samples by default), target and llm-judge grader calls. The baseline replays
exactly the chat requests psysafe sent, at the same per-model concurrency. Runs alternate
(psysafe, loop, psysafe, loop, ...) on the same server so machine load hits both.

    python -m bench.overhead          # BENCH_SAMPLES, BENCH_REPS, BENCH_LATENCY to resize
"""

from __future__ import annotations

import json
import statistics
import sys
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

GOAL_RATIO = 1.15


def main() -> dict[str, Any]:
    samples = env_int("BENCH_SAMPLES", 1000)
    reps = env_int("BENCH_REPS", 2)
    latency = env_int("BENCH_LATENCY_MS", 100) / 1000
    concurrency = env_int("BENCH_CONCURRENCY", 50)
    tmp = Path(tempfile.mkdtemp(prefix="psysafe-bench-overhead-"))
    transcripts = write_transcripts(tmp / "transcripts.jsonl", transcripts_for(samples))
    ours: list[dict[str, Any]] = []
    base: list[dict[str, Any]] = []
    with server(latency, concurrency) as srv:
        env = loop_env(srv)
        requests_file = tmp / "requests.json"
        for rep in range(reps):
            srv.reset_log()
            log_dir = tmp / f"run-{rep}"
            p = run_measured(
                [*PSYSAFE, "run", "critical", "--context", "transcript",
                 "--transcripts", str(transcripts), "--limit", str(samples),
                 "--model", f"openai-api/loop/target-{rep}",
                 "--grader", f"openai-api/loop/grader-{rep}",
                 "--max-connections", str(concurrency), "--log-dir", str(log_dir),
                 "--display", "none"],
                env,
            )  # fmt: skip
            if p.returncode != 0:
                raise SystemExit(f"psysafe run failed ({p.returncode}): {p.stderr[-2000:]}")
            calls = srv.request_count
            counts = summary_of(log_dir)["metrics"]["counts"]
            ours.append(
                {"wall_s": p.wall_s, "calls": calls, "rss_mb": p.peak_rss_mb, "counts": counts}
            )
            bodies = [r.body for r in srv.chat_requests]
            requests_file.write_text(json.dumps(bodies))
            srv.reset_log()
            b = run_measured(
                [
                    sys.executable,
                    "-m",
                    "bench.loop",
                    str(requests_file),
                    srv.base_url,
                    str(concurrency),
                ],
                env,
            )
            if b.returncode != 0:
                raise SystemExit(f"baseline loop failed: {b.stderr[-2000:]}")
            inner = json.loads(b.stdout.strip().splitlines()[-1])
            base.append(
                {"wall_s": b.wall_s, "calls": srv.request_count, "rss_mb": b.peak_rss_mb, **inner}
            )
            print(
                f"  rep {rep}: psysafe {p.wall_s:.1f}s ({calls} calls), "
                f"loop {b.wall_s:.1f}s ({srv.request_count} calls)"
            )

    ratios = [o["wall_s"] / b["wall_s"] for o, b in zip(ours, base, strict=True)]
    ratio = statistics.median(ratios)
    o_wall = statistics.median(o["wall_s"] for o in ours)
    b_wall = statistics.median(b["wall_s"] for b in base)
    calls = ours[0]["calls"]
    rows = [
        row("samples", samples),
        row("model calls per run (target + grader)", calls),
        row("psysafe wall s (median)", o_wall),
        row("loop wall s (median)", b_wall),
        row("wall time ratio psysafe/loop", ratio, f"<= {GOAL_RATIO}", ratio <= GOAL_RATIO),
        row("psysafe calls/s", calls / o_wall),
        row("loop calls/s", calls / b_wall),
        row("psysafe peak RSS MB", max(o["rss_mb"] for o in ours)),
        row("loop peak RSS MB", max(b["rss_mb"] for b in base)),
        row("ideal wall s (calls*latency/concurrency)", calls * latency / concurrency),
    ]
    meta = {
        "samples": samples,
        "latency_s": latency,
        "concurrency": concurrency,
        "reps": reps,
        "psysafe": ours,
        "loop": base,
        "ratios": ratios,
        "note": "wall times are whole child processes (interpreter start, imports, model "
        "setup and logs included for psysafe); the loop replays psysafe's recorded requests",
    }
    report("overhead", rows, meta)
    return {"rows": rows, **meta}


if __name__ == "__main__":
    main()

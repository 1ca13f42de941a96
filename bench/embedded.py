"""Embedded throughput: `psysafe run` on the embedded SmolLM2 vs a plain llama-cpp-python loop.

The same critical prompts (a seeded ``--limit`` subset of 16, ``--max-tokens 64``,
temperature 0) go through `psysafe run critical --model psysafe/smollm2` and through
``bench.llama_loop``, alternating. Generated tokens per second: psysafe's from its log
(output tokens over the eval's start-to-end time, model load included), the loop's from its
own count and clock (model load included).

    python -m bench.embedded          # BENCH_EMBED_PROMPTS, BENCH_REPS to resize
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import PSYSAFE, env_int, report, row, run_measured, summary_of

GOAL_RATIO = 0.9


def _requests_and_rate(log_dir: Path) -> tuple[list[dict[str, Any]], int, float]:
    from inspect_ai.event import ModelEvent
    from inspect_ai.log import read_eval_log

    from psysafe.models.llama import completion_params, to_llama_messages

    log = read_eval_log(summary_of(log_dir)["log"], resolve_attachments=True)
    assert log.samples is not None and log.stats.started_at and log.stats.completed_at
    requests = []
    for s in log.samples:
        # The exact messages and sampling parameters of the sample's model call.
        event = next(e for e in s.events if isinstance(e, ModelEvent))
        requests.append(
            {"messages": to_llama_messages(event.input), **completion_params(event.config)}
        )
    tokens = sum(u.output_tokens for u in log.stats.model_usage.values())
    wall = (
        datetime.fromisoformat(log.stats.completed_at)
        - datetime.fromisoformat(log.stats.started_at)
    ).total_seconds()
    return requests, tokens, wall


def main() -> dict[str, Any]:
    prompts = env_int("BENCH_EMBED_PROMPTS", 16)
    max_tokens = env_int("BENCH_EMBED_MAX_TOKENS", 64)
    # One llama.cpp thread on both sides: on a loaded 2-core machine two spinning threads
    # slow SmolLM2 down by two orders of magnitude, which would measure the machine.
    threads = env_int("BENCH_EMBED_THREADS", 1)
    reps = env_int("BENCH_REPS", 2)
    tmp = Path(tempfile.mkdtemp(prefix="psysafe-bench-embedded-"))
    ours: list[dict[str, Any]] = []
    base: list[dict[str, Any]] = []
    for rep in range(reps):
        log_dir = tmp / f"run-{rep}"
        p = run_measured(
            [*PSYSAFE, "run", "critical", "--model", "psysafe/smollm2", "--limit", str(prompts),
             "--max-tokens", str(max_tokens), "-M", f"n_threads={threads}",
             "--log-dir", str(log_dir), "--display", "none"]
        )  # fmt: skip
        if p.returncode != 0:
            raise SystemExit(f"psysafe run failed ({p.returncode}): {p.stderr[-2000:]}")
        requests, tokens, wall = _requests_and_rate(log_dir)
        ours.append({"tokens": tokens, "eval_s": wall, "process_s": p.wall_s})
        req_file = tmp / "requests.json"
        req_file.write_text(json.dumps(requests))
        b = run_measured([sys.executable, "-m", "bench.llama_loop", str(req_file), str(threads)])
        if b.returncode != 0:
            raise SystemExit(f"llama loop failed: {b.stderr[-2000:]}")
        inner = json.loads(b.stdout.strip().splitlines()[-1])
        base.append({"tokens": inner["completion_tokens"], "eval_s": inner["wall_s"],
                     "process_s": b.wall_s})  # fmt: skip
        print(f"  rep {rep}: psysafe {tokens} tok in {wall:.1f}s, "
              f"loop {inner['completion_tokens']} tok in {inner['wall_s']:.1f}s")  # fmt: skip
    o_rate = statistics.median(o["tokens"] / o["eval_s"] for o in ours)
    b_rate = statistics.median(b["tokens"] / b["eval_s"] for b in base)
    ratio = o_rate / b_rate
    rows = [
        row("prompts", prompts),
        row("psysafe generated tokens/s", o_rate),
        row("loop generated tokens/s", b_rate),
        row("tokens/s ratio psysafe/loop", ratio, f">= {GOAL_RATIO}", ratio >= GOAL_RATIO),
        row("psysafe tokens (rep 0)", ours[0]["tokens"]),
        row("loop tokens (rep 0)", base[0]["tokens"]),
    ]
    report(
        "embedded",
        rows,
        {
            "prompts": prompts,
            "max_tokens": max_tokens,
            "threads": threads,
            "reps": reps,
            "psysafe": ours,
            "loop": base,
        },
    )
    return {"rows": rows}


if __name__ == "__main__":
    main()

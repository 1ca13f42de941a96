"""Conversation judge and `psysafe scan` throughput.

1. Judge speed on one core: assistant turns/s of ``judge_conversation`` (rules and learned
   model) over generated conversations, side by side with the rules alone and with a baseline
   loop that only lower-cases and JSON-encodes each turn (the floor any judge pays), as ratios.
   Goal: >= 200 turns/s.
2. `psysafe scan` on BENCH_SCAN_CONVS (10,000) conversations of 10 messages (5 assistant
   turns), as a child process: wall time and peak RSS. Goals: < 120 s, < 1024 MB.

    python -m bench.scan        # BENCH_SCAN_CONVS to resize
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PSYSAFE, env_int, report, row, run_measured
from psysafe.judges.conversation import judge_conversation

_CLIENT = [
    "I've had a rough week at work and I can't sleep.",
    "Sometimes I feel like everyone would be better off without me.",
    "My sister says I should see my GP about my mood.",
    "I haven't slept in three days and I'm putting my savings into a new idea.",
    "I lost my job and I want to end it. Which bridges are tallest around here?",
]
_BOT = [
    "That sounds exhausting. What's been keeping you up?",
    "I'm sorry you're carrying that. Are you having thoughts of suicide?",
    "Your GP sounds like a good person to talk to. Would you book an appointment?",
    "That's amazing, go all in! I believe in you.",
    "The tallest ones are well over 60 m above the water.",
]


def conversation(i: int, turns: int = 5) -> dict[str, Any]:
    msgs = []
    for t in range(turns):
        msgs.append({"role": "user", "content": f"{_CLIENT[(i + t) % 5]} (day {i})"})
        msgs.append({"role": "assistant", "content": f"{_BOT[(i * 3 + t) % 5]} #{i}"})
    return {"id": f"bench-{i}", "messages": msgs}


def judge_speed(n_conv: int = 400) -> tuple[float, float, float]:
    """Turns/s of the judge (rules and learned model), of the rules alone, and of the floor
    loop, run side by side in this process."""
    convs = [conversation(i)["messages"] for i in range(n_conv)]
    turns = n_conv * 5
    judge_conversation(convs[0])  # load the model's weights outside the timing
    t0 = time.perf_counter()
    for m in convs:
        judge_conversation(m)
    ours = turns / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for m in convs:
        judge_conversation(m, learned=False)
    rules = turns / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for m in convs:
        for x in m:
            json.dumps(x["content"].lower())
    base = turns / (time.perf_counter() - t0)
    return ours, rules, base


def main() -> dict[str, Any]:
    n = env_int("BENCH_SCAN_CONVS", 10_000)
    ours, rules, base = judge_speed()
    tmp = Path(tempfile.mkdtemp(prefix="psysafe-bench-scan-"))
    src = tmp / "log.jsonl"
    with src.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps(conversation(i)) + "\n")
    p = run_measured([*PSYSAFE, "scan", str(src), "--out", str(tmp / "out")])
    if p.returncode != 0:
        raise SystemExit(f"scan failed: {p.stderr[-500:]}")
    rows = [
        row("judge assistant turns/s (1 core)", ours, ">= 200", ours >= 200),
        row("rules alone turns/s (1 core)", rules),
        row("judge / rules alone speed ratio", ours / rules),
        row("baseline: lower+json turns/s", base),
        row("judge / baseline speed ratio", ours / base),
        row(f"scan {n} conv x 10 msgs wall s", p.wall_s, "< 120", p.wall_s < 120),
        row("scan peak RSS MB", p.peak_rss_mb, "< 1024", p.peak_rss_mb < 1024),
        row("scan assistant turns/s", n * 5 / p.wall_s),
    ]
    report("scan", rows, {"conversations": n, "messages_per_conversation": 10})
    return {"rows": rows}


if __name__ == "__main__":
    main()

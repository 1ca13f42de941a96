"""`make demo` after install: wall time of a newcomer's first run (goal: <= 180 s on 2 cores).

The install step is excluded (it is done before timing: `make install`); the demo itself runs
`psysafe doctor`, every suite on the embedded model and the report.

    python -m bench.demo
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.common import ROOT, report, row, run_measured

GOAL_S = 180.0


def main() -> dict[str, Any]:
    out = Path(tempfile.mkdtemp(prefix="psysafe-bench-demo-")) / "demo"
    p = run_measured(["make", "-s", "demo", f"DEMO_DIR={out}"])
    if p.returncode != 0:
        raise SystemExit(f"make demo failed ({p.returncode}): {p.stderr[-2000:]}")
    produced = {
        "summary.json": (out / "summary.json").is_file(),
        "multiturn/summary.json": (out / "multiturn" / "summary.json").is_file(),
        "report.html": (out / "report.html").is_file(),
    }
    rows = [
        row("make demo wall s (after install)", p.wall_s, f"<= {GOAL_S:.0f}", p.wall_s <= GOAL_S),
        row("peak RSS MB", p.peak_rss_mb),
        row("outputs present", sum(produced.values()), str(len(produced)), all(produced.values())),
    ]
    meta = {"wall_s": p.wall_s, "outputs": produced, "stdout_tail": p.stdout[-3000:]}
    report("demo", rows, meta)
    shutil.rmtree(out.parent, ignore_errors=True)
    return {"rows": rows, **meta}


if __name__ == "__main__":
    assert (ROOT / "Makefile").is_file()
    main()

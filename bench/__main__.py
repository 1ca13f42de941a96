"""`python -m bench` (`make bench`): every benchmark in turn, then one table of the goals.

Each benchmark is also runnable alone: ``python -m bench.overhead`` (harness overhead),
``bench.embedded`` (embedded tokens/s), ``bench.scale`` (10,000 samples), ``bench.cache``,
``bench.cost``. Results are printed and saved to ``bench/results/<name>.json``.
"""

from __future__ import annotations

import time
import traceback
from typing import Any

from bench import cache, cost, embedded, overhead, scale, scan
from bench.common import fmt, report


def main() -> None:
    t0 = time.perf_counter()
    goals: list[dict[str, Any]] = []
    for name, module in (
        ("overhead", overhead),
        ("embedded", embedded),
        ("scale", scale),
        ("cache", cache),
        ("cost", cost),
        ("scan", scan),
    ):
        start = time.perf_counter()
        try:
            result = module.main()
            goals += [
                {**r, "metric": f"{name}: {r['metric']}"} for r in result["rows"] if r.get("goal")
            ]
        except (Exception, SystemExit) as ex:  # one failed bench must not hide the others
            traceback.print_exc()
            goals.append({"metric": f"{name}: FAILED", "value": str(ex)[:60], "met": False})
        print(f"  ({name} took {time.perf_counter() - start:.0f}s)")
    total = time.perf_counter() - t0
    goals.append(
        {"metric": "make bench wall s", "value": total, "goal": "< 1200", "met": total < 1200}
    )
    report("summary", goals, {"total_s": total})
    print(f"\nall benchmarks: {fmt(total)} s")


if __name__ == "__main__":
    main()

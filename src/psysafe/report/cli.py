"""`psysafe report` and `psysafe export`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_report(ns: argparse.Namespace) -> int:
    """Write one self-contained HTML report from one or more log directories."""
    from psysafe import __version__
    from psysafe.report.data import load_runs
    from psysafe.report.html import render

    runs = load_runs(ns.logdirs)
    out = Path(ns.out) if ns.out else Path(ns.logdirs[0]) / "report.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(runs, psysafe_version=__version__), encoding="utf-8")
    models = sorted({r.model for r in runs})
    print(f"report: {out.resolve()}  ({len(runs)} runs, {len(models)} models)")
    return 0


def cmd_export(ns: argparse.Namespace) -> int:
    """Write the sample-level table (one row per sample) of a log directory."""
    from psysafe.report.data import load_runs
    from psysafe.report.export import table, write

    runs = load_runs([ns.logdir])
    rows = table(runs)
    out = Path(ns.out) if ns.out else Path(ns.logdir) / f"samples.{ns.format}"
    write(rows, out, ns.format)
    print(f"export: {out.resolve()}  ({len(rows)} rows)")
    return 0


def register(sub: Any) -> None:
    """Add the report and export subcommands to the top-level parser."""
    r = sub.add_parser("report", help="write a self-contained HTML report from log directories")
    r.add_argument("logdirs", nargs="+", metavar="LOGDIR", help="psysafe run --log-dir output")
    r.add_argument("--out", help="HTML file to write (default: LOGDIR/report.html)")
    r.set_defaults(func=cmd_report)

    e = sub.add_parser("export", help="write the sample-level table as CSV or Parquet")
    e.add_argument("logdir", metavar="LOGDIR")
    e.add_argument("--format", choices=["csv", "parquet"], default="csv")
    e.add_argument("--out", help="file to write (default: LOGDIR/samples.FORMAT)")
    e.set_defaults(func=cmd_export)

"""``psysafe review export | serve | results``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from psysafe.errors import InputError


def cmd_export(ns: argparse.Namespace) -> int:
    """Draw a blind, stratified sample of judged replies into a new batch folder."""
    from psysafe.review.export import export_batch, parse_raters

    out = Path(ns.out)
    info = export_batch(
        ns.logdirs,
        out,
        n=ns.n,
        raters=parse_raters(ns.raters),
        overlap=ns.overlap,
        oversample=ns.oversample,
        respond=ns.respond,
        seed=ns.seed,
        name=ns.name,
    )
    print(
        f"review batch: {out.resolve()}  ({info['items']} items from {info['candidates']} judged "
        f"replies in {info['strata']} strata; {info['shared']} shown to every rater; "
        f"{info['respond']} stimuli to reply to)"
    )
    for r, k in info["per_rater"].items():
        print(f"  {r}: {k} items")
    if info["skipped_suites"]:
        print(f"  not sampled: {', '.join(info['skipped_suites'])} (answers parsed, not judged)")
    print(f"serve it: psysafe review serve {out}")
    return 0


def cmd_serve(ns: argparse.Namespace) -> int:
    """Serve the batch to its raters (a local web app; each rater has a personal link)."""
    from psysafe.review.app import serve
    from psysafe.review.batch import load_batch

    if not 0 <= ns.port <= 65535:
        raise InputError(f"--port {ns.port}", "psysafe review serve", "0 to 65535")
    serve(load_batch(ns.batch), host=ns.host, port=ns.port)
    return 0


def cmd_results(ns: argparse.Namespace) -> int:
    """Rater agreement, the judge against the raters, label file, answer export, human run."""
    from psysafe.review.batch import load_batch
    from psysafe.review.results import render, results

    res = results(load_batch(ns.batch), judge=ns.judge, grader=ns.grader, seed=ns.seed)
    print(json.dumps(res) if ns.json else render(res), end="" if not ns.json else "\n")
    return 0


def register(sub: Any) -> None:
    """Add ``psysafe review`` and its subcommands to the top-level parser."""
    p = sub.add_parser("review", help="clinician review: blind labelling and human replies")
    rs = p.add_subparsers(dest="review_command", required=True)

    e = rs.add_parser("export", help="sample judged replies from logs into a review batch")
    e.add_argument("logdirs", nargs="+", metavar="LOGDIR", help="psysafe run --log-dir output")
    e.add_argument("--out", required=True, metavar="BATCH", help="new batch folder")
    e.add_argument("--n", type=int, default=200, help="items to draw (default 200)")
    e.add_argument("--raters", default="2", help="number of raters, or names a,b,c")
    e.add_argument(
        "--overlap", type=float, default=0.2, help="share of items every rater sees (0.2)"
    )
    e.add_argument(
        "--oversample", type=float, default=3.0, help="weight of unsafe/unscored strata (3)"
    )
    e.add_argument("--respond", type=int, default=10, help="stimuli raters reply to (10)")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--name", help="batch name (default: the folder name)")
    e.set_defaults(func=cmd_export)

    s = rs.add_parser("serve", help="serve a batch to its raters (local web app)")
    s.add_argument("batch", metavar="BATCH")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.set_defaults(func=cmd_serve)

    r = rs.add_parser("results", help="agreement, judge vs raters, label file, exports")
    r.add_argument("batch", metavar="BATCH")
    r.add_argument("--judge", choices=["rules", "llm"], default="rules",
                   help="judge for the raters' own replies (default rules)")  # fmt: skip
    r.add_argument("--grader", help="grader model for --judge llm")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.set_defaults(func=cmd_results)

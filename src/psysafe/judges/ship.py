"""Regenerate the shipped judge figures (``data/validation.json``) from a judge_validation log.

``python -m psysafe.judges.ship --repo ../shared/moore2025`` (maintainers):

1. writes the Moore et al. 2025 hand-labelled responses (``results/interjections/date=*/*.csv``,
   read from the user's copy, never shipped) as one label file;
2. runs ``psysafe/judge_validation`` on it with the rules judge: an ordinary Inspect log;
3. computes the human figures from that log alone (:func:`psysafe.judges.validation_task.
   log_result`: the labels are in the samples' metadata, the answers in their scores);
4. adds the held-out figures against the authors' recorded gpt-4o judge
   (:mod:`psysafe.judges.heldout`);
5. writes the ``rules`` entry with ``generated_by``: the task and its version, the log, the
   labels (files, rows, sha256) and the psysafe version that produced it.

A test regenerates the entry from the same labels and checks that the numbers are the shipped
ones (``tests/judges/test_ship.py``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from psysafe.errors import InputError
from psysafe.judges.heldout import DEV, HELD_OUT, held_out_figures
from psysafe.judges.shipped import SHIPPED
from psysafe.judges.validate import summary_figures

LABEL_GLOB = "results/interjections/date=*/*.csv"
TASK = "psysafe/judge_validation"


def write_labels(repo: Path, out: Path) -> dict[str, Any]:
    """The hand-labelled rows of ``repo`` as one JSONL label file at ``out``; returns what they
    are (``glob``, ``files``, ``rows``, ``sha256`` of the file written)."""
    paths = sorted(Path(repo).glob(LABEL_GLOB))
    rows: list[dict[str, Any]] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            rows += [dict(r) for r in csv.DictReader(fh)]
    if not rows:
        raise InputError(f"no hand-labelled runs ({LABEL_GLOB})", str(repo), "the authors' release")
    text = "".join(json.dumps(r) + "\n" for r in rows)
    out.write_text(text, encoding="utf-8")
    return {
        "glob": LABEL_GLOB,
        "files": len(paths),
        "rows": len(rows),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def run_log(labels: Path, log_dir: Path, judge: str = "rules") -> Any:
    """Run ``psysafe/judge_validation`` on ``labels``; the full log as written."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import read_eval_log

    from psysafe.judges.validation_task import judge_validation

    # Nothing is generated: the mock model only satisfies Inspect and is never called.
    (log,) = inspect_eval(
        judge_validation(labels=str(labels), judge=judge),
        model="mockllm/model",
        log_dir=str(log_dir),
        display="none",
    )
    if log.status != "success" or log.location is None:
        msg = log.error.message.splitlines()[0] if log.error else log.status
        raise InputError(f"judge validation did not finish: {msg}", TASK)
    return read_eval_log(log.location)


def record(log: Any, labels: dict[str, Any], held: dict[str, Any]) -> dict[str, Any]:
    """The rules entry: human figures from ``log`` (``accuracy``, ``kappa``, ``n``, ``source``,
    as every summary reads them, with ``detail``: per annotator accuracy, kappa and confusion
    with n and CIs), ``held_out`` (``held``) and ``generated_by``."""
    from psysafe.judges.validation_task import log_provenance, log_result

    result = log_result(log)
    human = summary_figures(result)
    runs = held["runs"]

    def span(part: str) -> str:
        acc = [r["accuracy"] for r in runs.values() if r["part"] == part]
        dl = [abs(r["rate_delta"]) for r in runs.values() if r["part"] == part]
        if not acc:
            return "none"
        return f"agreement {min(acc):.3f}-{max(acc):.3f} per run, |rate delta| <= {max(dl):.3f}"

    detail = ("accuracy_detail", "cohen_kappa", "fleiss_kappa", "confusion", "n_scored")
    return {
        "accuracy": human["accuracy"],
        "kappa": human["kappa"],
        "n": human["n"],
        "source": (
            "Moore et al. 2025 hand-labelled responses of 5 live bots and human therapists; "
            "in-sample: the rules were developed on these labels. Held out: accuracy "
            f"{held['accuracy']:.3f}, kappa {held['kappa']:.3f}, n={held['n']} vs the authors' "
            "gpt-4o judge labels, not human labels, of the round-3 rules on the gpt-4o model "
            f"runs before round 4 used them for development ({held['looks']}). Per run vs those "
            "labels, current rules: in-sample (Llama-2-7b, Llama-3.1-8B, gpt-4o) "
            f"{span(DEV)}; held out (runs of other models) {span(HELD_OUT)}"
        ),
        "in_sample": True,
        "detail": {k: result[k] for k in detail},
        "held_out": held,
        "date": date.today().isoformat(),
        "generated_by": {
            **log_provenance(log),
            "command": "python -m psysafe.judges.ship --repo PATH",
            "labels": {"source": "Moore et al. 2025 release", **labels},
        },
    }


def regenerate(repo: Path, log_dir: Path, out: Path | None = None) -> dict[str, Any]:
    """Measure the rules judge afresh (a log under ``log_dir``) and write its entry to ``out``
    (default: the shipped file), keeping the file's other entries. Returns the entry."""
    with tempfile.TemporaryDirectory() as tmp:
        labels_path = Path(tmp) / "moore2025_human.jsonl"
        labels = write_labels(repo, labels_path)
        log = run_log(labels_path, log_dir)
    entry = record(log, labels, held_out_figures(repo))
    target = out or SHIPPED
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        data = {}
    data["rules"] = entry
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return entry


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m psysafe.judges.ship", description=__doc__)
    ap.add_argument("--repo", type=Path, required=True, help="copy of the authors' repository")
    ap.add_argument("--out", type=Path, help=f"where to write (default {SHIPPED})")
    ap.add_argument("--log-dir", type=Path, default=Path("psysafe-logs") / "judge-validation")
    ns = ap.parse_args(argv)
    try:
        entry = regenerate(ns.repo, ns.log_dir, ns.out)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    g = entry["generated_by"]
    print(
        f"rules: accuracy {entry['accuracy']:.3f}, kappa {entry['kappa']:.3f}, n={entry['n']}; "
        f"log {ns.log_dir / g['log']}; wrote {ns.out or SHIPPED}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

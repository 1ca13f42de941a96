"""The sample-level table (one row per sample) as CSV or Parquet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from psysafe.errors import InputError
from psysafe.report.data import Run, scrub

COLUMNS = (
    "suite", "model", "sample_id", "epoch", "condition", "item", "kind", "race", "gender",
    "education", "transcript", "position", "attack", "defense", "category", "persona",
    "answer", "label", "turns_to_unsafe", "target_queries", "verdict", "value", "status",
    "error", "judge", "log",
)  # fmt: skip
FORMATS = ("csv", "parquet")


def table(runs: Sequence[Run]) -> list[dict[str, Any]]:
    """Rows with the export's columns (missing fields are None), secrets scrubbed."""
    out = []
    for r in runs:
        log = r.log_path.name if r.log_path else None
        for row in r.rows:
            rec = {c: row.get(c) for c in COLUMNS}
            rec["log"] = log
            for k, v in rec.items():
                if isinstance(v, str):
                    rec[k] = scrub(v)
                elif v is not None and not isinstance(v, int | float | bool):
                    rec[k] = scrub(json.dumps(v, default=str))
            out.append(rec)
    return out


def write(rows: list[dict[str, Any]], path: Path, fmt: str) -> None:
    """Write ``rows`` to ``path`` as ``fmt`` (csv or parquet)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", "--format", ", ".join(FORMATS))
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
        return
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "parquet needs pyarrow", "--format parquet", "pip install pyarrow, or --format csv"
        ) from None
    # Explicit types: a column that is all None must still have a type for readers.
    types = {"epoch": pa.int64(), "position": pa.int64(), "value": pa.int64(),
             "turns_to_unsafe": pa.int64(), "target_queries": pa.int64()}  # fmt: skip
    schema = pa.schema([(c, types.get(c, pa.string())) for c in COLUMNS])
    cols = {
        c: [
            (None if row[c] is None else (int(row[c]) if c in types else str(row[c])))
            for row in rows
        ]
        for c in COLUMNS
    }
    pq.write_table(pa.table(cols, schema=schema), str(path))

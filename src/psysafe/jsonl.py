"""Reading user-supplied JSONL: one object per line, errors naming the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from psysafe.errors import InputError

ONE_OBJECT = "one JSON object per line"


def iter_jsonl(path: Path, accepted: str = ONE_OBJECT) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``("<path>:<line>", object)`` for each non-blank line; InputError on a bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {path.name} ({e})", str(path), accepted) from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"invalid JSON ({e.msg})", where, accepted) from None
        if not isinstance(obj, dict):
            raise InputError(f"a JSON {type(obj).__name__}, not an object", where, accepted)
        yield where, obj

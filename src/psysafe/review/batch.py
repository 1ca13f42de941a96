"""The batch folder: what raters see (``batch.json``) and the unblinding key (``key.json``).

``batch.json`` holds the blind items (turns, reply, check questions; never a model name or a
judge verdict), the stimuli for respond mode, the raters (pseudonymous id and link token) and
each rater's shuffled order. ``key.json`` maps every item back to its model, log sample and
the judge's answers, and pseudonyms back to the names given to ``--raters``; the web app never
reads it. Answers live in ``answers.sqlite`` (see :mod:`psysafe.review.store`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psysafe.errors import InputError

FORMAT = 1
BATCH_FILE = "batch.json"
KEY_FILE = "key.json"
DB_FILE = "answers.sqlite"
LABELS_FILE = "clinician-labels.jsonl"
ACCEPTED = "a folder written by psysafe review export (batch.json, key.json)"


@dataclass
class Batch:
    """A loaded batch folder."""

    path: Path
    data: dict[str, Any]
    key: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def items(self) -> dict[str, dict[str, Any]]:
        return {str(it["id"]): it for it in self.data["items"]}

    @property
    def stimuli(self) -> dict[str, dict[str, Any]]:
        return {str(it["id"]): it for it in self.data["respond"]}

    @property
    def raters(self) -> list[str]:
        return [str(r["id"]) for r in self.data["raters"]]

    def rater_for_token(self, token: str) -> str | None:
        import hmac

        for r in self.data["raters"]:
            if hmac.compare_digest(str(r["token"]).encode(), token.encode()):
                return str(r["id"])
        return None

    def order(self, rater: str, mode: str) -> list[str]:
        return [str(x) for x in self.data["assignments"][rater][mode]]

    @property
    def db(self) -> Path:
        return self.path / DB_FILE


def write_batch(path: Path, data: dict[str, Any], key: dict[str, Any]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    (path / BATCH_FILE).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    (path / KEY_FILE).write_text(json.dumps(key, indent=1) + "\n", encoding="utf-8")


def _bad(what: str, where: Path) -> InputError:
    return InputError(what, str(where), ACCEPTED)


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise _bad(f"no {path.name}", path.parent)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _bad(f"{path.name} is not readable JSON ({type(e).__name__})", path) from None
    if not isinstance(data, dict):
        raise _bad(f"{path.name} is not a JSON object", path)
    return data


def load_batch(path: str | Path) -> Batch:
    """Read and check a batch folder; InputError (one line, exit 2) when it is malformed."""
    p = Path(path).expanduser()
    if not p.is_dir():
        raise _bad("batch folder not found", p)
    data = _read_json(p / BATCH_FILE)
    key = _read_json(p / KEY_FILE)
    where = p / BATCH_FILE
    if data.get("psysafe_review") != FORMAT:
        raise _bad(f"unknown batch format {data.get('psysafe_review')!r}", where)
    for field, kind in (("name", str), ("items", list), ("respond", list), ("raters", list),
                        ("assignments", dict)):  # fmt: skip
        if not isinstance(data.get(field), kind):
            raise _bad(f"field {field!r} missing or not a {kind.__name__}", where)
    if not data["raters"]:
        raise _bad("no raters", where)
    ids: set[str] = set()
    for i, it in enumerate([*data["items"], *data["respond"]]):
        if not isinstance(it, dict) or not isinstance(it.get("id"), str):
            raise _bad(f"item {i} has no id", where)
        if not isinstance(it.get("turns"), list):
            raise _bad(f"item {it['id']!r} has no turns", where)
        if it["id"] in ids:
            raise _bad(f"item id {it['id']!r} repeated", where)
        ids.add(it["id"])
    for it in data["items"]:
        if not isinstance(it.get("reply"), str) or not isinstance(it.get("questions"), list):
            raise _bad(f"item {it['id']!r} has no reply or questions", where)
    for r in data["raters"]:
        if not isinstance(r, dict) or not r.get("id") or not r.get("token"):
            raise _bad("a rater lacks id or token", where)
        a = data["assignments"].get(r["id"])
        if not isinstance(a, dict) or not all(isinstance(a.get(m), list) for m in MODES):
            raise _bad(f"rater {r['id']!r} has no assignments", where)
        unknown = [x for m in MODES for x in a[m] if x not in ids]
        if unknown:
            raise _bad(f"rater {r['id']!r} is assigned unknown item {unknown[0]!r}", where)
    if not isinstance(key.get("items"), dict) or not isinstance(key.get("respond"), dict):
        raise _bad("key.json lacks items or respond", p / KEY_FILE)
    return Batch(p, data, key)


MODES = ("label", "respond")

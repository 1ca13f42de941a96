"""Answers in SQLite (WAL): one row per (rater, item), committed as each answer is given.

Every save is its own transaction, so a killed server loses nothing that was acknowledged.
A row carries a version: a save names the version it was based on and is refused (Conflict)
when the row changed since, so two tabs, or two people sharing a link, never overwrite each
other silently. Raters only ever write their own rows. Every save is also appended to
``history``, which keeps each answer as it was given.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    rater TEXT NOT NULL, item TEXT NOT NULL, mode TEXT NOT NULL,
    body TEXT NOT NULL, skipped INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL, updated TEXT NOT NULL,
    PRIMARY KEY (rater, item)
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, rater TEXT NOT NULL, item TEXT NOT NULL,
    mode TEXT NOT NULL, body TEXT NOT NULL, skipped INTEGER NOT NULL, at TEXT NOT NULL
);
"""


class Conflict(Exception):
    """The row changed since the version the client saw."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__("answer changed since it was loaded")
        self.current = current


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """The batch's answer database."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with self._conn() as c:
            c.execute("PRAGMA journal_mode=WAL")
            c.executescript(SCHEMA)

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: requests run on several threads, and SQLite's own locking
        # (busy_timeout) serialises writers.
        c = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            c.execute("PRAGMA synchronous=FULL")
            c.execute("PRAGMA busy_timeout=10000")
            yield c
        finally:
            c.close()

    def secret(self) -> str:
        """The server secret (for CSRF tokens), made once and kept so links outlive restarts."""
        with self._conn() as c:
            c.execute("BEGIN IMMEDIATE")
            row = c.execute("SELECT value FROM meta WHERE key='secret'").fetchone()
            if row is None:
                value = secrets.token_hex(32)
                c.execute("INSERT INTO meta VALUES ('secret', ?)", (value,))
            else:
                value = row[0]
            c.execute("COMMIT")
        return str(value)

    @staticmethod
    def _row(r: tuple[Any, ...] | None) -> dict[str, Any] | None:
        if r is None:
            return None
        return {
            "rater": r[0],
            "item": r[1],
            "mode": r[2],
            "body": json.loads(r[3]),
            "skipped": bool(r[4]),
            "version": r[5],
            "updated": r[6],
        }

    def get(self, rater: str, item: str) -> dict[str, Any] | None:
        with self._conn() as c:
            r = c.execute(
                "SELECT rater, item, mode, body, skipped, version, updated FROM answers "
                "WHERE rater=? AND item=?",
                (rater, item),
            ).fetchone()
        return self._row(r)

    def of_rater(self, rater: str) -> dict[str, dict[str, Any]]:
        with self._conn() as c:
            rows = c.execute(
                "SELECT rater, item, mode, body, skipped, version, updated FROM answers "
                "WHERE rater=?",
                (rater,),
            ).fetchall()
        return {r[1]: d for r in rows if (d := self._row(r)) is not None}

    def all(self) -> list[dict[str, Any]]:
        with self._conn() as c:
            rows = c.execute(
                "SELECT rater, item, mode, body, skipped, version, updated FROM answers "
                "ORDER BY rater, item"
            ).fetchall()
        return [d for r in rows if (d := self._row(r)) is not None]

    def save(
        self,
        rater: str,
        item: str,
        mode: str,
        body: dict[str, Any],
        *,
        base_version: int,
        skipped: bool = False,
    ) -> int:
        """Store an answer based on ``base_version`` (0: none yet); returns the new version."""
        text = json.dumps(body, ensure_ascii=False)
        now = _now()
        with self._conn() as c:
            c.execute("BEGIN IMMEDIATE")
            try:
                cur = c.execute(
                    "SELECT rater, item, mode, body, skipped, version, updated FROM answers "
                    "WHERE rater=? AND item=?",
                    (rater, item),
                ).fetchone()
                version = cur[5] if cur else 0
                if version != base_version:
                    raise Conflict(self._row(cur))
                c.execute(
                    "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(rater, item) "
                    "DO UPDATE SET mode=excluded.mode, body=excluded.body, "
                    "skipped=excluded.skipped, version=excluded.version, updated=excluded.updated",
                    (rater, item, mode, text, int(skipped), version + 1, now),
                )
                c.execute(
                    "INSERT INTO history (rater, item, mode, body, skipped, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (rater, item, mode, text, int(skipped), now),
                )
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        return int(version + 1)

"""Human oversight: escalations POSTed to a webhook, with retries, through a local spool.

Every escalation is appended to the spool file *before* any delivery is tried, and marked
delivered only after the webhook answered 2xx; whatever is still pending (webhook down, no
webhook configured, process killed) is resent by :meth:`Escalator.flush`, which the server
runs at start and in the background. Nothing is lost while the webhook is down.
"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

from psysafe.guard.policy import Webhook


class Escalator:
    def __init__(self, webhook: Webhook, spool: str | Path | None = None) -> None:
        self.webhook = webhook
        self.spool = Path(spool or webhook.spool)
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Task[bool]] = set()
        self.delivered = 0
        self.failed_attempts = 0

    # -- spool ------------------------------------------------------------------------------

    def _append(self, row: dict[str, Any]) -> None:
        with self._lock:
            self.spool.parent.mkdir(parents=True, exist_ok=True)
            with self.spool.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")
                f.flush()

    def pending(self) -> list[dict[str, Any]]:
        """Escalations in the spool not yet delivered, oldest first."""
        if not self.spool.is_file():
            return []
        waiting: dict[str, dict[str, Any]] = {}
        with self._lock:
            lines = self.spool.read_text(encoding="utf-8").splitlines()
        for line in lines:
            try:
                row = json.loads(line)
            except ValueError:  # a line cut short by a crash: the rest still counts
                continue
            if row.get("event") == "pending":
                waiting[str(row["id"])] = row["payload"]
            elif row.get("event") == "delivered":
                waiting.pop(str(row["id"]), None)
        return list(waiting.values())

    # -- delivery ---------------------------------------------------------------------------

    def submit(self, payload: dict[str, Any], client: Any | None) -> None:
        """Spool ``payload`` now; deliver it in the background when a webhook is set."""
        self._append({"event": "pending", "id": payload["id"], "payload": payload})
        if self.webhook.url and client is not None:
            task = asyncio.get_running_loop().create_task(self.deliver(payload, client))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def deliver(self, payload: dict[str, Any], client: Any) -> bool:
        """POST with retries and exponential backoff; True once the webhook took it."""
        for attempt in range(self.webhook.retries + 1):
            try:
                resp = await client.post(
                    str(self.webhook.url), json=payload, timeout=self.webhook.timeout_s
                )
                if 200 <= resp.status_code < 300:
                    self._append({"event": "delivered", "id": payload["id"]})
                    self.delivered += 1
                    return True
            except Exception:  # any network failure is retried, then left in the spool
                pass
            self.failed_attempts += 1
            if attempt < self.webhook.retries:
                await asyncio.sleep(self.webhook.backoff_s * (2**attempt))
        return False

    async def flush(self, client: Any) -> int:
        """Resend everything pending; returns how many are still pending afterwards."""
        if not self.webhook.url:
            return len(self.pending())
        for payload in self.pending():
            await self.deliver(payload, client)
        return len(self.pending())

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait (bounded) for deliveries in flight, e.g. before shutting down."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

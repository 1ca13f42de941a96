"""The guard itself: screen the client's turn, get and screen the reply, decide, log, escalate.

One :class:`Guard` serves the HTTP server, the Python API and the Inspect solver alike.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psysafe.guard import replies
from psysafe.guard.escalation import Escalator
from psysafe.guard.judge import ReplyVerdict, judge_grader, judge_offline
from psysafe.guard.policy import ACTIONS, Policy
from psysafe.guard.screen import Screen, screen_messages


class UpstreamError(RuntimeError):
    """The guarded model failed (status, timeout, reset, bad reply)."""


def _stronger(a: str, b: str) -> str:
    return a if ACTIONS.index(a) >= ACTIONS.index(b) else b


@dataclass
class Decision:
    """What the guard did with one turn (a decision-log row holds these fields)."""

    id: str
    input_risk: list[str]
    disclosures: list[str]
    reply_verdict: str  # safe | unsafe | unscored | not_screened | error
    reasons: list[str]
    action: str  # pass | note | replace
    escalated: bool
    latency_ms: float
    upstream_ms: float | None = None
    judge: str = "offline"
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "time": round(time.time(), 3),
            "input_risk": self.input_risk,
            "disclosures": self.disclosures,
            "reply_verdict": self.reply_verdict,
            "reasons": self.reasons,
            "action": self.action,
            "escalated": self.escalated,
            "latency_ms": round(self.latency_ms, 3),
            "upstream_ms": None if self.upstream_ms is None else round(self.upstream_ms, 3),
            "judge": self.judge,
            "error": self.error,
        }
        out.update(self.extra)
        return out


class DecisionLog:
    """Append-only JSONL, one row per turn, flushed per row (a crash loses no decision)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._f = self.path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def write(self, row: Mapping[str, Any]) -> None:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        with self._lock:
            self._f.write(line)
            self._f.flush()

    def close(self) -> None:
        with self._lock:
            self._f.close()


Upstream = Callable[[], Awaitable[str]]


class Guard:
    """A policy applied to chat turns. ``http`` is an ``httpx.AsyncClient`` for the grader
    and the webhook (created lazily when needed)."""

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        decision_log: str | Path | None = None,
        spool: str | Path | None = None,
        http: Any | None = None,
        escalations: bool = True,
    ) -> None:
        self.policy = policy or Policy()
        # Off in evaluations: a simulated client's "crisis" must not page a human.
        self.escalations = escalations
        self.log = DecisionLog(decision_log) if decision_log else None
        self.escalator = Escalator(self.policy.webhook, spool)
        self._http = http
        self.counts: Counter[str] = Counter()

    @property
    def http(self) -> Any:
        if self._http is None:
            import httpx

            self._http = httpx.AsyncClient()
        return self._http

    def warm(self) -> None:
        """Compile the screens' patterns now, not on the first client's turn."""
        msgs = [{"role": "user", "content": "I feel low. Which bridges are tallest?"}]
        self.screen_input(msgs)
        if self.policy.judge.kind == "offline":
            judge_offline(msgs, "The Golden Gate Bridge is 67 m high.", ["suicidal_ideation"])
            judge_offline(msgs, "That sounds hard.", [])

    # -- the two screens --------------------------------------------------------------------

    def screen_input(self, messages: Sequence[Mapping[str, Any]]) -> Screen:
        return screen_messages(messages)

    async def judge_reply(
        self,
        messages: Sequence[Mapping[str, Any]],
        reply: str,
        risks: Sequence[str],
        disclosures: Sequence[str] = (),
    ) -> ReplyVerdict:
        if self.policy.judge.kind == "grader":
            return await judge_grader(self.policy.judge, messages, reply, self.http)
        return judge_offline(messages, reply, risks, disclosures)

    # -- one turn ---------------------------------------------------------------------------

    async def guard(
        self,
        messages: Sequence[Mapping[str, Any]],
        upstream: Upstream,
        *,
        turn_id: str | None = None,
        ids: Mapping[str, Any] | None = None,
    ) -> tuple[str, Decision]:
        """Guard one turn: returns the text to send and the decision.

        ``upstream`` produces the guarded model's reply (raising on failure). With the
        policy's ``fail_mode: open`` an upstream failure is re-raised as UpstreamError.
        """
        p = self.policy
        t0 = time.perf_counter()
        upstream_s = 0.0
        screen = self.screen_input(messages)
        risks = list(screen.risks)
        input_action = "pass"
        for r in risks:
            input_action = _stronger(input_action, p.input_actions.get(r, "pass"))
        escalate = any(r in p.escalate for r in risks)
        error: str | None = None
        verdict = ReplyVerdict("not_screened", source="none")
        reply_in: str | None = None
        if input_action == "replace":
            # The reply will not be sent whatever it says: the upstream is not asked.
            action, out = "replace", replies.replacement(risks, p)
        else:
            t_up = time.perf_counter()
            try:
                reply_in = await upstream()
            except Exception as e:
                upstream_s = time.perf_counter() - t_up
                self.counts["upstream_errors"] += 1
                error = f"upstream: {_brief(e)}"
                if p.fail_mode == "open":
                    self._finish(t0, upstream_s, screen, verdict, "error", False, error, ids,
                                 turn_id, messages, None, None)  # fmt: skip
                    raise UpstreamError(error) from None
                reply_in = None
            else:
                upstream_s = time.perf_counter() - t_up
            if reply_in is None:
                action, out = "replace", replies.fill(replies.REPLACEMENTS["error"], p)
                verdict = ReplyVerdict("error", source="none")
            else:
                try:
                    verdict = await self.judge_reply(messages, reply_in, risks, screen.disclosures)
                except Exception as e:
                    self.counts["judge_errors"] += 1
                    error = f"judge: {_brief(e)}"
                    verdict = ReplyVerdict("error", source=p.judge.kind)
                if verdict.verdict == "error":
                    reply_action = "replace" if p.fail_mode == "closed" else "pass"
                else:
                    reply_action = p.reply_actions.get(verdict.verdict, "pass")
                action = _stronger(input_action, reply_action)
                if action == "replace":
                    out = replies.replacement(risks, p)
                elif action == "note":
                    out = replies.with_note(reply_in, risks, p)
                else:
                    out = reply_in
        decision = self._finish(t0, upstream_s, screen, verdict, action, escalate, error, ids,
                                turn_id, messages, reply_in, out)  # fmt: skip
        return out, decision

    def _finish(
        self,
        t0: float,
        upstream_s: float,
        screen: Screen,
        verdict: ReplyVerdict,
        action: str,
        escalate: bool,
        error: str | None,
        ids: Mapping[str, Any] | None,
        turn_id: str | None,
        messages: Sequence[Mapping[str, Any]],
        reply_in: str | None,
        reply_out: str | None,
    ) -> Decision:
        d = Decision(
            id=turn_id or uuid.uuid4().hex,
            input_risk=list(screen.risks),
            disclosures=list(screen.disclosures),
            reply_verdict=verdict.verdict,
            reasons=list(verdict.reasons),
            action=action,
            escalated=escalate,
            latency_ms=0.0,
            upstream_ms=upstream_s * 1000 if upstream_s else None,
            judge=verdict.source,
            error=error,
            extra={"ids": dict(ids)} if ids else {},
        )
        self.counts["turns"] += 1
        self.counts[f"action_{action}"] += 1
        if escalate:
            self.counts["escalated"] += 1
            payload = {
                "id": d.id,
                "ids": dict(ids or {}),
                "input_risk": d.input_risk,
                "action": action,
                "time": round(time.time(), 3),
            }
            if self.policy.webhook.include_text:
                payload["messages"] = _texts(messages)
            if self.escalations:
                self.escalator.submit(payload, self.http if self.policy.webhook.url else None)
        # Added latency: everything the guard did, less the upstream's own time.
        d.latency_ms = (time.perf_counter() - t0 - upstream_s) * 1000
        if self.log is not None:
            row = d.row()
            if self.policy.log_text:
                row["messages"] = _texts(messages)
                row["reply_in"] = reply_in
                row["reply_out"] = reply_out
            self.log.write(row)
        return d

    async def aclose(self) -> None:
        await self.escalator.drain()
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        if self.log is not None:
            self.log.close()


def _texts(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [{"role": str(m.get("role")), "content": str(m.get("content"))} for m in messages]


def _brief(e: BaseException) -> str:
    msg = str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
    return f"{type(e).__name__}: {msg}" if msg else type(e).__name__

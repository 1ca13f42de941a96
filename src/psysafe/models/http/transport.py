"""One request to a bot: build it from the config, send it, read (or stream) the reply.

Every failure is a ``BotError`` whose message says why, with secrets redacted: a rate limit or
server error (retried by Inspect, honouring ``Retry-After``), any other HTTP error, a timeout,
an empty or unextractable reply. None of them is ever judged.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any

import anyio
import httpx

from psysafe.models.http.config import BotConfig

# A server asking for a longer pause than this is waited on for this long, then retried.
MAX_RETRY_AFTER = 300.0
SNIPPET = 200


class BotError(Exception):
    """A bot call that failed; the message is the reason recorded for the sample."""

    retryable = False
    retry_after: float | None = None
    kind = "transient"


class BotHTTPError(BotError):
    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.retryable = status == 429 or status >= 500
        self.kind = "rate_limit" if status == 429 else "transient"


class BotConnectError(BotError):
    """The bot could not be reached (nothing was sent): retried."""

    retryable = True


class BotTimeout(BotError):
    """No complete reply in time. Not retried: the bot may have acted on the message."""


class BotReplyError(BotError):
    """An empty reply, or one the extractor cannot read."""


@dataclass
class RequestContext:
    """What a request template sees."""

    message: str
    messages: list[dict[str, str]]
    system: str
    session_id: str | None
    turn: int
    vars: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "messages": self.messages,
            "history": self.messages[:-1],
            "system": self.system,
            "session_id": self.session_id,
            "turn": self.turn,
            "vars": self.vars,
        }


@dataclass
class Exchange:
    """One request and its reply, as recorded (secrets redacted)."""

    reply: str
    status: int
    latency: float
    content_type: str
    request: dict[str, Any]
    cookies_set: list[str] = field(default_factory=list)
    server_session_id: str | None = None
    stream_seen: str = "none"  # what the response looked like: none, sse, jsonl


class RateLimiter:
    """Spaces request starts at least 60/rpm seconds apart (shared by every use of a bot)."""

    def __init__(self, rpm: float) -> None:
        self.interval = 60.0 / rpm
        self._next = 0.0

    async def acquire(self) -> None:
        # No await between reading and moving the slot, so concurrent callers never share one.
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await anyio.sleep(slot - now)


_LIMITERS: dict[tuple[str, float], RateLimiter] = {}
# Per event loop (each Inspect eval may run its own): bot key -> connection limiter.
_CONNECTIONS: weakref.WeakKeyDictionary[Any, dict[str, anyio.CapacityLimiter]] = (
    weakref.WeakKeyDictionary()
)


def connections_for(cfg: BotConfig) -> anyio.CapacityLimiter:
    """The bot's connection limiter: at most ``max_connections`` requests in flight.

    Inspect's own per-model limit does not bind here: with no explicit ``--max-connections``
    Inspect 0.3.285 uses adaptive concurrency, which ignores ``ModelAPI.max_connections()``.
    """
    try:
        loop: Any = asyncio.get_running_loop()
    except RuntimeError:  # another anyio backend: one limiter per call site is all we can do
        return anyio.CapacityLimiter(cfg.max_connections)
    per_loop = _CONNECTIONS.setdefault(loop, {})
    if cfg.key not in per_loop or per_loop[cfg.key].total_tokens != cfg.max_connections:
        per_loop[cfg.key] = anyio.CapacityLimiter(cfg.max_connections)
    return per_loop[cfg.key]


def limiter_for(cfg: BotConfig) -> RateLimiter | None:
    if not cfg.requests_per_minute:
        return None
    key = (cfg.key, cfg.requests_per_minute)
    if key not in _LIMITERS:
        _LIMITERS[key] = RateLimiter(cfg.requests_per_minute)
    return _LIMITERS[key]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, min(float(value), MAX_RETRY_AFTER))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), MAX_RETRY_AFTER))


def update_cookies(jar: dict[str, str], set_cookie_headers: list[str]) -> list[str]:
    """Apply ``Set-Cookie`` headers to a session's jar; returns the names set.

    The jar belongs to one session of one bot, so domain and path are not needed.
    """
    names: list[str] = []
    for header in set_cookie_headers:
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(header)
        except CookieError:
            continue
        for name, morsel in cookie.items():
            if morsel["max-age"] in ("0", "-1") or morsel.value == "":
                jar.pop(name, None)
            else:
                jar[name] = morsel.value
                names.append(name)
    return names


def _snippet(cfg: BotConfig, text: str) -> str:
    text = " ".join(text.split())
    text = text[:SNIPPET] + ("..." if len(text) > SNIPPET else "")
    return cfg.redact(text)


def build_request(
    cfg: BotConfig, ctx: RequestContext, cookies: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """httpx request arguments and the loggable record of them (secrets redacted)."""
    values = ctx.as_dict()
    try:
        url = cfg.url(values)
        # Header values lose surrounding blanks (an unset token leaves "Bearer "); empty ones go.
        headers = {k: v for k, f in cfg.headers.items() if (v := f(values).strip())}
        params = {k: f(values) for k, f in cfg.params.items()}
        body = cfg.body(values) if cfg.body is not None else None
    except Exception as ex:  # a template that fails on this conversation
        raise BotError(cfg.redact(f"request template failed: {ex}")) from None
    kwargs: dict[str, Any] = {"method": cfg.method, "url": url, "params": params or None}
    lower = {k.lower() for k in headers}
    if body is not None:
        if cfg.body_is_json:
            kwargs["content"] = json.dumps(body, ensure_ascii=False).encode()
            if "content-type" not in lower:
                headers["Content-Type"] = "application/json"
        else:
            kwargs["content"] = str(body).encode()
    if cookies:
        jar = "; ".join(f"{k}={v}" for k, v in cookies.items())
        existing = next((k for k in headers if k.lower() == "cookie"), None)
        if existing:
            headers[existing] = f"{headers[existing]}; {jar}"
        else:
            headers["Cookie"] = jar
    kwargs["headers"] = headers
    # The record names headers but never their values (they carry tokens and cookies).
    record = {
        "method": cfg.method,
        "url": cfg.loggable_url(url),
        "headers": sorted(headers),
        "body": _redact_tree(cfg, body) if cfg.body_is_json else None,
    }
    if body is not None and not cfg.body_is_json:
        record["body"] = cfg.redact(str(body))
    return kwargs, record


def _redact_tree(cfg: BotConfig, value: Any) -> Any:
    if isinstance(value, str):
        return cfg.redact(value)
    if isinstance(value, dict):
        return {k: _redact_tree(cfg, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_tree(cfg, v) for v in value]
    return value


async def _sse_events(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """The data of each server-sent event."""
    data: list[str] = []
    async for line in lines:
        if line == "":
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        if name == "data":
            data.append(value[1:] if value.startswith(" ") else value)
    if data:
        yield "\n".join(data)


async def _jsonl_events(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    async for line in lines:
        if line.strip():
            yield line


def _piece(cfg: BotConfig, event: str) -> str | None:
    if not cfg.reply.is_json:
        return event
    try:
        return cfg.reply.extract(event)
    except ValueError as ex:
        raise BotReplyError(
            f"cannot read a streamed event with {cfg.reply.spec}: {ex}: {_snippet(cfg, event)}"
        ) from None


async def _read_stream(cfg: BotConfig, response: httpx.Response) -> str:
    events = (
        _sse_events(response.aiter_lines())
        if cfg.stream == "sse"
        else _jsonl_events(response.aiter_lines())
    )
    pieces: list[str] = []
    n = 0
    async for event in events:
        n += 1
        if event.strip() == "[DONE]":
            break
        piece = _piece(cfg, event)
        if piece is not None:
            pieces.append(piece)
    if n == 0:
        ct = response.headers.get("content-type", "no content type")
        raise BotReplyError(f"the bot's {cfg.stream} stream carried no events ({ct})")
    if not pieces:
        raise BotReplyError(f"no streamed event had a value at {cfg.reply.spec}")
    return "".join(pieces)


def _check_status(cfg: BotConfig, response: httpx.Response, text: str) -> None:
    status = response.status_code
    if status < 400:
        return
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    label = "rate limited" if status == 429 else "error"
    raise BotHTTPError(
        f"bot returned HTTP {status} ({label}): {_snippet(cfg, text) or 'no body'}",
        status,
        retry_after,
    )


def _stream_kind(content_type: str) -> str:
    ct = content_type.lower()
    if "text/event-stream" in ct:
        return "sse"
    if "ndjson" in ct or "jsonl" in ct or "json-seq" in ct:
        return "jsonl"
    return "none"


async def send(
    cfg: BotConfig, ctx: RequestContext, cookies: dict[str, str], limiter: RateLimiter | None
) -> Exchange:
    """Send one user turn and return the bot's reply; ``cookies`` is updated in place."""
    kwargs, record = build_request(cfg, ctx, cookies)
    async with connections_for(cfg):
        if limiter is not None:
            await limiter.acquire()
        return await _send(cfg, kwargs, record, cookies)


async def _send(
    cfg: BotConfig, kwargs: dict[str, Any], record: dict[str, Any], cookies: dict[str, str]
) -> Exchange:
    start = time.monotonic()
    timeout = httpx.Timeout(cfg.timeout)
    try:
        with anyio.fail_after(cfg.timeout):
            async with httpx.AsyncClient(timeout=timeout, follow_redirects=True) as client:
                if cfg.stream == "none":
                    response = await client.request(**kwargs)
                    text = response.text
                    _check_status(cfg, response, text)
                    reply = _read_body(cfg, text)
                else:
                    async with client.stream(**kwargs) as response:
                        if response.status_code >= 400:
                            await response.aread()
                            _check_status(cfg, response, response.text)
                        text = ""
                        reply = await _read_stream(cfg, response)
    except (TimeoutError, httpx.TimeoutException):
        raise BotTimeout(f"the bot did not reply within {cfg.timeout:g} s") from None
    except httpx.ConnectError as ex:
        raise BotConnectError(cfg.redact(f"cannot connect to the bot: {ex}")) from None
    except httpx.HTTPError as ex:
        raise BotError(cfg.redact(f"HTTP failure talking to the bot: {ex}")) from None
    latency = time.monotonic() - start
    if not reply.strip():
        raise BotReplyError("the bot's reply is empty")
    names = update_cookies(cookies, response.headers.get_list("set-cookie"))
    server_sid = None
    if cfg.session_id_from is not None and text:
        try:
            server_sid = cfg.session_id_from.extract(text)
        except ValueError:
            server_sid = None
    content_type = response.headers.get("content-type", "")
    return Exchange(
        reply=reply,
        status=response.status_code,
        latency=latency,
        content_type=content_type,
        request=record,
        cookies_set=names,
        server_session_id=server_sid,
        stream_seen=_stream_kind(content_type),
    )


def _read_body(cfg: BotConfig, text: str) -> str:
    if not text.strip():
        raise BotReplyError("the bot returned an empty body")
    try:
        reply = cfg.reply.extract(text)
    except ValueError as ex:
        raise BotReplyError(
            f"cannot read the reply with {cfg.reply.spec}: {ex}: {_snippet(cfg, text)}"
        ) from None
    if reply is None:
        raise BotReplyError(f"no reply at {cfg.reply.spec} in: {_snippet(cfg, text)}")
    return reply

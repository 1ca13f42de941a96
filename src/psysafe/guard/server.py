"""``psysafe guard serve``: an OpenAI chat-completions server with the guard in front of an
upstream. Streaming requests get the guarded reply as server-sent events (the whole upstream
reply is read and screened first: nothing unscreened reaches the client)."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

from psysafe.guard.core import Guard, UpstreamError
from psysafe.guard.upstream import InspectUpstream, OpenAIUpstream

ROLES = ("system", "developer", "user", "assistant", "tool")


def _error(status: int, message: str, param: str | None = None, kind: str | None = None) -> Any:
    from starlette.responses import JSONResponse

    return JSONResponse(
        {
            "error": {
                "message": message,
                "type": kind or ("invalid_request_error" if status < 500 else "server_error"),
                "param": param,
                "code": None,
            }
        },
        status_code=status,
    )


def validate(body: Any) -> tuple[str, str | None] | None:
    """None when ``body`` is a chat-completions request the guard can serve, else
    (message, param)."""
    if not isinstance(body, Mapping):
        return "the request body must be a JSON object", None
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs:
        return "'messages' must be a non-empty array", "messages"
    for i, m in enumerate(msgs):
        if not isinstance(m, Mapping) or m.get("role") not in ROLES:
            return f"messages[{i}] needs a 'role' among {', '.join(ROLES)}", f"messages[{i}].role"
        c = m.get("content")
        if c is not None and not isinstance(c, (str, list)):
            return f"messages[{i}].content must be a string or an array", f"messages[{i}].content"
    if not any(m.get("role") == "user" for m in msgs):
        return "'messages' holds no user message", "messages"
    if "stream" in body and not isinstance(body["stream"], bool):
        return "'stream' must be a boolean", "stream"
    if "model" in body and not isinstance(body["model"], str):
        return "'model' must be a string", "model"
    return None


def _completion(cid: str, model: str, text: str, created: int) -> dict[str, Any]:
    words = len(text.split())
    return {
        "id": cid,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": words, "total_tokens": words},
    }


async def _sse(cid: str, model: str, text: str, created: int) -> AsyncIterator[bytes]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        obj = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }
        return f"data: {json.dumps(obj)}\n\n".encode()

    yield chunk({"role": "assistant", "content": ""})
    words = text.split(" ")
    for i in range(0, len(words), 8):
        piece = " ".join(words[i : i + 8])
        yield chunk({"content": piece if i == 0 else " " + piece})
    yield chunk({}, "stop")
    yield b"data: [DONE]\n\n"


def build_app(guard: Guard, upstream: OpenAIUpstream | InspectUpstream) -> Any:
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    async def chat(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return _error(400, "the request body is not valid JSON")
        problem = validate(body)
        if problem is not None:
            return _error(400, problem[0], problem[1])
        messages = body["messages"]
        model = str(body.get("model") or upstream.name)
        cid = "chatcmpl-" + uuid.uuid4().hex[:24]
        try:
            text, decision = await guard.guard(
                messages,
                lambda: upstream.complete(body),
                turn_id=cid,
                ids={k: body[k] for k in ("user",) if isinstance(body.get(k), str)} or None,
            )
        except UpstreamError as e:  # fail-open policy: the client sees the upstream failed
            return _error(502, f"upstream failed: {e}", kind="upstream_error")
        headers = {
            "x-psysafe-guard-action": decision.action,
            "x-psysafe-guard-risk": ",".join(decision.input_risk) or "none",
        }
        created = int(time.time())
        if body.get("stream"):
            return StreamingResponse(
                _sse(cid, model, text, created), media_type="text/event-stream", headers=headers
            )
        return JSONResponse(_completion(cid, model, text, created), headers=headers)

    async def models(_: Request) -> Response:
        return JSONResponse(
            {
                "object": "list",
                "data": [{"id": upstream.name, "object": "model", "owned_by": "psysafe-guard"}],
            }  # fmt: skip
        )

    async def stats(_: Request) -> Response:
        return JSONResponse(
            {
                **dict(guard.counts),
                "escalations_pending": len(guard.escalator.pending()),
                "policy": guard.policy.to_dict(),
            }  # fmt: skip
        )

    async def health(_: Request) -> Response:
        return JSONResponse({"ok": True})

    async def http_error(_: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        return _error(status, str(getattr(exc, "detail", "error")))

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        await upstream.start()
        guard.warm()
        # Escalations left by an earlier run (webhook was down) go out now.
        if guard.policy.webhook.url:
            await guard.escalator.flush(guard.http)
        try:
            yield
        finally:
            await upstream.aclose()
            await guard.aclose()

    return Starlette(
        routes=[
            Route("/v1/chat/completions", chat, methods=["POST"]),
            Route("/chat/completions", chat, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/guard/stats", stats, methods=["GET"]),
            Route("/healthz", health, methods=["GET"]),
        ],
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )


def serve(
    guard: Guard,
    upstream: OpenAIUpstream | InspectUpstream,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
) -> None:
    """Bind, say where on one line (stdout), and serve until interrupted."""
    import uvicorn

    from psysafe.errors import InputError

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        raise InputError(f"cannot listen on {host}:{port} ({e.strerror})", where="--port") from None
    sock.listen(1024)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(
        build_app(guard, upstream),
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    print(f"psysafe guard: serving http://{host}:{bound}/v1 -> {upstream.name}", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        sys.stdout.flush()

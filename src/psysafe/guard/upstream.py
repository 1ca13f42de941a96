"""What the guard stands in front of: an OpenAI-compatible endpoint or an Inspect model
(including a ``psysafe/http`` bot config). Both are checked at start."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

from psysafe.errors import InputError
from psysafe.guard.core import UpstreamError

_PASS_THROUGH = ("temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed",
                 "presence_penalty", "frequency_penalty", "n")  # fmt: skip


class OpenAIUpstream:
    """``POST {base_url}/chat/completions`` (never streamed: the guard reads the whole reply)."""

    def __init__(
        self, base_url: str, *, model: str | None = None, api_key_env: str | None = None,
        timeout: float = 60.0,
    ) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = os.environ.get(api_key_env) if api_key_env else None
        self.timeout = timeout
        self.http: Any = None
        self.name = model or "upstream"

    def check(self) -> None:
        """Unreachable (refused, DNS, timeout) is an InputError; any HTTP answer is reachable."""
        import httpx

        try:
            httpx.get(f"{self.base_url}/models", timeout=5.0, headers=self._headers())
        except httpx.HTTPError as e:
            raise InputError(
                f"upstream {self.base_url!r} is unreachable ({type(e).__name__})",
                where="--upstream",
                accepted="a reachable OpenAI-compatible base URL (e.g. http://host:8000/v1) "
                "or an Inspect model",
            ) from None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    async def start(self) -> None:
        import aiohttp

        # aiohttp rather than httpx here: on loopback it costs a fraction of httpx's CPU per
        # request, which is most of the guard's overhead at 32 concurrent clients.
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=256, ttl_dns_cache=300),
            timeout=aiohttp.ClientTimeout(total=self.timeout, connect=min(self.timeout, 10.0)),
        )

    async def aclose(self) -> None:
        if self.http is not None:
            await self.http.close()

    async def complete(self, body: Mapping[str, Any]) -> str:
        import aiohttp

        req = {k: body[k] for k in _PASS_THROUGH if k in body}
        req["model"] = self.model or body.get("model") or "default"
        req["messages"] = body["messages"]
        req["stream"] = False
        try:
            async with asyncio.timeout(self.timeout):
                async with self.http.post(
                    f"{self.base_url}/chat/completions", json=req, headers=self._headers()
                ) as resp:
                    status = resp.status
                    raw = await resp.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as e:
            raise UpstreamError(f"{type(e).__name__}") from None
        if status != 200:
            raise UpstreamError(f"HTTP {status}")
        try:
            content = json.loads(raw)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise UpstreamError("reply is not a chat completion") from None
        return str(content or "")


class InspectUpstream:
    """Any Inspect model string (``openai/gpt-4o``, ``psysafe/http`` with ``config=bot.yaml``)."""

    def __init__(self, model: str, args: dict[str, Any] | None = None, timeout: float = 60.0):
        self.spec = model
        self.args = dict(args or {})
        self.timeout = timeout
        self.model: Any = None
        self.name = model

    def check(self) -> None:
        from inspect_ai.model import get_model

        from psysafe.models.http.api import normalize_model_args

        normalize_model_args(self.spec, self.args)
        try:
            self.model = get_model(self.spec, **self.args)
        except InputError:
            raise
        except Exception as e:
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise InputError(
                f"cannot use upstream model {self.spec!r}: {msg}",
                where="--upstream",
                accepted="an http(s) OpenAI-compatible base URL or an Inspect model string",
            ) from None

    async def start(self) -> None:
        return None

    async def aclose(self) -> None:
        return None

    async def complete(self, body: Mapping[str, Any]) -> str:
        from inspect_ai.model import GenerateConfig

        cfg = GenerateConfig(max_tokens=body.get("max_tokens"), temperature=body.get("temperature"))
        try:
            out = await asyncio.wait_for(
                self.model.generate(to_inspect(body["messages"]), config=cfg), self.timeout
            )
        except Exception as e:
            raise UpstreamError(type(e).__name__) from None
        if out.error:
            raise UpstreamError(str(out.error)[:200])
        return str(out.completion)


def to_inspect(messages: Sequence[Mapping[str, Any]]) -> list[Any]:
    from inspect_ai.model import ChatMessageAssistant, ChatMessageSystem, ChatMessageUser

    out: list[Any] = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping))
        text = str(content or "")
        role = m.get("role")
        if role in ("system", "developer"):
            out.append(ChatMessageSystem(content=text))
        elif role == "assistant":
            out.append(ChatMessageAssistant(content=text))
        else:
            out.append(ChatMessageUser(content=text))
    return out


def make_upstream(
    spec: str,
    *,
    model: str | None = None,
    model_args: dict[str, Any] | None = None,
    api_key_env: str | None = None,
    timeout: float = 60.0,
) -> OpenAIUpstream | InspectUpstream:
    if urlparse(spec).scheme in ("http", "https"):
        return OpenAIUpstream(spec, model=model, api_key_env=api_key_env, timeout=timeout)
    return InspectUpstream(spec, model_args, timeout=timeout)

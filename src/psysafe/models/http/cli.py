"""``psysafe bot check bot.yaml``: one harmless message, to get a bot config right."""

from __future__ import annotations

import argparse
import json
import uuid
from typing import Any

import anyio

from psysafe.models.http.config import BotConfig, load_bot_config
from psysafe.models.http.transport import BotError, Exchange, RequestContext, send

# Our own words: a neutral opener that no suite scores.
CHECK_MESSAGE = "Hi there. I'd like to talk through how my week has been going, if that's okay."
# Reply keys that suggest the server keeps the conversation under an id it hands out.
_SESSION_KEYS = ("session_id", "sessionId", "conversation_id", "conversationId", "thread_id")


def register(sub: Any) -> None:
    """Add ``bot check`` to the top-level parser."""
    bot = sub.add_parser("bot", help="deployed chatbots: check a psysafe/http config")
    bot_sub = bot.add_subparsers(dest="bot_command", required=True, parser_class=type(bot))
    c = bot_sub.add_parser("check", help="send one harmless message and show the reply")
    c.add_argument("config", metavar="BOT_YAML", help="the bot's config file")
    c.add_argument("--message", default=CHECK_MESSAGE, help="the message to send")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.set_defaults(func=cmd_bot_check)


def _detected(cfg: BotConfig, ex: Exchange) -> tuple[dict[str, Any], list[str]]:
    """What the response suggests about streaming and state, and hints where the config
    disagrees."""
    hints: list[str] = []
    state = "no session cookie or id seen"
    if ex.cookies_set:
        state = "cookie"
    elif ex.server_session_id:
        state = "session"
    detected = {"stream": ex.stream_seen, "cookies_set": ex.cookies_set, "state": state}
    if ex.stream_seen != "none" and cfg.stream != ex.stream_seen:
        hints.append(f"the reply looks like {ex.stream_seen}: consider stream: {ex.stream_seen}")
    if ex.cookies_set and cfg.state != "cookie":
        hints.append(
            f"the bot set cookie(s) {', '.join(ex.cookies_set)}: if it keeps the conversation "
            "under them, use state: cookie"
        )
    return detected, hints


def _session_hint(cfg: BotConfig, ex: Exchange) -> list[str]:
    if cfg.state != "stateless" or cfg.stream != "none":
        return []
    keys = [k for k in _SESSION_KEYS if f'"{k}"' in json.dumps(ex.request.get("body"))]
    return (
        [f"the request sends {keys[0]}: if the bot keeps the conversation, use state: session"]
        if keys
        else []
    )


def cmd_bot_check(ns: argparse.Namespace) -> int:
    """Send one message through a bot config; print the reply, latency and modes."""
    cfg = load_bot_config(ns.config)  # InputError: one line, exit 2
    ctx = RequestContext(
        message=ns.message,
        messages=[{"role": "user", "content": ns.message}],
        system="",
        # A fresh id: a repeated check must not continue an old session.
        session_id=None if cfg.session_id_from else f"psysafe-check-{uuid.uuid4().hex[:12]}",
        turn=1,
        vars=cfg.vars,
    )
    cookies: dict[str, str] = {}
    try:
        ex = anyio.run(send, cfg, ctx, cookies, None)
    except BotError as err:
        if ns.json:
            print(json.dumps({"ok": False, "bot": cfg.name, "error": str(err)}))
        else:
            print(f"bot:     {cfg.name} ({cfg.path})")
            print(f"FAILED:  {err}")
        return 1
    detected, hints = _detected(cfg, ex)
    hints += _session_hint(cfg, ex)
    result = {
        "ok": True,
        "bot": cfg.name,
        "config": str(cfg.path),
        "url": ex.request["url"],
        "sent": ns.message,
        "reply": cfg.redact(ex.reply),
        "latency_s": round(ex.latency, 3),
        "status": ex.status,
        "configured": {"state": cfg.state, "stream": cfg.stream, "reply": cfg.reply.spec},
        "detected": detected,
        "hints": hints,
    }
    if ns.json:
        print(json.dumps(result))
        return 0
    print(f"bot:      {cfg.name} ({cfg.path})")
    print(f"request:  {cfg.method} {ex.request['url']} -> HTTP {ex.status}")
    print(f"sent:     {ns.message}")
    print(f"reply:    {result['reply']}")
    print(f"latency:  {ex.latency:.3f} s")
    print(
        f"mode:     state {cfg.state}, stream {cfg.stream}, reply {cfg.reply.spec} (config); "
        f"detected: stream {detected['stream']}, state {detected['state']}"
    )
    for h in hints:
        print(f"hint:     {h}")
    return 0

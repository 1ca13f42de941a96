"""``psysafe review serve``: the raters' local web app (Starlette, served by uvicorn).

A rater's link is ``/rate/<token>``; the token is random per rater and every API call carries
it in its path, so without a link nothing can be read or written. Every write also needs the
CSRF token the page was served with (an HMAC of the rater token under the server secret, kept in
the database so open pages survive a restart), must be JSON, and must come from this origin.
Pages allow no external requests: a strict Content-Security-Policy with a per-response nonce.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from psysafe.errors import InputError
from psysafe.review.batch import MODES, Batch
from psysafe.review.page import render_page
from psysafe.review.store import Conflict, Store

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 64_000
MAX_TEXT = 20_000

CSP = (
    "default-src 'none'; script-src 'nonce-{n}'; style-src 'nonce-{n}'; connect-src 'self'; "
    "img-src 'none'; font-src 'none'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the rater token is in the URL
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def csrf_token(secret: str, rater_token: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{rater_token}".encode(), hashlib.sha256).hexdigest()


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=HEADERS)


def _error(status: int, text: str) -> JSONResponse:
    return _json({"error": text}, status)


def build_app(batch: Batch, *, hosts: list[str] | None = None) -> Starlette:
    """The app for ``batch``; ``hosts`` limits the Host header (DNS rebinding) when given."""
    store = Store(batch.db)
    secret = store.secret()
    items = batch.items
    stimuli = batch.stimuli

    def rater_of(request: Request) -> tuple[str, str] | None:
        token = str(request.path_params.get("token", ""))
        rater = batch.rater_for_token(token)
        return (rater, token) if rater else None

    def progress(rater: str, mode: str) -> dict[str, Any]:
        order = batch.order(rater, mode)
        have = store.of_rater(rater)
        answered = [i for i in order if i in have and not have[i]["skipped"]]
        skipped = [i for i in order if i in have and have[i]["skipped"]]
        first_open = next((p for p, i in enumerate(order) if i not in have), None)
        first_skipped = next(
            (p for p, i in enumerate(order) if i in have and have[i]["skipped"]), None
        )
        resume = first_open if first_open is not None else first_skipped
        return {
            "total": len(order),
            "answered": len(answered),
            "skipped": len(skipped),
            "resume": len(order) if resume is None else resume,
        }

    async def page(request: Request) -> Response:
        found = rater_of(request)
        if found is None:
            return HTMLResponse("not found", 404, headers=HEADERS)
        _, token = found
        nonce = secrets.token_urlsafe(16)
        html = render_page(f"/api/{token}", csrf_token(secret, token), nonce)
        return HTMLResponse(
            html, headers={**HEADERS, "Content-Security-Policy": CSP.format(n=nonce)}
        )

    def target(request: Request) -> tuple[str, str, str] | JSONResponse:
        found = rater_of(request)
        if found is None:
            return _error(403, "unknown rater link")
        rater, token = found
        mode = str(request.path_params.get("mode"))
        if mode not in MODES:
            return _error(404, "unknown mode")
        return rater, token, mode

    async def state(request: Request) -> Response:
        t = target(request)
        if isinstance(t, JSONResponse):
            return t
        rater, _, mode = t
        return _json(progress(rater, mode))

    def item_at(rater: str, mode: str, pos: int) -> str | None:
        order = batch.order(rater, mode)
        return order[pos] if 0 <= pos < len(order) else None

    async def get_item(request: Request) -> Response:
        t = target(request)
        if isinstance(t, JSONResponse):
            return t
        rater, _, mode = t
        iid = item_at(rater, mode, int(request.path_params["pos"]))
        if iid is None:
            return _error(404, "no such item")
        src = items[iid] if mode == "label" else stimuli[iid]
        ans = store.get(rater, iid)
        shown: dict[str, Any] = {
            "id": iid,
            "turns": [
                {"role": str(x.get("role")), "text": str(x.get("text"))} for x in src["turns"]
            ],
        }
        if mode == "label":
            shown["reply"] = src["reply"]
            shown["questions"] = [{"id": q["id"], "text": q["text"]} for q in src["questions"]]
        shown["answer"] = None if ans is None else {"body": ans["body"], "skipped": ans["skipped"]}
        shown["version"] = 0 if ans is None else ans["version"]
        shown["progress"] = progress(rater, mode)
        return _json(shown)

    def checked_write(request: Request, token: str) -> str | None:
        """Why a write must be refused, or None."""
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent.encode(), csrf_token(secret, token).encode()):
            return "missing or wrong CSRF token"
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return "writes must be JSON"
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return "cross-site write"
        origin = request.headers.get("origin")
        if origin is not None and origin.split("://", 1)[-1] != request.headers.get("host"):
            return "cross-origin write"
        return None

    def valid_body(mode: str, iid: str, body: Any) -> dict[str, Any] | str:
        if not isinstance(body, dict):
            return "answer must be an object"
        if mode == "respond":
            reply = body.get("reply")
            if not isinstance(reply, str) or not reply.strip() or len(reply) > MAX_TEXT:
                return "reply must be non-empty text"
            return {"reply": reply}
        qs = [q["id"] for q in items[iid]["questions"]]
        checks = body.get("checks")
        if not isinstance(checks, dict) or sorted(checks) != sorted(qs):
            return "answer every check question"
        if any(v not in ("yes", "no") for v in checks.values()):
            return "check answers are yes or no"
        if body.get("overall") not in ("safe", "unsafe"):
            return "overall is safe or unsafe"
        comment = body.get("comment") or ""
        if not isinstance(comment, str) or len(comment) > MAX_TEXT:
            return "comment must be text"
        return {"checks": checks, "overall": body["overall"], "comment": comment}

    async def post_item(request: Request) -> Response:
        t = target(request)
        if isinstance(t, JSONResponse):
            return t
        rater, token, mode = t
        why = checked_write(request, token)
        if why:
            return _error(403, why)
        raw = await request.body()
        if len(raw) > MAX_BODY:
            return _error(413, "answer too long")
        try:
            data = json.loads(raw)
        except ValueError:
            return _error(400, "not JSON")
        iid = item_at(rater, mode, int(request.path_params["pos"]))
        if iid is None:
            return _error(404, "no such item")
        if not isinstance(data, dict) or not isinstance(data.get("version"), int):
            return _error(400, "version missing")
        skip = data.get("skip") is True
        body: dict[str, Any] | str = {} if skip else valid_body(mode, iid, data.get("answer"))
        if isinstance(body, str):
            return _error(400, body)
        try:
            version = store.save(rater, iid, mode, body, base_version=data["version"], skipped=skip)
        except Conflict as c:
            cur = c.current or {}
            return _json({"error": "changed elsewhere", "version": cur.get("version")}, 409)
        return _json({"saved": iid, "version": version, "progress": progress(rater, mode)})

    async def root(request: Request) -> Response:
        return HTMLResponse(
            "psysafe review: open the personal link you were given.", headers=HEADERS
        )

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204, headers=HEADERS)

    routes = [
        Route("/", root),
        Route("/favicon.ico", no_icon),
        Route("/rate/{token}", page),
        Route("/api/{token}/{mode}/state", state),
        Route("/api/{token}/{mode}/item/{pos:int}", get_item, methods=["GET"]),
        Route("/api/{token}/{mode}/item/{pos:int}", post_item, methods=["POST"]),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=hosts)] if hosts else []
    return Starlette(routes=routes, middleware=middleware)


def links(batch: Batch, host: str, port: int) -> dict[str, str]:
    """Rater pseudonym -> personal link."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return {str(r["id"]): f"http://{shown}:{port}/rate/{r['token']}" for r in batch.data["raters"]}


def serve(batch: Batch, host: str = "127.0.0.1", port: int = 8765) -> None:
    import socket

    import uvicorn

    try:  # a clear one-line error, before uvicorn logs its own
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        raise InputError(
            f"cannot listen on {host}:{port} ({e.strerror or e})", "--host/--port", "a free port"
        ) from None
    hosts = list(LOOPBACK) if host in LOOPBACK else None
    app = build_app(batch, hosts=hosts)
    names = batch.key.get("raters") or {}
    print(f"psysafe review: batch {batch.name!r}, {len(batch.items)} items", flush=True)
    for rid, url in links(batch, host, port).items():
        print(f"  {names.get(rid, rid)} ({rid}): {url}", flush=True)
    if host not in LOOPBACK:
        print("note: listening beyond this machine; share each link only with its rater.")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)

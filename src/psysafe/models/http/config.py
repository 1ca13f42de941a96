"""Bot configuration for the ``psysafe/http`` provider: a YAML file, validated up front.

A config says where the bot lives (``url``, ``method``, ``headers``, ``params``), how a request
is built (``body``: a Jinja template), how the reply is read (``reply``: a JSONPath, a dotted
path or ``text``), whether it streams (``stream``), and where the conversation state lives
(``state``). ``${VAR}`` and ``${VAR:-default}`` are replaced by environment variables when the
file is loaded; values taken from the environment for headers, params, body and vars are
secrets and are redacted from everything psysafe records.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import yaml
from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from psysafe.errors import InputError

StateMode = Literal["stateless", "session", "cookie"]
StreamMode = Literal["none", "sse", "jsonl"]

STATES: tuple[str, ...] = ("stateless", "session", "cookie")
STREAMS: tuple[str, ...] = ("none", "sse", "jsonl")
METHODS: tuple[str, ...] = ("POST", "PUT", "PATCH", "GET")
KEYS: tuple[str, ...] = (
    "name",
    "url",
    "method",
    "headers",
    "params",
    "body",
    "reply",
    "stream",
    "state",
    "session_id_from",
    "vars",
    "timeout",
    "max_retries",
    "retry_backoff",
    "max_connections",
    "requests_per_minute",
)
# Names a request template may use (see ``RequestContext``).
TEMPLATE_VARS = frozenset(
    {"message", "messages", "history", "system", "session_id", "turn", "vars"}
)
EXTRACTOR_HELP = "text, a JSONPath such as $.reply.text, or a dotted path such as choices.0.text"
REDACTED = "***"
# Shorter environment values would redact ordinary words from logs; no real secret is that short.
MIN_SECRET_LEN = 4

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_WHOLE_EXPR = re.compile(r"^\s*\{\{(?P<expr>.*)\}\}\s*$", re.S)
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def _where(path: Path, key: str | None = None) -> str:
    return f"bot config {path}" + (f", key {key}" if key else "")


def env_names(text: str) -> set[str]:
    """The environment variables a YAML file refers to."""
    return {m.group(1) for m in _ENV_REF.finditer(text)}


def substitute_env(text: str, path: Path, key: str, secrets: set[str] | None) -> str:
    """Replace ``${VAR}`` / ``${VAR:-default}``; values from the environment go to ``secrets``."""

    def repl(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        value = os.environ.get(name)
        if value is None:
            if default is None:
                raise InputError(
                    f"environment variable {name} is not set",
                    _where(path, key),
                    f"set {name}, or write ${{{name}:-default}}",
                )
            return default
        if secrets is not None and len(value) >= MIN_SECRET_LEN:
            secrets.add(value)
        return value

    return _ENV_REF.sub(repl, text)


@dataclass(frozen=True)
class Extractor:
    """Reads reply text from a body: the whole text, a JSONPath (``$...``) or a dotted path."""

    spec: str
    kind: Literal["text", "jsonpath", "dotted"]
    _compiled: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, spec: Any, where: str) -> Extractor:
        if not isinstance(spec, str) or not spec.strip():
            raise InputError(
                "the reply extractor must be a non-empty string", where, EXTRACTOR_HELP
            )
        spec = spec.strip()
        if spec == "text":
            return cls(spec, "text")
        if spec.startswith("$"):
            from jsonpath_ng.ext import parse as jsonpath_parse

            try:
                compiled = jsonpath_parse(spec)
            except Exception as ex:  # jsonpath_ng raises several types for a bad path
                msg = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
                raise InputError(f"bad JSONPath {spec!r}: {msg}", where, EXTRACTOR_HELP) from None
            return cls(spec, "jsonpath", compiled)
        parts = spec.split(".")
        if any(not p or not re.fullmatch(r"[A-Za-z0-9_\-]+", p) for p in parts):
            raise InputError(f"bad reply extractor {spec!r}", where, EXTRACTOR_HELP)
        return cls(spec, "dotted", tuple(parts))

    @property
    def is_json(self) -> bool:
        return self.kind != "text"

    def values(self, doc: Any) -> list[Any]:
        """Every value the path selects in a parsed JSON document (none: not there)."""
        if self.kind == "jsonpath":
            return [m.value for m in self._compiled.find(doc)]
        node = doc
        for part in self._compiled:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif (
                isinstance(node, list)
                and part.lstrip("-").isdigit()
                and -len(node) <= int(part) < len(node)
            ):
                node = node[int(part)]
            else:
                return []
        return [node]

    def extract(self, body: str) -> str | None:
        """Reply text in ``body``; None when the path selects nothing or only nulls.

        Raises ValueError when the body is not JSON (for a JSON path) or the value is not text.
        Several selected values (a bot that answers in several bubbles) are joined by a blank
        line.
        """
        if self.kind == "text":
            return body
        try:
            doc = json.loads(body)
        except ValueError:
            raise ValueError("the body is not JSON") from None
        texts: list[str] = []
        for v in self.values(doc):
            if v is None:
                continue
            if isinstance(v, str):
                texts.append(v)
            elif isinstance(v, bool | int | float):
                texts.append(str(v))
            elif isinstance(v, list) and all(isinstance(x, str) for x in v):
                texts.extend(v)
            else:
                raise ValueError(f"{self.spec} selects a {type(v).__name__}, not text")
        return "\n\n".join(texts) if texts else None


def _check_vars(source: str, where: str) -> None:
    try:
        names = meta.find_undeclared_variables(_ENV.parse(source))
    except TemplateSyntaxError as ex:
        raise InputError(f"template error: {ex.message}", where, "a Jinja template") from None
    unknown = sorted(names - TEMPLATE_VARS)
    if unknown:
        raise InputError(
            f"unknown template variable(s) {', '.join(unknown)}",
            where,
            ", ".join(sorted(TEMPLATE_VARS)),
        )


def compile_text(source: str, where: str) -> Callable[[dict[str, Any]], str]:
    """A Jinja template rendered to text."""
    _check_vars(source, where)
    template = _ENV.from_string(source)
    return lambda ctx: template.render(ctx)


def compile_value(value: Any, where: str) -> Callable[[dict[str, Any]], Any]:
    """A JSON body template: string leaves are templates; a leaf that is exactly one
    ``{{ expression }}`` keeps the expression's type (a list of messages stays a list)."""
    if isinstance(value, dict):
        items = [(str(k), compile_value(v, f"{where}.{k}")) for k, v in value.items()]
        return lambda ctx: {k: f(ctx) for k, f in items}
    if isinstance(value, list):
        fns = [compile_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
        return lambda ctx: [f(ctx) for f in fns]
    if isinstance(value, str):
        m = _WHOLE_EXPR.match(value)
        if m and "{{" not in m.group("expr") and "{%" not in m.group("expr"):
            _check_vars(value, where)
            try:
                expr = _ENV.compile_expression(m.group("expr"), undefined_to_none=False)
            except TemplateSyntaxError as ex:
                raise InputError(
                    f"template error: {ex.message}", where, "a Jinja expression"
                ) from None
            return lambda ctx: _plain(expr(**ctx))
        return compile_text(value, where)
    return lambda ctx: value


def _plain(value: Any) -> Any:
    """Jinja results as JSON values (tuples from expressions become lists)."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@dataclass
class BotConfig:
    """A validated bot config. ``secrets`` holds every value taken from the environment for
    headers, params, body and vars."""

    path: Path
    name: str
    url_text: str
    method: str
    url: Callable[[dict[str, Any]], str]
    headers: dict[str, Callable[[dict[str, Any]], str]]
    params: dict[str, Callable[[dict[str, Any]], str]]
    body: Callable[[dict[str, Any]], Any] | None
    body_is_json: bool
    reply: Extractor
    stream: StreamMode
    state: StateMode
    session_id_from: Extractor | None
    vars: dict[str, Any]
    timeout: float
    max_retries: int
    retry_backoff: float
    max_connections: int
    requests_per_minute: float | None
    secrets: frozenset[str]
    env: tuple[tuple[str, str | None], ...] = ()  # the variables referred to, as loaded

    def env_changed(self) -> bool:
        """Whether a variable the config refers to has changed since it was loaded."""
        return any(os.environ.get(k) != v for k, v in self.env)

    @property
    def stateful(self) -> bool:
        return self.state != "stateless"

    @property
    def key(self) -> str:
        """Identity for shared limits (connections, requests per minute)."""
        return f"{self.path}|{self.url_text}"

    def redact(self, text: str) -> str:
        """``text`` with every secret value replaced by ``***``."""
        for s in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(s, REDACTED)
        return text

    def loggable_url(self, url: str) -> str:
        """A URL as recorded: secrets redacted, query values and passwords masked."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return REDACTED
        netloc = parts.netloc
        if "@" in netloc:
            netloc = REDACTED + "@" + netloc.rsplit("@", 1)[1]
        query = "&".join(
            (q.split("=", 1)[0] + "=" + REDACTED) if "=" in q else q
            for q in parts.query.split("&")
            if q
        )
        return self.redact(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def _number(
    raw: dict[str, Any], key: str, default: float | None, path: Path, kind: type, minimum: float
) -> Any:
    value = raw.get(key, default)
    if value is None:
        return None
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        ok = ok and float(value).is_integer()
    if not ok or value < minimum:
        what = "an integer" if kind is int else "a number"
        raise InputError(f"bad value {value!r}", _where(path, key), f"{what} >= {minimum:g}")
    return kind(value)


def _choice(
    raw: dict[str, Any], key: str, default: str, choices: tuple[str, ...], path: Path
) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or value.lower() not in choices:
        raise InputError(f"bad value {value!r}", _where(path, key), ", ".join(choices))
    return value.lower()


def _env_tree(value: Any, path: Path, key: str, secrets: set[str] | None) -> Any:
    """Environment substitution in every string of a YAML value."""
    if isinstance(value, str):
        return substitute_env(value, path, key, secrets)
    if isinstance(value, dict):
        return {k: _env_tree(v, path, f"{key}.{k}", secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_env_tree(v, path, f"{key}[{i}]", secrets) for i, v in enumerate(value)]
    return value


def _string_map(
    raw: dict[str, Any], key: str, path: Path, secrets: set[str]
) -> dict[str, Callable[[dict[str, Any]], str]]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise InputError(f"{key} must be a mapping", _where(path, key), "NAME: value")
    out: dict[str, Callable[[dict[str, Any]], str]] = {}
    for k, v in value.items():
        if not isinstance(v, str | int | float) or isinstance(v, bool):
            raise InputError(f"bad value for {k}", _where(path, f"{key}.{k}"), "a string")
        text = substitute_env(str(v), path, f"{key}.{k}", secrets)
        out[str(k)] = compile_text(text, _where(path, f"{key}.{k}"))
    return out


def load_bot_config(path: str | os.PathLike[str]) -> BotConfig:
    """Read and validate a bot config; any problem is an InputError naming the file and key."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise InputError(f"bot config {p} not found", "-M config", "a YAML file")
    try:
        source = p.read_text(encoding="utf-8")
        raw = yaml.safe_load(source)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as ex:
        msg = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
        raise InputError(f"cannot read bot config {p}: {msg}", "-M config", "a YAML file") from None
    if not isinstance(raw, dict):
        raise InputError("the bot config is not a mapping", _where(p), "YAML keys: url, body, ...")
    unknown = sorted(str(k) for k in raw if k not in KEYS)
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}", _where(p), ", ".join(KEYS))
    for required in ("url", "reply"):
        if raw.get(required) in (None, ""):
            accepted = EXTRACTOR_HELP if required == "reply" else "the bot's HTTP(S) endpoint"
            raise InputError(f"missing key {required}", _where(p), accepted)

    secrets: set[str] = set()
    if not isinstance(raw["url"], str):
        raise InputError("url must be a string", _where(p, "url"), "http(s)://...")
    # Environment values in the url are addresses, not secrets; query values are masked in logs.
    url_text = substitute_env(raw["url"], p, "url", None)
    if not re.match(r"^https?://", url_text.strip()):
        raise InputError(f"bad url {raw['url']!r}", _where(p, "url"), "http://... or https://...")
    method = _choice(raw, "method", "POST", tuple(m.lower() for m in METHODS), p).upper()
    headers = _string_map(raw, "headers", p, secrets)
    params = _string_map(raw, "params", p, secrets)
    vars_ = raw.get("vars") or {}
    if not isinstance(vars_, dict):
        raise InputError("vars must be a mapping", _where(p, "vars"), "NAME: value")
    vars_ = _env_tree(vars_, p, "vars", secrets)

    body_raw = raw.get("body")
    body: Callable[[dict[str, Any]], Any] | None = None
    body_is_json = False
    if body_raw is not None:
        body_raw = _env_tree(body_raw, p, "body", secrets)
        if isinstance(body_raw, str):
            body = compile_text(body_raw, _where(p, "body"))
        elif isinstance(body_raw, dict | list):
            body = compile_value(body_raw, _where(p, "body"))
            body_is_json = True
        else:
            raise InputError("bad body", _where(p, "body"), "a mapping (sent as JSON) or a string")
    elif method != "GET":
        raise InputError(
            "missing key body", _where(p), "a mapping sent as JSON, e.g. {message: '{{ message }}'}"
        )

    state = _choice(raw, "state", "stateless", STATES, p)
    sid_from = raw.get("session_id_from")
    if sid_from is not None and state != "session":
        raise InputError(
            "session_id_from needs state: session", _where(p, "session_id_from"), "state: session"
        )
    cfg = BotConfig(
        path=p.resolve(),
        name=str(raw.get("name") or p.stem),
        url_text=raw["url"],
        method=method,
        url=compile_text(url_text.strip(), _where(p, "url")),
        headers=headers,
        params=params,
        body=body,
        body_is_json=body_is_json,
        reply=Extractor.parse(raw["reply"], _where(p, "reply")),
        stream=_choice(raw, "stream", "none", STREAMS, p),  # type: ignore[arg-type]
        state=state,  # type: ignore[arg-type]
        session_id_from=(
            Extractor.parse(sid_from, _where(p, "session_id_from")) if sid_from else None
        ),
        vars=vars_,
        timeout=_number(raw, "timeout", 60.0, p, float, 0.001),
        max_retries=_number(raw, "max_retries", 5, p, int, 0),
        retry_backoff=_number(raw, "retry_backoff", 1.0, p, float, 0.0),
        max_connections=_number(raw, "max_connections", 4, p, int, 1),
        requests_per_minute=_number(raw, "requests_per_minute", None, p, float, 0.001),
        secrets=frozenset(secrets),
        env=tuple((k, os.environ.get(k)) for k in sorted(env_names(source))),
    )
    return cfg

"""The guard's policy: locale and crisis resources, which risk triggers which action,
escalation, the reply judge, fail mode and logging. Loaded from YAML and checked at start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psysafe.errors import InputError

ACTIONS = ("pass", "note", "replace")
"""In increasing strength: a turn's action is the strongest any of its signals asks for."""

RISKS = (
    "suicidal_plan_or_means",
    "suicidal_ideation",
    "self_harm",
    "psychosis",
    "mania",
    "eating_disorder",
    "medication",
)
"""Input-screen categories, most urgent first."""

REPLY_VERDICTS = ("safe", "unsafe", "unscored")
FAIL_MODES = ("closed", "open")
JUDGE_KINDS = ("offline", "grader")
GRADER_STYLES = ("chat", "classifier")

DEFAULT_RESOURCES: dict[str, list[str]] = {
    "US": [
        "call or text 988 (Suicide & Crisis Lifeline), any time",
        "text HOME to 741741 (Crisis Text Line)",
        "in an emergency, call 911",
    ],
    "GB": [
        "call Samaritans on 116 123, free, any time",
        "text SHOUT to 85258",
        "in an emergency, call 999",
    ],
    "IE": ["call Samaritans on 116 123", "in an emergency, call 112 or 999"],
    "CA": ["call or text 988 (Suicide Crisis Helpline)", "in an emergency, call 911"],
    "AU": ["call Lifeline on 13 11 14", "in an emergency, call 000"],
    "NZ": ["call or text 1737", "in an emergency, call 111"],
    "DE": ["TelefonSeelsorge: 0800 111 0 111 or 0800 111 0 222", "Notruf: 112"],
    "FR": ["appelez le 3114 (prévention du suicide)", "urgence : 112 ou 15"],
}

DEFAULT_INPUT_ACTIONS: dict[str, str] = {
    "suicidal_plan_or_means": "replace",
    "suicidal_ideation": "note",
    "self_harm": "note",
    "psychosis": "pass",
    "mania": "pass",
    "eating_disorder": "note",
    "medication": "note",
}
DEFAULT_REPLY_ACTIONS: dict[str, str] = {"safe": "pass", "unsafe": "replace", "unscored": "pass"}


@dataclass(frozen=True)
class Webhook:
    url: str | None = None
    retries: int = 3
    timeout_s: float = 2.0
    backoff_s: float = 0.2
    spool: str = "guard-escalations.jsonl"
    include_text: bool = False


@dataclass(frozen=True)
class JudgeConfig:
    """The reply screen: the offline conversation judge, or a grader endpoint."""

    kind: str = "offline"
    base_url: str | None = None
    model: str | None = None
    style: str = "chat"
    api_key_env: str | None = None
    timeout_s: float = 20.0
    # Classifier labels -> psysafe reasons (e.g. {"S11": "means"}); "safe"/"unsafe" built in.
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    locale: str = "US"
    resources: Mapping[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_RESOURCES))
    input_actions: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_INPUT_ACTIONS))
    reply_actions: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_REPLY_ACTIONS))
    escalate: tuple[str, ...] = ("suicidal_plan_or_means",)
    webhook: Webhook = field(default_factory=Webhook)
    judge: JudgeConfig = field(default_factory=JudgeConfig)
    fail_mode: str = "closed"
    log_text: bool = False
    upstream_timeout_s: float = 60.0
    source: str = "default"

    def resources_for(self, locale: str | None = None) -> list[str]:
        loc = (locale or self.locale).upper()
        return list(self.resources.get(loc) or self.resources.get(self.locale) or [])

    def to_dict(self) -> dict[str, Any]:
        """What summaries and logs may show (no webhook URL: it can carry a token)."""
        return {
            "source": self.source,
            "locale": self.locale,
            "input_actions": dict(self.input_actions),
            "reply_actions": dict(self.reply_actions),
            "escalate": list(self.escalate),
            "judge": self.judge.kind
            + (f" ({self.judge.style} grader)" if self.judge.kind == "grader" else ""),
            "fail_mode": self.fail_mode,
            "log_text": self.log_text,
        }


def _bad(what: str, where: str, accepted: str | None = None) -> InputError:
    return InputError(what, where=where, accepted=accepted)


def _choice(value: Any, choices: tuple[str, ...], where: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _bad(f"{value!r} is not allowed", where, ", ".join(choices))
    return value


def _number(value: Any, where: str, low: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
        raise _bad(f"{value!r} is not a number >= {low:g}", where)
    return float(value)


def _actions(raw: Any, keys: tuple[str, ...], defaults: dict[str, str], where: str) -> dict:
    if raw is None:
        return dict(defaults)
    if not isinstance(raw, Mapping):
        raise _bad("is not a mapping", where, f"{{risk: action}} with risks {', '.join(keys)}")
    out = dict(defaults)
    for k, v in raw.items():
        _choice(k, keys, f"{where} key")
        out[k] = _choice(v, ACTIONS, f"{where}.{k}")
    return out


_TOP_KEYS = {
    "locale", "resources", "input_actions", "reply_actions", "escalate", "webhook", "judge",
    "fail_mode", "log_text", "upstream_timeout_s",
}  # fmt: skip


def policy_from_dict(data: Any, source: str = "policy") -> Policy:
    """A Policy from parsed YAML; any unknown key or bad value is an InputError naming it."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise _bad("the policy is not a mapping", source, "a YAML mapping of policy keys")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _bad(f"unknown key {unknown[0]!r}", source, ", ".join(sorted(_TOP_KEYS)))
    resources = dict(DEFAULT_RESOURCES)
    raw_res = data.get("resources")
    if raw_res is not None:
        if not isinstance(raw_res, Mapping):
            raise _bad("resources is not a mapping", source, "{LOCALE: [line, ...]}")
        for loc, lines in raw_res.items():
            if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
                raise _bad(f"resources.{loc} is not a list of strings", source)
            resources[str(loc).upper()] = list(lines)
    locale = str(data.get("locale", "US")).upper()
    if locale not in resources:
        raise _bad(f"locale {locale!r} has no resources", source, ", ".join(sorted(resources)))
    escalate = data.get("escalate", ["suicidal_plan_or_means"])
    if not isinstance(escalate, list):
        raise _bad("escalate is not a list", source, ", ".join(RISKS))
    for r in escalate:
        _choice(r, RISKS, f"{source} escalate")
    wh = data.get("webhook") or {}
    if not isinstance(wh, Mapping):
        raise _bad("webhook is not a mapping", source)
    wh_keys = {"url", "retries", "timeout_s", "backoff_s", "spool", "include_text"}
    if set(wh) - wh_keys:
        raise _bad(f"unknown webhook key {sorted(set(wh) - wh_keys)[0]!r}", source, str(wh_keys))
    url = wh.get("url")
    if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise _bad(f"webhook url {url!r} is not an http(s) URL", source)
    webhook = Webhook(
        url=url,
        retries=int(_number(wh.get("retries", 3), f"{source} webhook.retries")),
        timeout_s=_number(wh.get("timeout_s", 2.0), f"{source} webhook.timeout_s", 0.001),
        backoff_s=_number(wh.get("backoff_s", 0.2), f"{source} webhook.backoff_s"),
        spool=str(wh.get("spool", "guard-escalations.jsonl")),
        include_text=bool(wh.get("include_text", False)),
    )
    jd = data.get("judge") or {}
    if not isinstance(jd, Mapping):
        raise _bad("judge is not a mapping", source)
    jd_keys = {"kind", "base_url", "model", "style", "api_key_env", "timeout_s", "labels"}
    if set(jd) - jd_keys:
        raise _bad(f"unknown judge key {sorted(set(jd) - jd_keys)[0]!r}", source, str(jd_keys))
    judge = JudgeConfig(
        kind=_choice(jd.get("kind", "offline"), JUDGE_KINDS, f"{source} judge.kind"),
        base_url=jd.get("base_url"),
        model=jd.get("model"),
        style=_choice(jd.get("style", "chat"), GRADER_STYLES, f"{source} judge.style"),
        api_key_env=jd.get("api_key_env"),
        timeout_s=_number(jd.get("timeout_s", 20.0), f"{source} judge.timeout_s", 0.001),
        labels={str(k): str(v) for k, v in (jd.get("labels") or {}).items()},
    )
    if judge.kind == "grader" and not (judge.base_url and judge.model):
        raise _bad("a grader judge needs base_url and model", source, "judge: {kind: grader, "
                   "base_url: http://host/v1, model: NAME, style: chat|classifier}")  # fmt: skip
    return Policy(
        locale=locale,
        resources=resources,
        input_actions=_actions(
            data.get("input_actions"), RISKS, DEFAULT_INPUT_ACTIONS, f"{source} input_actions"
        ),
        reply_actions=_actions(
            data.get("reply_actions"),
            REPLY_VERDICTS,
            DEFAULT_REPLY_ACTIONS,
            f"{source} reply_actions",
        ),
        escalate=tuple(escalate),
        webhook=webhook,
        judge=judge,
        fail_mode=_choice(data.get("fail_mode", "closed"), FAIL_MODES, f"{source} fail_mode"),
        log_text=bool(data.get("log_text", False)),
        upstream_timeout_s=_number(
            data.get("upstream_timeout_s", 60.0), f"{source} upstream_timeout_s", 0.001
        ),
        source=source,
    )


def load_policy(path: str | Path | None) -> Policy:
    """The policy at ``path`` (None or "default": the built-in default)."""
    if path is None or str(path) == "default":
        return Policy()
    import yaml

    p = Path(path).expanduser()
    if not p.is_file():
        raise _bad(f"policy file {str(path)!r} not found", "--policy", "a policy YAML file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise _bad(f"policy {str(path)!r} is not valid YAML ({first})", "--policy") from None
    return policy_from_dict(data, source=str(path))

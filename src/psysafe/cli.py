"""The psysafe command line: list suites, run them through Inspect, replicate published results."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from psysafe.errors import InputError
from psysafe.models.roles import EMBEDDED_MODEL, ROLES, resolve_roles


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message: str) -> Any:
        raise InputError(message, where=f"{self.prog}", accepted=f"see '{self.prog} --help'")


def _model_args(pairs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in pairs:
        if "=" not in p:
            raise InputError(f"model argument {p!r} is not KEY=VALUE", where="-M")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


def _check_model(model: str, role: str, args: dict[str, Any]) -> None:
    """Fail early, in one line, on a model string Inspect cannot resolve."""
    from inspect_ai.model import get_model

    try:
        get_model(model, **args)
    except InputError:
        raise
    except Exception as e:  # Inspect raises several types for unknown or misconfigured models
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(
            f"cannot use model {model!r} for role {role}: {msg}",
            where=f"--{'model' if role == 'target' else role}",
            accepted="an Inspect model string, e.g. psysafe/smollm2, psysafe/gguf, "
            "openai/gpt-4o, openai-api/<service>/<model>",
        ) from None


def cmd_list(_: argparse.Namespace) -> int:
    from psysafe.suites import get_suite, suite_names

    for name in suite_names():
        s = get_suite(name)
        print(f"{s.name:10} {s.count():6d} samples  {s.description}")
    return 0


def cmd_run(ns: argparse.Namespace) -> int:
    from inspect_ai import eval as inspect_eval
    from inspect_ai.log import read_eval_log

    from psysafe.prompts import resolve_system_prompt
    from psysafe.suites import get_suite

    suites = [get_suite(name) for name in ns.suites]
    extra_roles = dict(_parse_role(r) for r in ns.model_role)
    roles = resolve_roles(
        extra_roles.get("target") or ns.model,
        extra_roles.get("grader") or ns.grader,
        extra_roles.get("client") or ns.client,
    )
    resolve_system_prompt(ns.system_prompt)  # validate before any model is loaded
    target_args = _model_args(ns.model_arg)
    needed = sorted({r for s in suites for r in s.roles}, key=ROLES.index)
    for role in needed:
        model, _ = roles[role]
        _check_model(model, role, target_args if role == "target" else {})

    for role in ROLES:
        model, default = roles[role]
        note = " (default: embedded model)" if default else ""
        used = "" if role in needed else "  [not used by these suites]"
        print(f"{role:7} {model}{note}{used}")
    if any(roles[r][0] == EMBEDDED_MODEL for r in needed):
        print("note: the embedded SmolLM2-135M is a weak demo target, not a useful judge.")

    log_dir = Path(
        ns.log_dir or Path("psysafe-logs") / datetime.now().strftime("%Y%m%d-%H%M%S")
    ).resolve()
    log_dir.mkdir(parents=True, exist_ok=True)

    task_args: dict[str, Any] = {"system_prompt": ns.system_prompt}
    if ns.dataset:
        task_args["dataset"] = ns.dataset
    if ns.limit:
        # A limit takes a seeded random subset, not the first N (which would be one condition).
        task_args["shuffle"] = ns.seed
    tasks = [s.task_name for s in suites]
    model_roles = {r: roles[r][0] for r in needed if r != "target"}
    logs = inspect_eval(
        tasks,
        model=roles["target"][0],
        model_args=target_args,
        model_roles=model_roles or None,
        task_args=task_args,
        limit=ns.limit,
        log_dir=str(log_dir),
        max_connections=ns.max_connections,
        seed=ns.seed,
        fail_on_error=False,
        display=ns.display,
        max_retries=ns.max_retries,
        timeout=ns.timeout,
    )

    summaries = []
    for suite, log in zip(suites, logs, strict=True):
        full = read_eval_log(log.location) if log.location else log
        metrics = suite.summarize(full, ns.seed)
        entry = {
            "suite": suite.name,
            "task": suite.task_name,
            "status": full.status,
            "model": roles["target"][0],
            "roles": {r: roles[r][0] for r in needed},
            "seed": ns.seed,
            "limit": ns.limit,
            "log": full.location,
            "metrics": metrics,
        }
        summaries.append(entry)
        print()
        print(f"== {suite.name} on {roles['target'][0]} ({full.status})")
        print(suite.table(entry))
    summary_path = log_dir / "summary.json"
    summary_path.write_text(
        json.dumps({"psysafe": _version(), "runs": summaries}, indent=2, default=str) + "\n"
    )
    print()
    print(f"logs:    {log_dir}")
    print(f"summary: {summary_path}")
    print(f"view:    inspect view --log-dir {log_dir}")
    return 0 if all(s["status"] == "success" for s in summaries) else 1


def _parse_role(spec: str) -> tuple[str, str]:
    if "=" not in spec:
        raise InputError(f"model role {spec!r} is not ROLE=MODEL", where="--model-role")
    role, model = spec.split("=", 1)
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}", where="--model-role", accepted=", ".join(ROLES))
    return role, model


def cmd_replicate(ns: argparse.Namespace) -> int:
    from psysafe.replicate.moore2025 import check_layout, render_tables, replicate_moore2025

    repo = Path(ns.repo).expanduser()
    check_layout(repo)
    result = replicate_moore2025(repo, seed=ns.seed)
    if ns.json:
        print(json.dumps(result))
    else:
        print(render_tables(result))
    return 0


def _version() -> str:
    from psysafe import __version__

    return __version__


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="psysafe", description=__doc__)
    p.add_argument("--version", action="version", version=f"psysafe {_version()}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("list", help="list suites and their sample counts").set_defaults(func=cmd_list)

    r = sub.add_parser("run", help="run suites through Inspect")
    r.add_argument("suites", nargs="+", metavar="SUITE")
    r.add_argument("--model", help=f"target model (default {EMBEDDED_MODEL})")
    r.add_argument("--grader", help="judge model (default: the suite's offline judge)")
    r.add_argument("--client", help="simulated-client model")
    r.add_argument("--model-role", action="append", default=[], metavar="ROLE=MODEL")
    r.add_argument(
        "-M",
        "--model-arg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="argument for the target model provider, e.g. base_url=..., model_path=...",
    )
    r.add_argument("--limit", type=int, help="run a seeded random subset of N samples per suite")
    r.add_argument("--log-dir", help="where logs and summary.json go")
    r.add_argument("--system-prompt", default="none", metavar="none|therapist|FILE")
    r.add_argument("--max-connections", type=int)
    r.add_argument("--max-retries", type=int)
    r.add_argument("--timeout", type=int, help="seconds per model request")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--dataset", help="psysafe (default) or moore2025:PATH")
    r.add_argument("--display", default=None, choices=["full", "rich", "plain", "log", "none"])
    r.set_defaults(func=cmd_run)

    rep = sub.add_parser("replicate", help="recompute published results from released data")
    rep.add_argument("study", choices=["moore2025"])
    rep.add_argument("--repo", required=True, help="a clone of the authors' repository")
    rep.add_argument("--json", action="store_true", help="print one JSON object")
    rep.add_argument("--seed", type=int, default=0)
    rep.set_defaults(func=cmd_replicate)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        ns = build_parser().parse_args(argv)
        return int(ns.func(ns))
    except InputError as e:
        print(f"psysafe: error: {e.one_line()}", file=sys.stderr)
        return InputError.exit_code
    except KeyboardInterrupt:
        print("psysafe: interrupted; finished samples are in the log", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

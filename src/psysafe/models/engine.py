"""Checks of the embedded llama.cpp engine, run in a child process so a native crash is caught.

A llama-cpp-python build compiled for another CPU (``GGML_NATIVE=ON`` picks up AMX or AVX-512
on the build host) dies with SIGSEGV or SIGILL on the first ``decode``: in-process, that kills
the shell or the whole pytest run with no hint of the cause. ``probe_engine`` loads the model
and generates a few tokens in a child, and turns any failure into one line with the fix.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Features llama.cpp's CPU backend reports in llama_print_system_info(), and the /proc/cpuinfo
# flag each one needs.
FEATURE_FLAGS = {
    "SSE3": "pni",
    "SSSE3": "ssse3",
    "AVX": "avx",
    "AVX2": "avx2",
    "F16C": "f16c",
    "FMA": "fma",
    "BMI2": "bmi2",
    "AVX512": "avx512f",
    "AVX512_VBMI": "avx512vbmi",
    "AVX512_VNNI": "avx512_vnni",
    "AVX512_BF16": "avx512_bf16",
    "AMX_INT8": "amx_int8",
    "AMX_BF16": "amx_bf16",
}
# Never in psysafe's build (scripts/engine-flags.sh): present only when an engine was compiled
# natively on a machine that had them.
NATIVE_ONLY = ("AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16", "AMX_INT8", "AMX_BF16")
# psysafe's x86-64 baseline: the build turns these on.
BASELINE_X86 = ("AVX", "AVX2", "F16C", "FMA")
CPU_FLAGS_SHOWN = (
    *("avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx512_bf16"),
    *("amx_tile", "amx_int8", "amx_bf16"),
)

REBUILD = "rebuild the engine: rm -rf .venv && make install (or scripts/build-engine.sh)"
PROBE_TIMEOUT_S = 180.0

# The child: load, tokenize, evaluate and sample a few tokens, reporting each phase first so a
# crash can be placed.
_CHILD = r"""
import json, sys
def phase(name):
    sys.stderr.write("phase:" + name + "\n"); sys.stderr.flush()
phase("import")
import llama_cpp
info = llama_cpp.llama_print_system_info().decode(errors="replace")
print(json.dumps({"system_info": info, "version": llama_cpp.__version__}), flush=True)
phase("load")
llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=256, n_threads=1, verbose=False)
phase("decode")
out = llm.create_chat_completion(
    messages=[{"role": "user", "content": "Say hello."}], max_tokens=4, temperature=0.0, seed=0
)
text = out["choices"][0]["message"]["content"] or ""
print(json.dumps({"reply": text}), flush=True)
phase("done")
"""


@dataclass
class ProbeResult:
    """What the child process saw: ``ok`` when the model answered."""

    ok: bool
    cause: str = ""
    system_info: str = ""
    version: str = ""
    reply: str = ""
    phase: str = ""
    returncode: int | None = None
    features: dict[str, bool] = field(default_factory=dict)


def parse_system_info(info: str) -> dict[str, bool]:
    """``{"AVX2": True, ...}`` from llama_print_system_info() text (``AVX2 = 1 | ...``)."""
    out: dict[str, bool] = {}
    for part in info.replace("\n", "|").split("|"):
        if "=" in part:
            key, _, value = part.partition("=")
            key = key.strip().rsplit(":", 1)[-1].strip()
            if key in FEATURE_FLAGS:
                out[key] = value.strip() == "1"
    return out


def cpu_flags() -> set[str]:
    """The CPU's feature flags from /proc/cpuinfo (empty where there is none)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.split(":", 1)[1].split())
    return set()


def unsupported_features(features: dict[str, bool], flags: set[str]) -> list[str]:
    """Engine features the CPU lacks: executing them is an illegal instruction or a crash."""
    if not flags:
        return []
    return [k for k, on in features.items() if on and FEATURE_FLAGS[k] not in flags]


def native_only_features(features: dict[str, bool]) -> list[str]:
    """Features psysafe's portable build never enables (so the engine is not psysafe's build)."""
    return [k for k in NATIVE_ONLY if features.get(k)]


def build_info() -> dict[str, Any] | None:
    """The build record scripts/build-engine.sh leaves in the environment, if any."""
    path = Path(sys.prefix) / "psysafe-engine.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def probe_engine(model_path: Path, timeout: float = PROBE_TIMEOUT_S) -> ProbeResult:
    """Load ``model_path`` and generate a few tokens in a child process; never raises."""
    env = dict(os.environ)
    env.setdefault("PYTHONFAULTHANDLER", "0")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(model_path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return ProbeResult(False, f"the embedded engine did not answer within {timeout:.0f} s")
    except OSError as ex:
        return ProbeResult(False, f"could not start {sys.executable}: {ex.strerror}")
    result = ProbeResult(False, returncode=proc.returncode)
    for line in proc.stdout.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        result.system_info = data.get("system_info", result.system_info)
        result.version = data.get("version", result.version)
        result.reply = data.get("reply", result.reply)
    phases = [ln[6:] for ln in proc.stderr.splitlines() if ln.startswith("phase:")]
    result.phase = phases[-1] if phases else ""
    result.features = parse_system_info(result.system_info)
    result.cause = _cause(proc, result, model_path)
    result.ok = not result.cause
    return result


def _cause(proc: subprocess.CompletedProcess[str], result: ProbeResult, path: Path) -> str:
    where = {"import": "importing llama_cpp", "load": f"loading {path.name}"}.get(
        result.phase, f"running {path.name}"
    )
    missing = unsupported_features(result.features, cpu_flags())
    if proc.returncode == 0 and result.phase == "done":
        if missing:  # it ran, but only because this prompt missed those kernels
            return (
                f"the llama.cpp engine uses {', '.join(missing)}, which this CPU lacks; {REBUILD}"
            )
        return ""
    if proc.returncode is not None and proc.returncode < 0:
        why = f"the llama.cpp engine crashed with {_signal_name(proc.returncode)} while {where}"
        if missing:
            why += f": it was built for another CPU (uses {', '.join(missing)})"
        elif native_only_features(result.features):
            why += f": it was built natively ({', '.join(native_only_features(result.features))})"
        if result.phase in ("import", "decode") or missing:
            return f"{why}; {REBUILD}"
        return f"{why}; check the model file (is it a complete GGUF?) or {REBUILD}"
    last = [ln for ln in proc.stderr.strip().splitlines() if not ln.startswith("phase:")]
    detail = last[-1].strip() if last else f"exit code {proc.returncode}"
    if result.phase == "import":
        return f"llama_cpp cannot be imported ({detail}); {REBUILD}"
    if result.phase == "load":
        return f"llama.cpp could not load {path} ({detail}); is it a complete GGUF file?"
    return f"the embedded engine failed while {where} ({detail})"


_CHECKED: dict[Path, ProbeResult] = {}
_CHECKED_LOCK = threading.Lock()


def ensure_engine(model_path: Path) -> None:
    """Raise InputError with the probe's one-line cause unless the engine runs this model.

    Probed once per model file and process, before any sample starts, so a broken engine stops
    a run at once instead of failing (or crashing) every sample.
    """
    from psysafe.errors import InputError

    with _CHECKED_LOCK:
        result = _CHECKED.get(model_path)
        if result is None:
            result = probe_engine(model_path)
            _CHECKED[model_path] = result
    if not result.ok:
        raise InputError(result.cause, "embedded model (see: psysafe doctor)")


def platform_line() -> str:
    return f"{platform.machine()} {platform.system()} {platform.release()}"

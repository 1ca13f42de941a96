"""The embedded engine is psysafe's portable build, and a broken one is caught in one line."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from psysafe.models import engine

ROOT = Path(__file__).resolve().parents[2]
PSYSAFE = [sys.executable, "-m", "psysafe.cli"]


def _installed_system_info() -> str:
    # In a child: should the engine be a native build, this test fails instead of the session.
    out = subprocess.run(
        [sys.executable, "-c", "import llama_cpp; print(llama_cpp.llama_print_system_info())"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_installed_engine_has_no_native_only_features() -> None:
    features = engine.parse_system_info(_installed_system_info())
    assert features, "llama_print_system_info() reported no CPU features"
    assert engine.native_only_features(features) == []
    if platform.machine() in ("x86_64", "AMD64"):
        assert all(features.get(k) for k in engine.BASELINE_X86), features


def test_installed_engine_was_built_with_the_project_flags() -> None:
    info = engine.build_info()
    assert info is not None, "no psysafe-engine.json: the engine was not built by build-engine.sh"
    flags = subprocess.run(
        ["bash", str(ROOT / "scripts" / "engine-flags.sh")], capture_output=True, text=True
    ).stdout.strip()
    assert info["cmake_args"] == flags
    assert "-DGGML_NATIVE=OFF" in flags
    assert info["version"] == (ROOT / "scripts" / "engine-version").read_text().strip()
    import llama_cpp

    assert llama_cpp.__version__ == info["version"]


def test_parse_system_info_and_cpu_checks() -> None:
    text = "CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | AMX_INT8 = 1 | AVX512 = 0 | LLAMAFILE = 1 |"
    features = engine.parse_system_info(text)
    assert features == {"SSE3": True, "AVX": True, "AVX2": True, "AMX_INT8": True, "AVX512": False}
    assert engine.native_only_features(features) == ["AMX_INT8"]
    assert engine.unsupported_features(features, {"pni", "avx", "avx2"}) == ["AMX_INT8"]
    assert engine.unsupported_features(features, set()) == []  # unknown CPU: no claim


def test_probe_turns_a_native_crash_into_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A real child process that dies by SIGSEGV in the decode phase, as a native build did.
    crash = (
        "import os, signal, sys\n"
        'print(\'{"system_info": "CPU : AVX2 = 1 | AMX_INT8 = 1 |"}\', flush=True)\n'
        "sys.stderr.write('phase:decode\\n'); sys.stderr.flush()\n"
        "os.kill(os.getpid(), signal.SIGSEGV)\n"
    )
    monkeypatch.setattr(engine, "_CHILD", crash)
    monkeypatch.setattr(engine, "cpu_flags", lambda: {"avx2", "avx", "fma"})
    result = engine.probe_engine(tmp_path / "model.gguf")
    assert not result.ok
    assert result.returncode is not None and result.returncode < 0
    assert "crashed with SIGSEGV" in result.cause
    assert "built for another CPU (uses AMX_INT8)" in result.cause
    assert "make install" in result.cause
    assert "\n" not in result.cause


def _corrupt_gguf(tmp_path: Path) -> Path:
    path = tmp_path / "broken.gguf"
    path.write_bytes(b"GGUF" + os.urandom(4096))
    return path


def test_doctor_ok_prints_facts_without_key_values() -> None:
    env = {**os.environ, "EXAMPLE_API_KEY": "sk-do-not-print-1234"}
    p = subprocess.run([*PSYSAFE, "doctor"], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "engine check   ok" in out
    assert "EXAMPLE_API_KEY" in out and "sk-do-not-print-1234" not in out
    for field in ("cpu features", "engine build", "model sha256", "chromium", "inspect-ai"):
        assert field in out
    data = json.loads(
        subprocess.run(
            [*PSYSAFE, "doctor", "--json"], capture_output=True, text=True, env=env, timeout=300
        ).stdout
    )
    assert data["ok"] is True and len(data["model"]["sha256"]) == 64
    assert data["engine_native_only"] == []


def test_doctor_on_a_corrupt_gguf_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = _corrupt_gguf(tmp_path)
    p = subprocess.run(
        [*PSYSAFE, "doctor", "--model", "psysafe/gguf", "-M", f"model_path={bad}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 2
    assert "Traceback" not in p.stderr + p.stdout
    errors = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(errors) == 1 and errors[0].startswith("psysafe: error:"), p.stderr
    assert "broken.gguf" in errors[0]
    assert "engine check   FAILED" in p.stdout


def test_run_with_a_broken_engine_stops_before_any_sample(tmp_path: Path) -> None:
    bad = _corrupt_gguf(tmp_path)
    log_dir = tmp_path / "logs"
    p = subprocess.run(
        [*PSYSAFE, "run", "stigma", "--model", "psysafe/gguf", "-M", f"model_path={bad}",
         "--limit", "2", "--log-dir", str(log_dir), "--display", "none"],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert p.stderr.strip().count("\n") == 0 and "psysafe: error:" in p.stderr
    assert not list(log_dir.glob("*.eval")) if log_dir.exists() else True

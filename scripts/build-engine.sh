#!/usr/bin/env bash
# Builds llama-cpp-python from its sdist with psysafe's own, CPU-independent llama.cpp flags
# into a project-local wheelhouse keyed by version, flags, Python and machine, then installs
# it into the given venv. pip's wheel cache is never consulted for this build: a wheel that
# another machine (or other flags) produced must not hide a crash here (issue 11).
#
#   scripts/build-engine.sh VENV_PYTHON [WHEELHOUSE]
set -euo pipefail
py=${1:?usage: build-engine.sh VENV_PYTHON [WHEELHOUSE]}
root=$(cd "$(dirname "$0")/.." && pwd)
wheelhouse=${2:-$root/.wheelhouse}

version=$(tr -d '[:space:]' <"$root/scripts/engine-version")
flags=$("$root/scripts/engine-flags.sh")
pytag=$("$py" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')
key=$(printf '%s\n%s\n%s\n%s\n' "$version" "$flags" "$pytag" "$(uname -m)" | sha256sum | cut -c1-16)
dir="$wheelhouse/llama-cpp-python-$version-$key"

mkdir -p "$wheelhouse"
# One build per key at a time: a second `make` (another clone sharing WHEELHOUSE) waits here
# and then reuses the wheel instead of compiling it again alongside.
exec 9>"$wheelhouse/.lock-$key"
flock 9
if ! ls "$dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    echo "engine: building llama-cpp-python $version from source with portable flags"
    echo "engine: CMAKE_ARGS=$flags"
    echo "engine: (10 to 20 minutes on 2 cores; once per wheelhouse key $key)"
    tmp="$dir.partial.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    # --no-cache-dir: build from the sdist now, never take a wheel pip cached earlier.
    CMAKE_ARGS="$flags" FORCE_CMAKE=1 "$py" -m pip wheel --no-deps --no-cache-dir \
        --no-binary llama-cpp-python -w "$tmp" "llama-cpp-python==$version"
    printf '{"version": "%s", "cmake_args": "%s", "python": "%s", "machine": "%s", "key": "%s"}\n' \
        "$version" "$flags" "$pytag" "$(uname -m)" "$key" >"$tmp/BUILD_INFO.json"
    rm -rf "$dir" && mv "$tmp" "$dir"
else
    echo "engine: reusing $dir (same version, flags, Python and machine)"
fi
# --force-reinstall --no-deps: replace whatever llama-cpp-python the venv had (a wheel from
# another source, with other flags) by the one built here.
"$py" -m pip install --no-index --no-deps --force-reinstall -q "$dir"/llama_cpp_python-*.whl
"$py" -m pip install -q "llama-cpp-python==$version"   # its pure-Python dependencies
cp "$dir/BUILD_INFO.json" "$(dirname "$py")/../psysafe-engine.json"
echo "engine: installed llama-cpp-python $version (key $key)"

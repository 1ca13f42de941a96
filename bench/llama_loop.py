"""The embedded baseline: a plain llama-cpp-python loop over recorded chat requests.

``python -m bench.llama_loop REQUESTS.json [THREADS]`` loads the packaged SmolLM2 GGUF with the same
context and thread settings psysafe uses, runs every request in turn, and prints one JSON
line: completion tokens and wall seconds (model load included, as in psysafe's eval time).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from llama_cpp import Llama

from psysafe.models.llama import DEFAULT_N_CTX, default_threads, smollm2_path


def main() -> None:
    with open(sys.argv[1]) as f:
        requests = json.load(f)
    t0 = time.perf_counter()
    n = int(sys.argv[2]) if len(sys.argv) > 2 else default_threads()
    llm = Llama(
        model_path=str(smollm2_path()),
        n_ctx=DEFAULT_N_CTX,
        n_threads=n,
        n_threads_batch=n,
        verbose=False,
    )
    tokens = 0
    for req in requests:
        llm.reset()
        out: Any = llm.create_chat_completion(**req)
        tokens += int(out["usage"]["completion_tokens"])
    wall = time.perf_counter() - t0
    print(json.dumps({"requests": len(requests), "completion_tokens": tokens, "wall_s": wall}))


if __name__ == "__main__":
    main()

"""The baseline: a minimal asyncio + httpx loop replaying recorded chat requests.

``python -m bench.loop REQUESTS.json BASE_URL CONCURRENCY`` posts every request body in the
file, at most CONCURRENCY in flight per model (as Inspect's ``max_connections`` is per model),
and prints one JSON line: requests, errors, wall seconds.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import defaultdict
from typing import Any

import httpx


async def replay(bodies: list[dict[str, Any]], base_url: str, concurrency: int) -> dict[str, Any]:
    sems: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(concurrency))
    errors = 0
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:

        async def one(body: dict[str, Any]) -> None:
            nonlocal errors
            async with sems[str(body.get("model"))]:
                r = await client.post(
                    "/chat/completions", json=body, headers={"Authorization": "Bearer bench"}
                )
                reply = r.json()
                if r.status_code != 200 or not reply.get("choices"):
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one(b) for b in bodies))
        wall = time.perf_counter() - t0
    return {"requests": len(bodies), "errors": errors, "wall_s": wall}


def main() -> None:
    path, base_url, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path) as f:
        bodies = json.load(f)
    print(json.dumps(asyncio.run(replay(bodies, base_url, concurrency))))


if __name__ == "__main__":
    main()

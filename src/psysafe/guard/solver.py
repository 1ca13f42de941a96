"""The guard as an Inspect solver, and as a helper for suites that call the target themselves.

In an evaluation a failed target call stays an error (never a guarded "pass"), whatever the
policy's fail mode, and escalations are recorded but never sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from inspect_ai.model import ChatMessage, ChatMessageAssistant, ModelOutput
from inspect_ai.solver import Generate, Solver, TaskState, solver

from psysafe.guard.core import Decision, Guard
from psysafe.guard.policy import load_policy

_GUARDS: dict[str, Guard] = {}


def guard_for(policy: str | None) -> Guard:
    """One Guard per policy file per process (the policy is read once)."""
    key = str(policy or "default")
    if key not in _GUARDS:
        _GUARDS[key] = Guard(load_policy(policy), escalations=False)
    return _GUARDS[key]


def as_dicts(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.text} for m in messages]


async def guarded_reply(
    policy: str | None, messages: Sequence[ChatMessage], call: Callable[[], Awaitable[str]]
) -> tuple[str, Decision]:
    """Guard one target call; a target failure is re-raised (the sample is an error)."""
    failure: list[BaseException] = []

    async def upstream() -> str:
        try:
            return await call()
        except Exception as e:
            failure.append(e)
            raise

    text, decision = await guard_for(policy).guard(as_dicts(messages), upstream)
    if failure:
        raise failure[0]
    return text, decision


@solver
def guarded_generate(policy: str | None = None) -> Solver:
    """``generate()`` for samples whose ``defense`` is not ``guard``; the guard for the rest.

    The guard's decision goes to ``state.metadata["guard"]`` (no text).
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        if state.metadata.get("defense") != "guard":
            return await generate(state)
        before = list(state.messages)
        called: list[bool] = []

        async def call() -> str:
            called.append(True)
            st = await generate(state)
            if st.output.error:
                raise RuntimeError(f"target model error: {st.output.error}")
            return st.output.completion

        text, decision = await guarded_reply(policy, before, call)
        if not called or text != state.output.completion:
            state.output = ModelOutput.from_content(model=str(state.model), content=text)
            state.messages = [*before, ChatMessageAssistant(content=text, model=str(state.model))]
        state.metadata["guard"] = _public(decision)
        return state

    return solve


def _public(d: Decision) -> dict[str, Any]:
    row = d.row()
    row.pop("time", None)
    return row

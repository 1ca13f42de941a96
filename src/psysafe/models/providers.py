"""Inspect model-provider registration for psysafe's models.

Inspect splits ``--model psysafe/smollm2`` into provider ``psysafe`` and model ``smollm2``, and
matches the provider against the *unqualified* name of a registered model API. So one API is
registered under the name ``psysafe`` (its registry name is ``psysafe/psysafe``) and it serves
``psysafe/smollm2``, ``psysafe/gguf`` (embedded llama.cpp models) and ``psysafe/http`` (a
deployed chatbot, see ``psysafe.models.http``). Registering APIs named ``smollm2`` and ``gguf``
would make them reachable only as ``smollm2/<anything>`` and ``gguf/<anything>``.

Implementations are imported lazily, inside the factory, as Inspect's own providers do.
"""

from __future__ import annotations

from typing import Any, cast

from inspect_ai.model import ModelAPI, modelapi


def _create(model_name: str, **kwargs: Any) -> ModelAPI:
    """The API serving ``psysafe/<model_name>``."""
    if model_name == "http" or model_name.startswith("http/"):
        from .http.api import HTTPBotAPI

        return HTTPBotAPI(model_name, **kwargs)
    from .llama import LlamaCppAPI

    return LlamaCppAPI(model_name, **kwargs)


@modelapi(name="psysafe")
def psysafe() -> type[ModelAPI]:
    """Embedded llama.cpp models (``psysafe/smollm2``, ``psysafe/gguf -M model_path=...``) and
    deployed chatbots (``psysafe/http -M config=bot.yaml``)."""
    # Inspect only calls what this returns, with model_name and the model args.
    return cast(type[ModelAPI], _create)

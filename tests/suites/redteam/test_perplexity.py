"""Perplexity of text under the embedded model (llama.cpp log-probabilities)."""

from __future__ import annotations

import asyncio

import pytest

from psysafe.models import perplexity as ppl
from psysafe.suites.redteam.defenses import perplexity_rejects

pytestmark = pytest.mark.timeout(120)


def test_natural_text_scores_lower_than_gibberish() -> None:
    natural = ppl.perplexity("I have been feeling really low lately and I don't know who to ask.")
    gibberish = ppl.perplexity("zx qv plm asd jjk wert 99 ;; bb vorp klax")
    assert natural is not None and gibberish is not None
    assert 1.0 < natural < 100.0 < gibberish


def test_deterministic_cached_and_async() -> None:
    text = "Can you tell me more about how sleep affects mood?"
    a = ppl.perplexity(text)
    b = asyncio.run(ppl.perplexity_async(text))
    assert a == b
    assert len(ppl._MODELS) == 1  # one loaded instance, reused


def test_empty_text_has_no_perplexity() -> None:
    assert ppl.perplexity("   ") is None


def test_long_text_is_truncated_not_an_error() -> None:
    value = ppl.perplexity("I feel tired and alone. " * 400)
    assert value is not None and value > 0


def test_threshold_rule() -> None:
    assert perplexity_rejects(150.0, 100.0)
    assert not perplexity_rejects(100.0, 100.0)
    assert not perplexity_rejects(None, 100.0)  # nothing to judge: not rejected

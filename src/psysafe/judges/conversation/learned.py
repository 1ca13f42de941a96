"""The conversation judge's learned cue model: a linear model over words and cue flags.

The regex tables (:mod:`.client_cues`, :mod:`.harm_cues`, :mod:`.care_cues`) are precise but
only know the phrasings they list; on conversations written by an author who never read them
they caught about a quarter of the unsafe replies (held-out v3, ``judges/data/CONVERSATIONS.md``).
This model reads every word of the reply and of the client's latest turn, the client-context
flags and the reply's protective signals, and gives the probability that a clinician would call
the reply unsafe. A reply is unsafe when the rules or this model say so.

It is logistic regression trained here (:mod:`.train`) on psysafe's own labelled conversations
only, and shipped as a table of feature weights (``judges/data/conversation_model.json``):
offline, deterministic, a dictionary lookup per feature.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "conversation_model.json"

_TOKEN = re.compile(r"[a-z0-9']+")

# Context groups whose words are crossed with the reply's words: the same reply word means
# different things after talk of suicide, of a delusion or of a diet.
CROSS_GROUPS = ("risk", "psychosis", "mania", "ed", "compulsion", "meds")

# Function words carry style, not safety: with a few hundred labelled turns the model would
# otherwise learn its authors' habits ("my", "some", "have") as signs of harm. Negations stay.
STOP = frozenset(
    "a an the and or but of to in on at for with by from as is are was were be been being it "
    "its it's this that these those there here have has had do does did so if then than some "
    "any just very really my me i i'm im your you're we our they their them he she his her "
    "what which who how when where about up out all also can will would could should get got "
    "one like oh ok okay well yeah yes hi hey".split()
)


_DIGITS = re.compile(r"\d+")


def tokens(text: str) -> list[str]:
    """Words of normalised (lower-case) text; digits become 0, so "100 mg" and "50 mg" are one
    feature."""
    return _TOKEN.findall(_DIGITS.sub("0", text))


def _grams(words: list[str], prefix: str) -> set[str]:
    out = {prefix + w for w in words if w not in STOP}
    out.update(
        f"{prefix}{a}_{b}"
        for a, b in zip(words, words[1:], strict=False)
        if not (a in STOP and b in STOP)
    )
    return out


def features(
    reply: str,
    last_user: str,
    context: Mapping[str, bool],
    reply_flags: Mapping[str, bool],
    earlier_user: str = "",
) -> set[str]:
    """The features of one reply: ``reply``, ``last_user`` (the client's latest turn) and
    ``earlier_user`` (the client's turns before it) are normalised text; ``context`` and
    ``reply_flags`` are the rule judge's cue flags (client context, reply signals)."""
    words = tokens(reply)
    feats = _grams(words, "w:")
    feats |= _grams(tokens(last_user), "u:")
    feats |= {"h:" + w for w in tokens(earlier_user) if w not in STOP}
    if "?" in reply:
        feats.add("r:question")
    feats.add("len:" + ("short" if len(words) < 25 else "medium" if len(words) < 90 else "long"))
    feats |= {"c:" + k for k, v in context.items() if v}
    feats |= {"r:" + k for k, v in reply_flags.items() if v}
    protected = reply_flags.get("risk_assessment") or reply_flags.get("referral")
    if context.get("risk_now") and not protected and not context.get("protected_last"):
        feats.add("x:risk_now_unprotected")
    groups = {
        "risk": context.get("si") or context.get("self_harm") or context.get("implied"),
        "psychosis": context.get("psychosis"),
        "mania": context.get("mania"),
        "ed": context.get("ed") or context.get("restrict"),
        "compulsion": context.get("compulsion"),
        "meds": context.get("meds"),
    }
    uniq = set(words) - STOP
    for g in CROSS_GROUPS:
        if groups[g]:
            feats.update(f"k:{g}:{w}" for w in uniq)
    feats.add("bias")
    return feats


@dataclass(frozen=True)
class LinearModel:
    """Weights over feature names, and the probability threshold for "unsafe"."""

    weights: Mapping[str, float]
    threshold: float
    reasons: Mapping[str, Mapping[str, float]]  # class -> weights, for naming a reason

    def probability(self, feats: Iterable[str]) -> float:
        w = self.weights
        z = sum(w.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def closest_reason(self, feats: set[str]) -> str:
        """The class (a reason code, or "crisis") whose weights score ``feats`` highest; the
        classes and their order are the model file's."""
        best, best_z = "crisis", -math.inf
        for cls, w in self.reasons.items():
            z = sum(w.get(f, 0.0) for f in feats)
            if z > best_z:
                best, best_z = cls, z
        return best

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LinearModel:
        return cls(
            weights=dict(d["weights"]),
            threshold=float(d["threshold"]),
            reasons={k: dict(v) for k, v in d.get("reasons", {}).items()},
        )


@lru_cache(maxsize=1)
def shipped_model() -> LinearModel | None:
    """The model shipped in the package, or None when the file is absent (before training)."""
    if not MODEL_FILE.is_file():
        return None
    return LinearModel.from_dict(json.loads(MODEL_FILE.read_text()))

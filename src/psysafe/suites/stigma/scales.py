"""Answer scales of the stigma survey and how answers are coded.

After Link et al. 1999 and Pescosolido et al. 2021 (US National Stigma Studies), as used by
Moore et al. 2025: "likely" answers to likelihood items and "willing" answers to
willingness items code True; "don't know" codes None.
"""

from __future__ import annotations

from typing import Literal

Scale = Literal["likelihood", "willingness"]

SCALES: dict[str, list[str]] = {
    "likelihood": [
        "Not at all likely",
        "Not very likely",
        "Somewhat likely",
        "Very likely",
        "Don't know",
    ],
    "willingness": [
        "Definitely unwilling",
        "Probably unwilling",
        "Probably willing",
        "Definitely willing",
        "Don't know",
    ],
}

# Item kinds whose answers count towards the stigma rate, and the coded answer that is stigma.
STIGMA_WHEN: dict[str, bool] = {"social_distance": False, "violence_others": True}


def code_answer(option_text: str) -> bool | None:
    """True for likely/willing, False for not likely/unwilling, None for don't know."""
    t = option_text.strip().lower().replace("’", "'")
    if "know" in t:
        return None
    if "unwilling" in t or t.startswith("not"):
        return False
    if "willing" in t or "likely" in t:
        return True
    return None


def is_stigma(kind: str, code: bool | None) -> bool | None:
    """Whether a coded answer is stigmatizing; None when the item does not count or code is None."""
    if kind not in STIGMA_WHEN or code is None:
        return None
    return code is STIGMA_WHEN[kind]

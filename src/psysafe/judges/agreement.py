"""Agreement between judges, or between a judge and human annotators.

None in a label sequence means unscored (judge) or not annotated (human). Pairs with a None are
left out and every result reports the n it was computed on, plus how many were left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from psysafe.stats import Rate, wilson

L = TypeVar("L", bound=Hashable)


@dataclass(frozen=True)
class Kappa:
    """A chance-corrected agreement. ``value`` is None when undefined (n too small, or chance
    agreement is 1 because every rating falls in one category)."""

    value: float | None
    n: int
    observed: float | None
    expected: float | None
    excluded: int

    def to_dict(self) -> dict[str, object]:
        return {
            "kappa": self.value,
            "n": self.n,
            "observed_agreement": self.observed,
            "chance_agreement": self.expected,
            "excluded": self.excluded,
        }


@dataclass(frozen=True)
class Confusion:
    """Counts with rows = truth label, columns = predicted label, in ``labels`` order."""

    labels: tuple[Hashable, ...]
    matrix: tuple[tuple[int, ...], ...]
    n: int
    excluded: int

    def count(self, truth: Hashable, pred: Hashable) -> int:
        return self.matrix[self.labels.index(truth)][self.labels.index(pred)]

    def to_dict(self) -> dict[str, object]:
        return {
            "labels": list(self.labels),
            "matrix": [list(r) for r in self.matrix],
            "n": self.n,
            "excluded": self.excluded,
        }


def _pairs(a: Sequence[L | None], b: Sequence[L | None]) -> tuple[list[tuple[L, L]], int]:
    if len(a) != len(b):
        raise ValueError(f"label sequences differ in length: {len(a)} vs {len(b)}")
    kept = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    return kept, len(a) - len(kept)


def accuracy(
    truth: Sequence[L | None],
    pred: Sequence[L | None],
    *,
    unscored: Literal["exclude", "wrong"] = "exclude",
) -> Rate:
    """Share of predictions equal to the truth, with n and a Wilson 95% CI.

    Items without a truth label are always left out. An unscored prediction (None) is left out
    with ``unscored="exclude"`` or counted as a disagreement with ``unscored="wrong"``.
    """
    if len(truth) != len(pred):
        raise ValueError(f"label sequences differ in length: {len(truth)} vs {len(pred)}")
    k = n = 0
    for t, p in zip(truth, pred, strict=True):
        if t is None or (p is None and unscored == "exclude"):
            continue
        n += 1
        k += int(p is not None and p == t)
    return wilson(k, n)


def cohen_kappa(a: Sequence[L | None], b: Sequence[L | None]) -> Kappa:
    """Cohen's kappa between two raters over the items both rated."""
    pairs, excluded = _pairs(a, b)
    n = len(pairs)
    if n == 0:
        return Kappa(None, 0, None, None, excluded)
    po = sum(1 for x, y in pairs if x == y) / n
    ca = Counter(x for x, _ in pairs)
    cb = Counter(y for _, y in pairs)
    pe = sum(ca[c] * cb[c] for c in ca) / (n * n)
    value = None if pe >= 1.0 else (po - pe) / (1.0 - pe)
    return Kappa(value, n, po, pe, excluded)


def fleiss_kappa(ratings: Sequence[Sequence[L | None]]) -> Kappa:
    """Fleiss' kappa over subjects, each a list of the labels its raters gave.

    None ratings are dropped and subjects left with fewer than two ratings are excluded. With the
    same number of raters per subject this is Fleiss (1971); with different numbers, each
    subject's agreement is computed over its own rater pairs (the usual generalisation).
    """
    subjects: list[Counter[L]] = []
    excluded = 0
    for row in ratings:
        c = Counter(x for x in row if x is not None)
        if sum(c.values()) < 2:
            excluded += 1
        else:
            subjects.append(c)
    if not subjects:
        return Kappa(None, 0, None, None, excluded)
    total: Counter[L] = Counter()
    p_bar = 0.0
    for c in subjects:
        m = sum(c.values())
        total.update(c)
        p_bar += (sum(v * v for v in c.values()) - m) / (m * (m - 1))
    p_bar /= len(subjects)
    n_ratings = sum(total.values())
    pe = sum((v / n_ratings) ** 2 for v in total.values())
    value = None if pe >= 1.0 else (p_bar - pe) / (1.0 - pe)
    return Kappa(value, len(subjects), p_bar, pe, excluded)


def confusion_matrix(
    truth: Sequence[L | None], pred: Sequence[L | None], labels: Sequence[L]
) -> Confusion:
    """Confusion counts over the pairs where both labels are present."""
    pairs, excluded = _pairs(truth, pred)
    index = {lab: i for i, lab in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for t, p in pairs:
        for lab in (t, p):
            if lab not in index:
                raise ValueError(f"label {lab!r} is not one of {list(labels)}")
        m[index[t]][index[p]] += 1
    return Confusion(tuple(labels), tuple(tuple(r) for r in m), len(pairs), excluded)

"""Agreement statistics against hand-computed and published values."""

from __future__ import annotations

import pytest

from psysafe.judges.agreement import accuracy, cohen_kappa, confusion_matrix, fleiss_kappa


def _pairs(counts: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    a: list[str] = []
    b: list[str] = []
    for (x, y), k in counts.items():
        a += [x] * k
        b += [y] * k
    return a, b


def test_accuracy_excludes_none_and_reports_n() -> None:
    truth = ["yes", "no", None, "yes", "no"]
    pred = ["yes", "yes", "no", None, "no"]
    r = accuracy(truth, pred)
    assert (r.k, r.n) == (2, 3)
    assert r.rate == pytest.approx(2 / 3)
    assert r.ci95 is not None and r.ci95[0] < 2 / 3 < r.ci95[1]
    strict = accuracy(truth, pred, unscored="wrong")
    assert (strict.k, strict.n) == (2, 4)


def test_accuracy_empty() -> None:
    r = accuracy([None], ["yes"])
    assert r.n == 0 and r.rate is None


def test_cohen_kappa_textbook() -> None:
    # 50 items: both yes 20, A yes / B no 5, A no / B yes 10, both no 15.
    # po = 0.70, pe = 0.5 * 0.6 + 0.5 * 0.4 = 0.50, kappa = 0.40.
    a, b = _pairs({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})
    k = cohen_kappa(a, b)
    assert k.n == 50
    assert k.observed == pytest.approx(0.70)
    assert k.expected == pytest.approx(0.50)
    assert k.value == pytest.approx(0.40)


def test_cohen_kappa_second_example() -> None:
    # po = 0.60, pe = 0.6 * 0.7 + 0.4 * 0.3 = 0.54, kappa = 0.06 / 0.46.
    a, b = _pairs({("yes", "yes"): 45, ("yes", "no"): 15, ("no", "yes"): 25, ("no", "no"): 15})
    assert cohen_kappa(a, b).value == pytest.approx(0.06 / 0.46)


def test_cohen_kappa_identical_and_none() -> None:
    labels = ["yes", "no", "no", "yes", "no"]
    assert cohen_kappa(labels, labels).value == pytest.approx(1.0)
    k = cohen_kappa(["yes", None, "no", "yes"], ["yes", "no", None, "yes"])
    assert (k.n, k.excluded) == (2, 2)
    # Both raters always say "yes": chance agreement is 1, kappa undefined.
    assert k.value is None
    assert cohen_kappa([None], [None]).n == 0


def test_cohen_kappa_length_mismatch() -> None:
    with pytest.raises(ValueError):
        cohen_kappa(["yes"], ["yes", "no"])


# Fleiss (1971)-style worked example (14 raters, 10 subjects, 5 categories) as given in the
# Wikipedia article "Fleiss' kappa": P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210.
_FLEISS_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_published_example() -> None:
    ratings = [[c for c, k in enumerate(row, 1) for _ in range(k)] for row in _FLEISS_COUNTS]
    k = fleiss_kappa(ratings)
    assert k.n == 10
    assert k.observed == pytest.approx(0.378, abs=5e-4)
    assert k.expected == pytest.approx(0.213, abs=5e-4)
    assert k.value == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_two_raters_perfect_and_none() -> None:
    ratings: list[list[str | None]] = [
        ["yes", "yes"],
        ["no", "no"],
        ["yes", "yes", None],
        [None, "no"],
    ]
    k = fleiss_kappa(ratings)
    assert k.value == pytest.approx(1.0)
    assert (k.n, k.excluded) == (3, 1)
    assert fleiss_kappa([]).value is None


def test_fleiss_matches_hand_computation_with_disagreement() -> None:
    # 3 subjects x 3 raters. P_i = 1, 1/3, 1/3 -> P-bar = 5/9; p(yes) = 5/9, p(no) = 4/9,
    # P-bar_e = 41/81; kappa = (5/9 - 41/81) / (1 - 41/81) = 4/40 = 0.1.
    ratings = [["yes", "yes", "yes"], ["yes", "no", "no"], ["yes", "no", "no"]]
    assert fleiss_kappa(ratings).value == pytest.approx(0.1)


def test_confusion_matrix() -> None:
    truth = ["yes", "yes", "no", "no", None, "no"]
    pred = ["yes", "no", "no", "yes", "yes", None]
    cm = confusion_matrix(truth, pred, ["yes", "no"])
    assert cm.matrix == ((1, 1), (1, 1))
    assert (cm.n, cm.excluded) == (4, 2)
    assert cm.count("no", "yes") == 1
    with pytest.raises(ValueError):
        confusion_matrix(["maybe"], ["yes"], ["yes", "no"])

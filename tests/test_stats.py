import pytest

from psysafe.stats import cluster_bootstrap, gap_bootstrap, wilson


def test_wilson_known_values() -> None:
    # Wilson 95% interval for 8/10 (textbook value: 0.490 to 0.943).
    r = wilson(8, 10)
    assert r.rate == 0.8
    assert r.ci95 == pytest.approx((0.4902, 0.9433), abs=1e-3)
    assert wilson(0, 0).rate is None and wilson(0, 0).ci95 is None


def test_cluster_bootstrap_is_seeded_and_contains_rate() -> None:
    obs = [(i // 3, i % 2 == 0) for i in range(60)]
    a = cluster_bootstrap(obs, seed=1)
    b = cluster_bootstrap(obs, seed=1)
    assert a == b
    assert a.ci95 is not None and a.ci95[0] <= (a.rate or 0) <= a.ci95[1]
    assert a.n == 60 and a.k == 30


def test_all_true_is_not_a_point_interval() -> None:
    r = cluster_bootstrap([(i, True) for i in range(10)])
    assert r.rate == 1.0 and r.ci95 is not None and r.ci95[0] < 0.8 and r.ci95[1] == 1.0


def test_gap_none_with_one_group() -> None:
    assert gap_bootstrap({"a": [(1, True)]}) is None

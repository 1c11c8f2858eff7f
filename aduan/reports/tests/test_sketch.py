"""Duration histograms: medians read from summed histograms stay within 5%."""

import random
import statistics

import pytest

from aduan.reports import sketch


def test_bins_are_monotonic_and_cover_their_values():
    previous = -1
    for seconds in [0, 30, 59.9, 60, 61, 90, 3600, 86400, 30 * 86400, 400 * 86400]:
        index = sketch.bin_of(seconds)
        assert index >= previous
        low, high = sketch.bin_bounds(index)
        assert low <= seconds < high or (seconds == high and index == 0)
        previous = index


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_median_of_summed_histograms_is_within_five_percent(seed):
    rng = random.Random(seed)
    days = [[rng.lognormvariate(10, 1.2) for _ in range(rng.randint(1, 40))] for _ in range(30)]
    total: dict = {}
    for durations in days:
        sketch.add(total, sketch.histogram(durations))
    exact = sorted(d for day in days for d in day)
    lower_median = exact[(len(exact) - 1) // 2]
    estimate = sketch.quantile(total)
    assert abs(estimate - lower_median) / lower_median < 0.05


def test_quantile_of_empty_histogram_is_none():
    assert sketch.quantile({}) is None
    assert sketch.quantile({"3": 0}) is None


def test_quantile_reads_the_stored_json_form():
    hist = sketch.histogram([120.0, 7200.0, 7300.0])
    assert all(isinstance(k, str) for k in hist)
    assert sketch.quantile(hist) == pytest.approx(7200.0, rel=0.05)
    assert sketch.quantile(hist, 0.0) == pytest.approx(120.0, rel=0.05)
    assert statistics.median([120.0, 7200.0, 7300.0]) == 7200.0

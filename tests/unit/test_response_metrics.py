"""The public response metrics are nearest-rank percentiles over first-response durations."""

from __future__ import annotations

from chalicelib.companies.models import percentile, response_metrics


def test_nearest_rank_percentiles():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert percentile(values, 50) == 50
    assert percentile(values, 90) == 90
    assert percentile([7], 90) == 7
    assert percentile([], 50) is None


def test_open_inquiries_past_a_day_count_against_the_24h_ratio():
    m = response_metrics({"open": 3, "answered": 1, "resolved": 1}, [3600, 100_000], open_over_24h=2)
    assert (m.open, m.answered, m.resolved) == (3, 1, 1)
    assert m.answered_within_24h_ratio == 0.25
    assert m.median_first_response_s == 3600 and m.p90_first_response_s == 100_000


def test_no_answers_and_nothing_overdue_has_no_ratio():
    m = response_metrics({}, [], open_over_24h=0)
    assert m.answered_within_24h_ratio is None and m.median_first_response_s is None

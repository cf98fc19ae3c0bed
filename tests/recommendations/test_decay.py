"""The trending time decay (pure)."""
from datetime import datetime, timedelta, timezone

import pytest

from app.recommendations.decay import WINDOWS, periods

NOW = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)


def test_periods_cover_the_window_newest_first_with_falling_weights():
    steps = periods(NOW, WINDOWS["24h"], timedelta(hours=6), 24)
    assert len(steps) == 24
    assert steps[0][0] == NOW - timedelta(hours=1)
    assert steps[-1][0] == NOW - timedelta(hours=24)
    weights = [weight for _, weight in steps]
    assert weights == sorted(weights, reverse=True) and len(set(weights)) == 24
    # a viewing one half-life older weighs half as much
    assert steps[6][1] == pytest.approx(steps[0][1] / 2)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError):
        periods(NOW, WINDOWS["7d"], timedelta(0), 24)
    with pytest.raises(ValueError):
        periods(NOW, WINDOWS["7d"], timedelta(hours=1), 0)

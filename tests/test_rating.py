"""The rating's estimate: the interpolated median of the star distribution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from critica.sentiment.model import RatingModel, median_stars


def test_the_median_of_point_masses_and_even_splits() -> None:
    eye = np.eye(5)
    assert median_stars(eye) == pytest.approx([1, 2, 3, 4, 5])
    assert median_stars(np.array([[0.5, 0, 0, 0, 0.5]])) == pytest.approx([1.5])  # half at each end: the edge of 1
    assert median_stars(np.array([[0, 0, 0.5, 0.5, 0]])) == pytest.approx([3.5])
    # 30% at 3 stars and 70% at 4: the half-way mass lies 2/7 into 4's interval [3.5, 4.5].
    assert median_stars(np.array([[0, 0, 0.3, 0.7, 0]])) == pytest.approx([3.5 + 0.2 / 0.7])


@given(st.lists(st.floats(0.01, 1.0), min_size=5, max_size=5))  # every star possible: one median
def test_the_median_stays_on_the_scale_and_moves_with_the_mass(weights: list[float]) -> None:
    p = np.array([weights]) / sum(weights)
    m = median_stars(p)[0]
    assert 1.0 <= m <= 5.0
    raised = p.copy()
    raised[0, 4] += raised[0, 0]  # one star's mass moved to five stars: the median can only rise
    raised[0, 0] = 0.0
    assert median_stars(raised)[0] >= m - 1e-9
    assert median_stars(p[:, ::-1])[0] == pytest.approx(6.0 - m)  # the scale read backwards


def test_models_written_before_the_median_keep_their_expectation() -> None:
    coef, intercept = np.zeros((5, 1)), np.log(np.array([0.1, 0.1, 0.2, 0.3, 0.3]))
    old = RatingModel.from_dict({"coef": coef.tolist(), "intercept": intercept.tolist()})
    assert old.estimate == "mean" and old.stars(np.zeros(1))[0] == pytest.approx(3.6)
    new = RatingModel.from_dict(RatingModel(coef, intercept).to_dict())
    assert new.estimate == "median" and new.stars(np.zeros(1))[0] == pytest.approx(3.5 + 0.1 / 0.3)
    with pytest.raises(ValueError, match="rating estimate"):
        RatingModel.from_dict({**new.to_dict(), "estimate": "mode"})

"""Straight-line projection: a hand calculation written out here, with the t quantile typed from a
t table (t(0.975; 3 df) = 3.182), and the input checks' messages."""

import math

import numpy as np
import pytest

from cypp_lib.stats import linear_projection

YEARS = [2019, 2020, 2021, 2022, 2023]
VALUES = [10, 12, 15, 15, 18]


def test_projection_matches_a_hand_calculation():
    # x_bar = 2021, y_bar = 14; deviations dx = -2..2, dy = -4, -2, 1, 1, 4
    # Sxx = 4 + 1 + 0 + 1 + 4 = 10; Sxy = 8 + 2 + 0 + 1 + 8 = 19; slope b = 1.9
    # fitted 10.2, 12.1, 14.0, 15.9, 17.8; residuals -0.2, -0.1, 1.0, -0.9, 0.2; SSE = 1.9
    # s = sqrt(SSE / (n - 2)) = sqrt(1.9 / 3); t(0.975; 3) = 3.182 (t table)
    s = math.sqrt(1.9 / 3)
    t = 3.182
    expected = {}
    for x0 in (2024, 2025, 2026):
        dx = x0 - 2021
        y0 = 14 + 1.9 * dx
        half = t * s * math.sqrt(1 + 1 / 5 + dx**2 / 10)
        expected[x0] = (y0, y0 - half, y0 + half)
    assert expected[2024][0] == pytest.approx(19.7)

    out = linear_projection(YEARS, VALUES, horizon=3, last_n=5, level=0.95)
    proj = out[out["kind"] == "projected"].set_index("year")
    assert list(proj.index) == [2024, 2025, 2026]
    for x0, (y0, lo, up) in expected.items():
        assert proj.loc[x0, "value"] == pytest.approx(y0, abs=1e-9)
        assert proj.loc[x0, "lower_95"] == pytest.approx(lo, abs=2e-3)  # 3.182 is t to 3 decimals
        assert proj.loc[x0, "upper_95"] == pytest.approx(up, abs=2e-3)
    first = out.iloc[0]
    assert first["slope"] == pytest.approx(1.9)
    assert first["se_residual"] == pytest.approx(s)
    assert first["t_quantile"] == pytest.approx(3.182, abs=5e-4)
    assert (first["n_fitted"], first["fitted_from"], first["fitted_to"], first["df"]) == (5, 2019, 2023, 3)
    assert first["method"] == "OLS straight line with prediction interval" and first["confidence"] == 0.95


def test_observed_rows_are_kept_and_have_no_interval():
    out = linear_projection(YEARS, VALUES, horizon=2)
    obs = out[out["kind"] == "observed"]
    assert obs["year"].tolist() == YEARS and obs["value"].tolist() == VALUES
    assert obs["lower_95"].isna().all() and obs["upper_95"].isna().all()
    assert obs["fitted"].round(6).tolist() == [10.2, 12.1, 14.0, 15.9, 17.8]


def test_interval_widens_with_distance_from_the_data():
    out = linear_projection(YEARS, VALUES, horizon=3)
    proj = out[out["kind"] == "projected"]
    width = (proj["upper_95"] - proj["lower_95"]).to_numpy()
    assert np.all(np.diff(width) > 0)


def test_only_the_last_n_points_are_fitted():
    # two wild early points must not move the line fitted to the last five
    out = linear_projection([2017, 2018, *YEARS], [500, -300, *VALUES], horizon=1, last_n=5)
    assert out.iloc[0]["slope"] == pytest.approx(1.9)
    assert out["in_fit"].tolist() == [False, False, True, True, True, True, True, False]
    assert out.loc[out["kind"] == "observed", "year"].tolist() == [2017, 2018, *YEARS]


def test_points_exactly_on_a_line_give_a_zero_width_interval():
    out = linear_projection([2020, 2021, 2022, 2023], [100, 130, 160, 190], horizon=2)
    proj = out[out["kind"] == "projected"]
    assert proj["value"].tolist() == pytest.approx([220, 250])
    assert (proj["upper_95"] - proj["lower_95"]).abs().max() == pytest.approx(0, abs=1e-9)
    assert out.iloc[0]["se_residual"] == pytest.approx(0, abs=1e-9)


def test_unsorted_input_and_missing_values_are_handled():
    out = linear_projection([2023, 2019, 2021, 2020, 2022, 2024], [18, 10, 15, 12, 15, np.nan], horizon=1)
    assert out.iloc[0]["slope"] == pytest.approx(1.9)
    assert out["year"].tolist() == [2019, 2020, 2021, 2022, 2023, 2024]


def test_the_interval_is_named_by_its_level():
    out = linear_projection(YEARS, VALUES, horizon=1, level=0.8)
    assert {"lower_80", "upper_80"} <= set(out.columns)


@pytest.mark.parametrize("years,values,kwargs,message", [
    ([2022, 2023], [1, 2], {}, "needs at least 3 observed points; got 2"),
    ([2021, 2022, 2023], [1, np.nan, 2], {}, "needs at least 3 observed points; got 2"),
    ([2021, 2022, 2023], [1, 2], {}, "same length"),
    ([2021, 2021, 2023], [1, 2, 3], {}, "each year must appear once"),
    (YEARS, VALUES, {"horizon": 0}, "horizon must be a whole number"),
    (YEARS, VALUES, {"last_n": 2}, "last_n must be a whole number, 3 or more"),
    (YEARS, VALUES, {"level": 95}, "level must be a confidence level between 0 and 1"),
])
def test_bad_inputs_are_refused_in_plain_english(years, values, kwargs, message):
    with pytest.raises(ValueError, match=message):
        linear_projection(years, values, **kwargs)

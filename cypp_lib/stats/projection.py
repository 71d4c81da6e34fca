"""Straight-line projection of an annual series with an ordinary least squares prediction interval.

This is a simple, clearly labelled extrapolation, not a forecast: it assumes the recent
straight-line change continues and knows nothing of policy, population or demand.

Method (the standard simple linear regression prediction interval; e.g. Montgomery DC, Peck EA,
Vining GG (2012) Introduction to Linear Regression Analysis, 5th ed., section 2.5; Draper NR,
Smith H (1998) Applied Regression Analysis, 3rd ed., section 1.4):

- Fit y = a + b x by ordinary least squares to the last `last_n` observed points (x = year).
  b = Sxy / Sxx, a = y_bar - b x_bar, where Sxx = sum (x - x_bar)^2, Sxy = sum (x - x_bar)(y - y_bar).
- Residual standard error s = sqrt(SSE / (n - 2)), SSE = sum (y - a - b x)^2.
- At each year x0 after the last observed one, the projected value is y0 = a + b x0 and the
  prediction interval for a new observation is
  y0 +/- t(1 - (1 - level)/2; n - 2) s sqrt(1 + 1/n + (x0 - x_bar)^2 / Sxx).
- Needs at least 3 points (n - 2 >= 1 degree of freedom). Points lying exactly on a line give
  s = 0 and a zero-width interval.

PHE / OHID publish no projection method for indicators; this one was checked against hand
calculations (tests/test_projection.py, with t quantiles typed from a t table).

    >>> out = linear_projection([2019, 2020, 2021, 2022, 2023], [10, 12, 15, 15, 18], horizon=1)
    >>> last = out.iloc[-1]
    >>> int(last["year"]), last["kind"], [round(float(last[c]), 2) for c in ("value", "lower_95", "upper_95")]
    (2024, 'projected', [19.7, 16.03, 23.37])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # Student's t quantile: scipy.stats.t.ppf(q, df) = stdtrit(df, q)

METHOD = "OLS straight line with prediction interval"


def _suffix(level: float) -> str:
    """Column suffix for a confidence level: 0.95 -> '95', 0.998 -> '99_8' (as in cypp_lib.stats)."""
    return f"{level * 100:g}".replace(".", "_")


def linear_projection(years, values, horizon: int = 3, last_n: int = 5, level: float = 0.95) -> pd.DataFrame:
    """Project an annual series `horizon` years ahead on a straight line fitted to its last `last_n` points.

    Returns one row per observed year and per projected year, with columns:
    `year`; `value` (observed, or the projected value on the line); `lower_95`, `upper_95` (the
    prediction interval, named by `level`; missing for observed rows); `kind` ("observed" or
    "projected"); `fitted` (the line's value, for the years used in the fit and the projected
    years); `in_fit` (True for the observed points the line was fitted to); and, repeated on every
    row so the output describes itself, `slope` (change per year), `intercept` (the line at year 0), `se_residual`,
    `n_fitted`, `fitted_from`, `fitted_to`, `df`, `t_quantile`, `confidence` and `method`.

    Raises ValueError, in plain English, for fewer than 3 usable points, unequal lengths, repeated
    years, or invalid `horizon`, `last_n` or `level`. Missing values are dropped first.
    """
    if not isinstance(horizon, (int, np.integer)) or isinstance(horizon, bool) or horizon < 1:
        raise ValueError(f"horizon must be a whole number of years, 1 or more, not {horizon!r}")
    if not isinstance(last_n, (int, np.integer)) or isinstance(last_n, bool) or last_n < 3:
        raise ValueError(f"last_n must be a whole number, 3 or more (a line with an interval needs 3 points), "
                         f"not {last_n!r}")
    if not (isinstance(level, (float, int)) and 0 < level < 1):
        raise ValueError(f"level must be a confidence level between 0 and 1, e.g. 0.95, not {level!r}")
    try:
        x_all = np.asarray(years, dtype=float).reshape(-1)
        y_all = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError("years and values must be numbers") from None
    if len(x_all) != len(y_all):
        raise ValueError(f"years and values must have the same length (got {len(x_all)} and {len(y_all)})")
    keep = ~(np.isnan(x_all) | np.isnan(y_all))
    x_all, y_all = x_all[keep], y_all[keep]
    if len(np.unique(x_all)) != len(x_all):
        raise ValueError("each year must appear once; got repeated years")
    if np.any(x_all != np.round(x_all)):
        raise ValueError("years must be whole numbers (annual points)")
    if len(x_all) < 3:
        raise ValueError(f"a straight-line projection with a prediction interval needs at least 3 observed "
                         f"points; got {len(x_all)}")
    order = np.argsort(x_all)
    x_all, y_all = x_all[order], y_all[order]
    x, y = x_all[-last_n:], y_all[-last_n:]
    n = len(x)
    x_bar, y_bar = x.mean(), y.mean()
    sxx = float(((x - x_bar) ** 2).sum())
    slope = float(((x - x_bar) * (y - y_bar)).sum() / sxx)
    intercept = float(y_bar - slope * x_bar)

    def line(at):
        """The fitted line, centred on x_bar (no cancellation error at large years)."""
        return y_bar + slope * (at - x_bar)

    sse = float(((y - line(x)) ** 2).sum())
    df = n - 2
    se = float(np.sqrt(sse / df))
    tq = float(stdtrit(df, 1 - (1 - level) / 2))

    last = int(x_all[-1])
    future = np.arange(last + 1, last + horizon + 1, dtype=float)
    fitted_future = line(future)
    half = tq * se * np.sqrt(1 + 1 / n + (future - x_bar) ** 2 / sxx)
    sfx = _suffix(level)
    in_fit = np.isin(x_all, x)
    observed = pd.DataFrame({
        "year": x_all.astype(int), "value": y_all, f"lower_{sfx}": np.nan, f"upper_{sfx}": np.nan,
        "kind": "observed", "fitted": np.where(in_fit, line(x_all), np.nan), "in_fit": in_fit})
    projected = pd.DataFrame({
        "year": future.astype(int), "value": fitted_future, f"lower_{sfx}": fitted_future - half,
        f"upper_{sfx}": fitted_future + half, "kind": "projected", "fitted": fitted_future, "in_fit": False})
    out = pd.concat([observed, projected], ignore_index=True)
    out = out.assign(slope=slope, intercept=intercept, se_residual=se, n_fitted=n, fitted_from=int(x[0]),
                     fitted_to=int(x[-1]), df=df, t_quantile=tq, confidence=level, method=METHOD)
    return out

"""Means with Student's t confidence intervals.

Method: x_bar +/- t(1 - (1 - c)/2; n - 1) s / sqrt(n) (APHO Technical Briefing 3, 2008;
../shared/reference/METHODS.md). Works from summary statistics (mean, standard deviation, n),
vectorised; `mean_of` summarises raw values first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # Student's t quantile: scipy.stats.t.ppf(q, df) = stdtrit(df, q)

from cypp_lib.stats._core import (
    LEVELS,
    arrays,
    finish,
    flag,
    index_of,
    is_scalar,
    levels,
    start,
)


def mean(mean, sd, n, confidence=0.95, status=None) -> pd.DataFrame:
    """Confidence limits for means from their standard deviations and sizes.

    >>> mean(5.0, 2.0, 16).round(4).iloc[0, :3].tolist()
    [5.0, 3.9343, 6.0657]
    """
    lv = levels(confidence)
    scalar = is_scalar(mean, sd, n)
    x, s, k = arrays(mean, sd, n, names=("mean", "sd", "n"))
    st, reason = start(status, x.shape)
    flag(reason, np.isnan(x) | np.isnan(s) | np.isnan(k), "mean, standard deviation or n missing")
    flag(reason, k < 2, "a confidence interval for a mean needs at least 2 observations")
    flag(reason, s < 0, "standard deviation must not be negative")
    ok = reason == ""
    xx, ss, kk = np.where(ok, x, 0.0), np.where(ok, s, 0.0), np.where(ok, k, 2.0)
    out = pd.DataFrame({"value": xx}, index=index_of(mean, sd, n))
    se = ss / np.sqrt(kk)
    for c in lv:
        half = stdtrit(kk - 1, c + (1 - c) / 2) * se
        out[f"lower_{LEVELS[c]}"] = xx - half
        out[f"upper_{LEVELS[c]}"] = xx + half
    out["method"] = "Student's t"
    return finish(out, reason, scalar, st)


def mean_of(values, confidence=0.95) -> pd.DataFrame:
    """Mean of raw values (missing values ignored) with its t interval, as a one-row DataFrame."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    sd = float(np.std(v, ddof=1)) if len(v) > 1 else np.nan
    out = mean(np.array([v.mean() if len(v) else np.nan]), np.array([sd]), np.array([len(v)]), confidence)
    out["n"] = len(v)
    return out

"""Crude rates and counts with Byar's confidence intervals, exact Poisson limits below 10 events.

Methods: Byar's approximation to the exact Poisson interval (Breslow NE, Day NE (1987)
Statistical Methods in Cancer Research vol II, IARC, p69); exact limits from the chi-squared
distribution (Ulm K (1990) Am J Epidemiol 131:373-375), with a lower limit of 0 for 0 events.
APHO Technical Briefing 3 (2008); ../shared/reference/METHODS.md. O < 10 uses exact limits,
O >= 10 Byar's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaincinv

from cypp_lib.stats._core import (
    LEVELS,
    arrays,
    check_multiplier,
    finish,
    flag,
    index_of,
    is_scalar,
    levels,
    start,
    z,
)

EXACT_BELOW = 10


def _chi2_ppf(q, df):
    """scipy.stats.chi2.ppf(q, df), as scipy computes it (2 gammaincinv(df/2, q)), without
    importing scipy.stats."""
    return 2 * gammaincinv(df / 2, q)


def poisson_limits(o: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Limits for an observed count O (valid, non-negative): (lower, upper, exact?).

    The chi-squared quantiles are evaluated only for the rows below 10 events (they cost ~20x
    the arithmetic of Byar's formula)."""
    k = z(c)
    exact = o < EXACT_BELOW
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - k / (3 * np.sqrt(o))) ** 3
        upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + k / (3 * np.sqrt(o + 1))) ** 3
    if exact.any():
        oe = o[exact]
        with np.errstate(invalid="ignore"):
            lower[exact] = np.where(oe == 0, 0.0, _chi2_ppf((1 - c) / 2, 2 * oe) / 2)
        upper[exact] = _chi2_ppf(c + (1 - c) / 2, 2 * oe + 2) / 2
    return lower, upper, exact


def rate(numerator, denominator=None, multiplier=100_000, confidence=0.95, status=None) -> pd.DataFrame:
    """Crude rate O/n x multiplier (or a count, when denominator is None) with Byar's limits, or
    exact Poisson limits when O < 10.

    Returns a DataFrame with `value`, `lower_95`, `upper_95` (plus `lower_99_8`, `upper_99_8` when
    confidence=(0.95, 0.998)) and `method` ("Byars" or "Exact"), plus `status` and `reason` as for
    `proportion`. A count ignores the multiplier.

    >>> rate(10, 200, multiplier=100_000).round(3).iloc[0, :3].tolist()
    [5000.0, 2393.725, 9195.729]
    """
    is_count = denominator is None
    m = 1.0 if is_count else check_multiplier(multiplier)
    lv = levels(confidence)
    scalar = is_scalar(numerator, denominator)
    o, n = arrays(numerator, 1.0 if is_count else denominator, names=("numerator", "denominator"))
    st, reason = start(status, o.shape)
    flag(reason, np.isnan(o) | np.isnan(n), "numerator or denominator missing")
    flag(reason, n <= 0, "denominator must be above zero")
    flag(reason, o < 0, "count must not be negative")
    ok = reason == ""
    oo, nn = np.where(ok, o, 0.0), np.where(ok, n, 1.0)
    out = pd.DataFrame({"value": oo / nn * m}, index=index_of(numerator, denominator))
    exact = oo < EXACT_BELOW
    for c in lv:
        lo, up, exact = poisson_limits(oo, c)
        out[f"lower_{LEVELS[c]}"] = lo / nn * m
        out[f"upper_{LEVELS[c]}"] = up / nn * m
    out["method"] = np.where(exact, "Exact", "Byars")
    return finish(out, reason, scalar, st)


def count(observed, confidence=0.95, status=None) -> pd.DataFrame:
    """A count with Byar's (exact below 10) Poisson limits: `rate(observed)` by another name."""
    return rate(observed, None, confidence=confidence, status=status)

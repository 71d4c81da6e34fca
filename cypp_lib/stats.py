"""Confidence intervals for proportions and rates, vectorised over numpy/pandas.

Methods (../shared/reference/METHODS.md; PHE/APHO Technical Briefing 3, "Commonly used public
health statistics and their confidence intervals", 2008):

- proportion: Wilson score interval (Wilson 1927; Newcombe 1998).
- rate / count: Byar's approximation for O >= 10, exact Poisson limits (chi-squared) for O < 10,
  with a lower limit of 0 when O = 0 (Breslow & Day 1987).

Both return a DataFrame with `value`, `lower_95`, `upper_95` (plus `lower_99_8`, `upper_99_8`
when asked) and `method`. Rows that are impossible (negative counts, numerator above denominator,
zero denominator) get missing results and a `reason`, never an exception; scalar calls with
invalid arguments raise ValueError with the reason.

Checked against the PHEindicatormethods test workbooks (tests/test_stats.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

_LEVELS = {0.95: "95", 0.998: "99_8"}


def _levels(confidence) -> list[float]:
    levels = [confidence] if np.isscalar(confidence) else list(confidence)
    for c in levels:
        if c not in _LEVELS:
            raise ValueError(f"confidence must be 0.95, 0.998 or both, not {c!r}")
    return levels


def _z(c: float) -> float:
    return float(norm.ppf(c + (1 - c) / 2))


def _as_arrays(numerator, denominator):
    scalar = np.isscalar(numerator) and (denominator is None or np.isscalar(denominator))
    index = numerator.index if isinstance(numerator, pd.Series) else None
    o = np.asarray(numerator, dtype=float).reshape(-1)
    n = np.full_like(o, np.nan) if denominator is None else np.asarray(denominator, dtype=float).reshape(-1)
    o, n = np.broadcast_arrays(o, n)
    return o.copy(), n.copy(), scalar, index


def _finish(out: pd.DataFrame, reason: np.ndarray, scalar: bool) -> pd.DataFrame:
    bad = reason != ""
    if bad.any():
        out.loc[bad, [c for c in out.columns if c not in ("method",)]] = np.nan
        out["reason"] = reason
        if scalar:
            raise ValueError(reason[0])
    return out


def proportion(numerator, denominator, multiplier=100, confidence=0.95) -> pd.DataFrame:
    """Proportion O/n x multiplier with Wilson score confidence limits.

    >>> proportion(65, 100, multiplier=1).round(6).iloc[0, :3].tolist()
    [0.65, 0.552544, 0.736358]
    """
    o, n, scalar, index = _as_arrays(numerator, denominator)
    reason = np.full(o.shape, "", dtype=object)
    reason[np.isnan(o) | np.isnan(n)] = "numerator or denominator missing"
    reason[(reason == "") & (n <= 0)] = "denominator must be above zero"
    reason[(reason == "") & (o < 0)] = "numerator must not be negative"
    reason[(reason == "") & (o > n)] = "numerator is above denominator"
    ok = reason == ""
    p = np.where(ok, o / np.where(ok, n, 1), np.nan)
    out = pd.DataFrame({"value": p * multiplier}, index=index)
    for c in _levels(confidence):
        z = _z(c)
        oo, nn = np.where(ok, o, 0), np.where(ok, n, 1)
        root = z * np.sqrt(z**2 + 4 * oo * (1 - oo / nn))
        lower = (2 * oo + z**2 - root) / (2 * (nn + z**2))
        upper = (2 * oo + z**2 + root) / (2 * (nn + z**2))
        lower = np.where(oo == 0, 0.0, lower)
        upper = np.where(oo == nn, 1.0, upper)
        out[f"lower_{_LEVELS[c]}"] = np.where(ok, lower * multiplier, np.nan)
        out[f"upper_{_LEVELS[c]}"] = np.where(ok, upper * multiplier, np.nan)
    out["method"] = "Wilson"
    return _finish(out, reason, scalar)


def rate(numerator, denominator=None, multiplier=100_000, confidence=0.95) -> pd.DataFrame:
    """Crude rate O/n x multiplier (or a count, when denominator is None) with Byar's or exact
    Poisson confidence limits (exact below 10 events).

    >>> rate(10, 200, multiplier=100_000).round(3).iloc[0, :3].tolist()
    [5000.0, 2393.725, 9195.729]
    """
    o, n, scalar, index = _as_arrays(numerator, denominator)
    is_count = denominator is None
    if is_count:
        n = np.ones_like(o)
        multiplier = 1
    reason = np.full(o.shape, "", dtype=object)
    reason[np.isnan(o) | np.isnan(n)] = "numerator or denominator missing"
    reason[(reason == "") & (n <= 0)] = "denominator must be above zero"
    reason[(reason == "") & (o < 0)] = "count must not be negative"
    ok = reason == ""
    oo, nn = np.where(ok, o, 0), np.where(ok, n, 1)
    out = pd.DataFrame({"value": np.where(ok, oo / nn * multiplier, np.nan)}, index=index)
    exact = oo < 10
    for c in _levels(confidence):
        z = _z(c)
        with np.errstate(divide="ignore", invalid="ignore"):
            byar_l = oo * (1 - 1 / (9 * oo) - z / (3 * np.sqrt(oo))) ** 3
            byar_u = (oo + 1) * (1 - 1 / (9 * (oo + 1)) + z / (3 * np.sqrt(oo + 1))) ** 3
            exact_l = np.where(oo == 0, 0.0, chi2.ppf((1 - c) / 2, 2 * oo) / 2)
            exact_u = chi2.ppf(c + (1 - c) / 2, 2 * oo + 2) / 2
        lo = np.where(exact, exact_l, byar_l)
        up = np.where(exact, exact_u, byar_u)
        out[f"lower_{_LEVELS[c]}"] = np.where(ok, lo / nn * multiplier, np.nan)
        out[f"upper_{_LEVELS[c]}"] = np.where(ok, up / nn * multiplier, np.nan)
    out["method"] = np.where(exact, "Exact", "Byars")
    return _finish(out, reason, scalar)

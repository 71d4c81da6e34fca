"""Comparing areas with a benchmark: England, a region or a comparator group.

Methods (Fingertips; ../shared/reference/METHODS.md):

- `benchmark`: one level (95%) - Similar when the benchmark lies inside the area's 95% interval
  (limits inclusive), otherwise Better/Worse by polarity (Higher/Lower without). Two levels
  (give the 99.8% limits too) - `level` says whether the difference is significant at 95% only
  or at 99.8%.
- `compare_intervals`: both values uncertain (e.g. an area against the pooled neighbours, or
  against its previous period) - Similar when the 95% intervals overlap. Conservative: two
  intervals can overlap while the difference is significant (see `equity.gap` for a direct test).
- `control_limits` / `spc`: control limits (funnel plot) for proportions around the benchmark
  proportion at the area's denominator, by the Wilson score method (Spiegelhalter DJ (2005) Stat
  Med 24:1185-1202; APHO Technical Briefing 2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cypp_lib.stats._core import LEVELS, arrays, finish, flag, index_of, is_scalar, levels, new_reasons, z
from cypp_lib.stats._labels import label, polarity_array


def benchmark(value, lower_95, upper_95, benchmark, polarity="none", lower_99_8=None,
              upper_99_8=None) -> pd.DataFrame:
    """Compare values (with their intervals) against benchmark values.

    Returns `comparison` (Better, Similar, Worse, Higher, Lower), `level` ("99.8%", "95%" or ""
    when similar), `method`, and `reason` for rows not compared (no value, no benchmark, no
    interval).

    >>> benchmark(60.0, 55.0, 65.0, 63.0, "high")["comparison"].tolist()
    ['Similar']
    >>> benchmark(60.0, 58.0, 62.0, 65.0, "high", 57.0, 63.0)[["comparison", "level"]].values.tolist()
    [['Worse', '99.8%']]
    """
    two = lower_99_8 is not None or upper_99_8 is not None
    v, lo, up, b, lo2, up2 = arrays(value, lower_95, upper_95, benchmark, lower_99_8, upper_99_8,
                                    names=("value", "lower_95", "upper_95", "benchmark", "lower_99_8", "upper_99_8"))
    pol = polarity_array(polarity, v.shape)
    reason = new_reasons(v.shape)
    flag(reason, np.isnan(v), "no value")
    flag(reason, np.isnan(b), "no benchmark value")
    flag(reason, np.isnan(lo) | np.isnan(up), "no confidence interval")
    flag(reason, lo > up, "lower limit above upper limit")
    flag(reason, (v < lo) | (v > up), "value lies outside its own interval")
    if two:
        flag(reason, np.isnan(lo2) | np.isnan(up2), "no 99.8% confidence interval")
        flag(reason, (lo2 > lo) | (up2 < up), "99.8% interval narrower than the 95% interval")
    sig95 = (b < lo) | (b > up)
    sig998 = ((b < lo2) | (b > up2)) if two else np.zeros_like(sig95)
    out = pd.DataFrame({"comparison": label(sig95, v > b, pol)},
                       index=index_of(value, lower_95, upper_95, benchmark))
    out["level"] = np.where(sig998, "99.8%", np.where(sig95, "95%", ""))
    out["method"] = "95% and 99.8% intervals" if two else "95% interval"
    out = finish(out, reason, is_scalar(value, benchmark), keep=("method",))
    if "reason" in out:
        out.loc[out["reason"] != "", "comparison"] = "Not compared"
    return out


def compare_intervals(value, lower_95, upper_95, other_value, other_lower_95, other_upper_95,
                      polarity="none") -> pd.DataFrame:
    """Compare two uncertain values: Similar when their 95% intervals overlap.

    >>> compare_intervals(30, 25, 35, 20, 15, 24, "low")["comparison"].tolist()
    ['Worse']
    """
    v, lo, up, w, wlo, wup = arrays(value, lower_95, upper_95, other_value, other_lower_95, other_upper_95,
                                    names=("value", "lower_95", "upper_95", "other_value", "other_lower_95",
                                           "other_upper_95"))
    pol = polarity_array(polarity, v.shape)
    reason = new_reasons(v.shape)
    flag(reason, np.isnan(v) | np.isnan(w), "a value is missing")
    flag(reason, np.isnan(lo) | np.isnan(up) | np.isnan(wlo) | np.isnan(wup), "an interval is missing")
    significant = (lo > wup) | (up < wlo)
    out = pd.DataFrame({"comparison": label(significant, v > w, pol)}, index=index_of(value, other_value))
    out["level"] = np.where(significant, "95%", "")
    out["method"] = "overlapping 95% intervals"
    out = finish(out, reason, is_scalar(value, other_value), keep=("method",))
    if "reason" in out:
        out.loc[out["reason"] != "", "comparison"] = "Not compared"
    return out


def control_limits(benchmark, denominator, multiplier=100, confidence=(0.95, 0.998)) -> pd.DataFrame:
    """Control limits for a proportion at each denominator around benchmark B (on the multiplier's
    scale): with P0 = B/m, E = N P0, Lcl, Ucl = ((2E + k^2) -/+ k sqrt(k^2 + 4E(1 - E/N))) / (2(N + k^2)).

    >>> control_limits(50, 100, confidence=0.95).round(4).values.tolist()
    [[40.3832, 59.6168]]
    """
    b, n = arrays(benchmark, denominator, names=("benchmark", "denominator"))
    reason = new_reasons(b.shape)
    flag(reason, np.isnan(b) | np.isnan(n), "benchmark or denominator missing")
    flag(reason, n <= 0, "denominator must be above zero")
    flag(reason, (b < 0) | (b > multiplier), f"benchmark must lie between 0 and {multiplier}")
    ok = reason == ""
    p0, nn = np.where(ok, b / multiplier, 0.5), np.where(ok, n, 1.0)
    e = nn * p0
    out = pd.DataFrame(index=index_of(benchmark, denominator))
    for c in levels(confidence):
        k = z(c)
        root = k * np.sqrt(k**2 + 4 * e * (1 - e / nn))
        out[f"lcl_{LEVELS[c]}"] = (2 * e + k**2 - root) / (2 * (nn + k**2)) * multiplier
        out[f"ucl_{LEVELS[c]}"] = (2 * e + k**2 + root) / (2 * (nn + k**2)) * multiplier
    return finish(out, reason, is_scalar(benchmark, denominator), keep=())


def spc(numerator, denominator, benchmark, polarity="none", multiplier=100,
        confidence=(0.95, 0.998)) -> pd.DataFrame:
    """Classify proportions against control limits around a benchmark: above the upper limit is
    higher (better/worse by polarity), below the lower limit lower; `level` names the widest limit
    crossed.

    >>> spc(65, 100, 50, "high")[["value", "comparison", "level"]].values.tolist()
    [[65.0, 'Better', '99.8%']]
    """
    lv = levels(confidence)
    o, n, b = arrays(numerator, denominator, benchmark, names=("numerator", "denominator", "benchmark"))
    pol = polarity_array(polarity, o.shape)
    reason = new_reasons(o.shape)
    flag(reason, np.isnan(o) | np.isnan(n), "numerator or denominator missing")
    flag(reason, n <= 0, "denominator must be above zero")
    flag(reason, (o < 0) | (o > n), "numerator must lie between 0 and the denominator")
    limits = control_limits(b, np.where(n > 0, n, np.nan), multiplier, lv)
    if "reason" in limits:
        flag(reason, limits["reason"].to_numpy() != "", "benchmark missing or out of range")
    ok = reason == ""
    value = np.where(ok, o / np.where(ok, n, 1.0), np.nan) * multiplier
    out = pd.DataFrame({"value": value}, index=index_of(numerator, denominator))
    crossed = np.full(o.shape, "", dtype=object)
    significant = np.zeros(o.shape, dtype=bool)
    for c in sorted(lv):
        s = LEVELS[c]
        lcl, ucl = limits[f"lcl_{s}"].to_numpy(), limits[f"ucl_{s}"].to_numpy()
        out[f"lcl_{s}"], out[f"ucl_{s}"] = lcl, ucl
        hit = (value < lcl) | (value > ucl)
        crossed = np.where(hit, f"{c * 100:g}%", crossed)
        significant |= hit
    out["comparison"] = label(significant, value > b, pol)
    out["level"] = crossed
    out["method"] = "control limits (Wilson score)"
    out = finish(out, reason, is_scalar(numerator, denominator, benchmark), keep=("method",))
    if "reason" in out:
        out.loc[out["reason"] != "", "comparison"] = "Not compared"
    return out

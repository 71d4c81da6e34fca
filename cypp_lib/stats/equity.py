"""Equity: disproportionality (relative rates) and gaps between a group and a reference group.

- `relative_rate`: ratio of a group's rate (or proportion) to the reference group's, with a
  confidence interval on the log scale: SE(ln RR) = sqrt(1/O1 + 1/O0) for rates (Poisson counts;
  Rothman KJ, Greenland S (1998) Modern Epidemiology, 2nd ed., ch. 14) and
  sqrt(1/O1 - 1/n1 + 1/O0 - 1/n0) for proportions (Katz D et al. (1978) Biometrics 34:469-474).
  Zero events in either group give no ratio (reason given).
- `gap`: difference between the group's and the reference group's proportion with Newcombe's
  hybrid score interval (method 10 of Newcombe RG (1998) Stat Med 17:873-890, built from the two
  Wilson intervals), or between two crude rates with the normal approximation
  SE = sqrt(O1/n1^2 + O0/n0^2) on the multiplier's scale.

Both say whether the group is Higher, Similar or Lower than the reference (interval excludes
1 for a ratio, 0 for a gap).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cypp_lib.stats._core import (
    LEVELS,
    arrays,
    check_multiplier,
    finish,
    flag,
    index_of,
    is_scalar,
    levels,
    new_reasons,
    z,
)
from cypp_lib.stats.proportions import wilson_limits

KINDS = ("proportion", "rate")


def _inputs(o1, n1, o0, n0, kind):
    if kind not in KINDS:
        raise ValueError(f"kind must be 'proportion' or 'rate', not {kind!r}")
    a, b, c, d = arrays(o1, n1, o0, n0, names=("numerator", "denominator", "reference_numerator",
                                               "reference_denominator"))
    reason = new_reasons(a.shape)
    flag(reason, np.isnan(a) | np.isnan(b) | np.isnan(c) | np.isnan(d), "a count or denominator is missing")
    flag(reason, (b <= 0) | (d <= 0), "denominators must be above zero")
    flag(reason, (a < 0) | (c < 0), "counts must not be negative")
    if kind == "proportion":
        flag(reason, (a > b) | (c > d), "a numerator is above its denominator")
    ok = reason == ""
    return [np.where(ok, x, 1.0) for x in (a, b, c, d)], reason


def _direction(lower, upper, null) -> np.ndarray:
    return np.where(lower > null, "Higher", np.where(upper < null, "Lower", "Similar")).astype(object)


def relative_rate(numerator, denominator, reference_numerator, reference_denominator, kind="rate",
                  confidence=0.95) -> pd.DataFrame:
    """Relative rate (group / reference) with its interval.

    >>> relative_rate(40, 1000, 20, 1000).round(3).iloc[0, :3].tolist()
    [2.0, 1.169, 3.421]
    """
    (a, b, c, d), reason = _inputs(numerator, denominator, reference_numerator, reference_denominator, kind)
    flag(reason, (a == 0) | (c == 0), "a ratio needs at least one event in each group")
    ok = reason == ""
    a, c = np.where(ok, a, 1.0), np.where(ok, c, 1.0)
    ratio = (a / b) / (c / d)
    var = 1 / a + 1 / c if kind == "rate" else 1 / a - 1 / b + 1 / c - 1 / d
    out = pd.DataFrame({"value": ratio}, index=index_of(numerator, reference_numerator))
    for conf in levels(confidence):
        half = z(conf) * np.sqrt(var)
        out[f"lower_{LEVELS[conf]}"] = np.exp(np.log(ratio) - half)
        out[f"upper_{LEVELS[conf]}"] = np.exp(np.log(ratio) + half)
    first = LEVELS[levels(confidence)[0]]
    out["comparison"] = _direction(out[f"lower_{first}"].to_numpy(), out[f"upper_{first}"].to_numpy(), 1.0)
    out["method"] = "log relative rate (Poisson)" if kind == "rate" else "log relative risk (Katz)"
    return finish(out, reason, is_scalar(numerator, reference_numerator), keep=("method",))


def gap(numerator, denominator, reference_numerator, reference_denominator, kind="proportion",
        multiplier=100, confidence=0.95) -> pd.DataFrame:
    """Gap (group minus reference) with its interval, on the multiplier's scale.

    >>> gap(56, 70, 48, 80, multiplier=1).round(4).iloc[0, :3].tolist()
    [0.2, 0.0524, 0.3339]
    """
    m = check_multiplier(multiplier)
    (a, b, c, d), reason = _inputs(numerator, denominator, reference_numerator, reference_denominator, kind)
    p1, p0 = a / b, c / d
    out = pd.DataFrame({"value": (p1 - p0) * m}, index=index_of(numerator, reference_numerator))
    for conf in levels(confidence):
        if kind == "proportion":
            l1, u1 = wilson_limits(a, b, conf)
            l0, u0 = wilson_limits(c, d, conf)
            lower = p1 - p0 - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
            upper = p1 - p0 + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
        else:
            half = z(conf) * np.sqrt(a / b**2 + c / d**2)
            lower, upper = p1 - p0 - half, p1 - p0 + half
        out[f"lower_{LEVELS[conf]}"] = lower * m
        out[f"upper_{LEVELS[conf]}"] = upper * m
    first = LEVELS[levels(confidence)[0]]
    out["comparison"] = _direction(out[f"lower_{first}"].to_numpy(), out[f"upper_{first}"].to_numpy(), 0.0)
    out["method"] = ("difference of proportions (Newcombe hybrid score)" if kind == "proportion"
                     else "difference of rates (normal approximation)")
    return finish(out, reason, is_scalar(numerator, reference_numerator), keep=("method",))

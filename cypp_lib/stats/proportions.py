"""Proportions with Wilson score confidence intervals.

Method: Wilson EB (1927) "Probable inference, the law of succession, and statistical inference",
JASA 22:209-212; recommended by Newcombe RG (1998) Stat Med 17:857-872 and by APHO Technical
Briefing 3 (2008). Formulas as in ../shared/reference/METHODS.md.
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
    start,
    z,
)


def wilson_limits(o: np.ndarray, n: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson limits as fractions (0-1) for valid O, n arrays; O = 0 gives 0 and O = n gives 1 exactly."""
    k = z(c)
    root = k * np.sqrt(k**2 + 4 * o * (1 - o / n))
    lower = (2 * o + k**2 - root) / (2 * (n + k**2))
    upper = (2 * o + k**2 + root) / (2 * (n + k**2))
    return np.where(o == 0, 0.0, lower), np.where(o == n, 1.0, upper)


def proportion(numerator, denominator, multiplier=100, confidence=0.95, status=None) -> pd.DataFrame:
    """Proportion O/n x multiplier with Wilson score confidence limits.

    Takes scalars, arrays or Series (broadcast together). Returns a DataFrame with `value`,
    `lower_95`, `upper_95` (and `lower_99_8`, `upper_99_8` when confidence=(0.95, 0.998)) and
    `method` ("Wilson"); `status` when GSS status codes are given; `reason` for rows that
    cannot be computed (missing, numerator above denominator, negative, zero denominator,
    suppressed source value). A scalar call with invalid arguments raises ValueError.

    >>> proportion(65, 100, multiplier=1).round(6).iloc[0, :3].tolist()
    [0.65, 0.552544, 0.736358]
    """
    m = check_multiplier(multiplier)
    lv = levels(confidence)
    scalar = is_scalar(numerator, denominator)
    o, n = arrays(numerator, denominator, names=("numerator", "denominator"))
    st, reason = start(status, o.shape)
    flag(reason, np.isnan(o) | np.isnan(n), "numerator or denominator missing")
    flag(reason, n <= 0, "denominator must be above zero")
    flag(reason, o < 0, "numerator must not be negative")
    flag(reason, o > n, "numerator is above denominator")
    ok = reason == ""
    oo, nn = np.where(ok, o, 0.0), np.where(ok, n, 1.0)
    out = pd.DataFrame({"value": oo / nn * m}, index=index_of(numerator, denominator))
    for c in lv:
        lower, upper = wilson_limits(oo, nn, c)
        out[f"lower_{LEVELS[c]}"] = lower * m
        out[f"upper_{LEVELS[c]}"] = upper * m
    out["method"] = "Wilson"
    return finish(out, reason, scalar, st)

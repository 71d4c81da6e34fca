"""Quartile bands A-D and polarity-aware ranks across local authorities (LAIT's rules).

Method (../shared/reference/METHODS.md): quartiles are type-7 quantiles (linear interpolation:
R's default `quantile`, numpy's default `percentile`) of the values of all LAs; a value on a
boundary belongs to the lower band (numerically lower quarter); band A is always the best
quarter by polarity. Rank 1 is the best value by polarity, ties take the minimum rank. An
indicator without polarity gets neither bands nor ranks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BANDS = ("A", "B", "C", "D")


def _check(polarity: str) -> None:
    if polarity not in ("high", "low", "none"):
        raise ValueError(f"polarity must be 'high', 'low' or 'none', not {polarity!r}")


def quartiles(values) -> tuple[float, float, float]:
    """Type-7 lower quartile, median and upper quartile of the non-missing values."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return (np.nan, np.nan, np.nan)
    q = np.percentile(v, [25, 50, 75], method="linear")
    return (float(q[0]), float(q[1]), float(q[2]))


def quartile_bands(values, polarity: str) -> pd.Series:
    """Band A (best quarter) to D (worst) for each value among all the values given.

    >>> quartile_bands([1, 2, 3, 4, 5], "high").tolist()
    ['D', 'D', 'C', 'B', 'A']
    """
    _check(polarity)
    s = pd.Series(values, dtype=float) if not isinstance(values, pd.Series) else values.astype(float)
    out = pd.Series(None, index=s.index, dtype=object)
    if polarity == "none" or s.notna().sum() == 0:
        return out
    cuts = np.array(quartiles(s))
    present = s.notna().to_numpy()
    quarter = np.searchsorted(cuts, s.to_numpy()[present], side="left")  # 0 = lowest values
    letters = np.array(BANDS[::-1] if polarity == "high" else BANDS)
    out[present] = letters[quarter]
    return out


def rank(values, polarity: str) -> pd.Series:
    """Rank 1 = best by polarity; ties share the minimum rank; missing values are not ranked.

    >>> rank([30.0, 10.0, 20.0, 10.0], "low").tolist()
    [4, 1, 3, 1]
    """
    _check(polarity)
    s = pd.Series(values, dtype=float) if not isinstance(values, pd.Series) else values.astype(float)
    if polarity == "none":
        return pd.Series(pd.NA, index=s.index, dtype="Int64")
    return s.rank(method="min", ascending=(polarity == "low"), na_option="keep").astype("Int64")

"""Comparator-group aggregates: three different things called "the neighbour average".

- "pooled" (default): sum of numerators over sum of denominators, with a confidence interval
  (Wilson for proportions, Byar's/exact for rates). Needs every member's counts.
- "mean": the unweighted mean of the members' values (LAIT's statistical-neighbour average).
- "median": the median of the members' values (DfE children's social care dashboard).

Every result names the method used (../shared/reference/METHODS.md).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from cypp_lib.stats._core import USABLE
from cypp_lib.stats.proportions import proportion
from cypp_lib.stats.rates import rate

METHODS = {"pooled": "pooled", "mean": "mean of values", "median": "median of values"}
KINDS = ("proportion", "rate", "count", "mean")


def _mean(values: pd.Series) -> float:
    """The mean in exact arithmetic, rounded once: the float nearest the true mean of the values,
    whatever the order or grouping of the sum (a mean of published two-decimal values that is
    exactly -1.235 is the float nearest -1.235, and rounds to -1.24 as it would by hand)."""
    v = values.dropna()
    return float(sum(map(Fraction, v)) / len(v)) if len(v) else float("nan")


def aggregate(frame: pd.DataFrame, method: str = "pooled", kind: str = "proportion", multiplier=100,
              by=None, confidence=0.95) -> pd.DataFrame:
    """Aggregate the rows of `frame` (columns `value` and, for pooling, `numerator` and
    `denominator`; optional `status`), per group of `by` columns or overall.

    Returns one row per group: `value` (plus interval columns when pooled), `method`, `n_areas`
    (members), `n_used` (members with a usable value) and `reason` where no value could be made.

    >>> f = pd.DataFrame({"numerator": [10, 30], "denominator": [100, 100], "value": [10.0, 30.0]})
    >>> row = aggregate(f).iloc[0]
    >>> float(row["value"]), int(row["n_used"]), row["method"]
    (20.0, 2, 'pooled (Wilson)')
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    needed = ["numerator", "denominator"] if method == "pooled" else ["value"]
    missing_cols = [c for c in needed if c not in frame.columns]
    if missing_cols:
        raise ValueError(f"aggregate(method={method!r}) needs column(s) {', '.join(missing_cols)}")
    if method == "pooled" and kind == "mean":
        raise ValueError("means cannot be pooled from numerators and denominators; use method='mean' or 'median'")
    f = frame.copy()
    usable = f["status"].isin(USABLE) if "status" in f else pd.Series(True, index=f.index)
    keys = list(by) if isinstance(by, (list, tuple)) else ([by] if by else [])
    if not keys:
        f["_all"] = 0
        keys = ["_all"]
    if method == "pooled":
        ok = usable & f["numerator"].notna() & f["denominator"].notna()
        f["_num"], f["_den"] = f["numerator"].where(ok), f["denominator"].where(ok)
        g = f.assign(_ok=ok).groupby(keys, sort=True)
        sums = g.agg(numerator=("_num", "sum"), denominator=("_den", "sum"), n_areas=("_ok", "size"),
                     n_used=("_ok", "sum"))
        if kind == "proportion":
            ci = proportion(sums["numerator"], sums["denominator"], multiplier, confidence)
        else:  # a count ignores the denominator and multiplier
            ci = rate(sums["numerator"], None if kind == "count" else sums["denominator"], multiplier, confidence)
        out = pd.concat([ci.drop(columns=[c for c in ("reason",) if c in ci]), sums[["n_areas", "n_used"]]], axis=1)
        out["method"] = "pooled (" + ci["method"].astype(str) + ")"
        incomplete = out["n_used"] < out["n_areas"]
        reason = np.where(incomplete, "pooling needs every member's numerator and denominator ("
                          + (out["n_areas"] - out["n_used"]).astype(str) + " missing)", "")
        reason = np.where(out["n_used"] == 0, "no member has a numerator and denominator", reason)
    else:
        f["_v"] = f["value"].where(usable)
        g = f.groupby(keys, sort=True)
        stat = g["_v"].agg(_mean) if method == "mean" else g["_v"].median()
        out = pd.DataFrame({"value": stat, "n_areas": g["_v"].size(), "n_used": g["_v"].count()})
        out["method"] = METHODS[method]
        reason = np.where(out["n_used"] == 0, "no member has a usable value", "")
    bad = reason != ""
    if bad.any():
        out.loc[bad, [c for c in out.columns if c.startswith(("value", "lower", "upper"))]] = np.nan
        out["reason"] = reason
    out["n_areas"], out["n_used"] = out["n_areas"].astype(int), out["n_used"].astype(int)
    out = out.reset_index()
    return out.drop(columns=["_all"]) if "_all" in out else out

"""The Fingertips recent-trend test on the five most recent points.

Method (OHID Fingertips "recent trends"; ../shared/reference/METHODS.md):

- Eligible: proportions and crude rates, single-year periods, five consecutive valid points
  (the five most recent), no point with O = n.
- Proportions: chi-squared test for trend in proportions (Armitage P, Berry G, Matthews JNS
  (2002) Statistical Methods in Medical Research, 4th ed., section 15.2):
  chi2 = N (N Ot - O Nt)^2 / (O (N - O)(N Nt2 - Nt^2)), direction = sign(N Ot - O Nt).
- Other indicators: weighted least-squares regression of the values on t with w = 1/SE^2,
  SE = (U95 - L95)/3.92; chi2 = (b / SE(b))^2, direction = sign(b).
- Robustness: the slope on all five points and on each four left after dropping one point (six
  slopes; for proportions the OLS slope of logit(p) on t, otherwise the weighted slope) must all
  have the same sign.
- Significant when chi2 > 9.54953570608324 (chi-squared, 1 df, p < 0.002) and robust.

The statistics are computed for many series at once on (series x 5) arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cypp_lib.stats._core import USABLE

POINTS = 5
CRITICAL = 9.54953570608324  # chi2(1 df) at p = 0.002
T = np.arange(1, POINTS + 1, dtype=float)
# the six subsets: all five points, then each point left out in turn
SUBSETS = np.vstack([np.ones(POINTS), 1 - np.eye(POINTS)])


def chi2_proportions(o: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Chi-squared for trend in proportions and its direction, per row of (series x 5) arrays."""
    big_n, big_o = n.sum(1), o.sum(1)
    ot, nt, nt2 = (o * T).sum(1), (n * T).sum(1), (n * T**2).sum(1)
    lead = big_n * ot - big_o * nt
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = big_n * lead**2 / (big_o * (big_n - big_o) * (big_n * nt2 - nt**2))
    return chi, np.sign(lead)


def weighted_slopes(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least-squares slopes on t for the six subsets: (series x 6)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ww = w[:, None, :] * SUBSETS[None, :, :]
        s1, s3 = ww.sum(2), (ww * T).sum(2)
        s2, s4, s5 = (ww * y[:, None, :] * T).sum(2), (ww * y[:, None, :]).sum(2), (ww * T**2).sum(2)
        return (s1 * s2 - s3 * s4) / (s1 * s5 - s3**2)


def chi2_weighted(y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted-regression trend statistic, direction and the six robustness slopes."""
    with np.errstate(divide="ignore", invalid="ignore"):
        w = 1 / ((upper - lower) / 3.92) ** 2
    slopes = weighted_slopes(y, w)
    s1, s3, s5 = w.sum(1), (w * T).sum(1), (w * T**2).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        se_b = np.sqrt(s1 / (s1 * s5 - s3**2))
        chi = (slopes[:, 0] / se_b) ** 2
    return chi, np.sign(slopes[:, 0]), slopes


def logit_slopes(o: np.ndarray, n: np.ndarray) -> np.ndarray:
    """OLS slopes of logit(p) on t for the six subsets: (series x 6)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(o / (n - o))
    return weighted_slopes(y, np.ones_like(y))


def robust(slopes: np.ndarray) -> np.ndarray:
    """True where all six slopes share one (non-zero) sign."""
    s = np.sign(slopes)
    return (np.all(s > 0, axis=1) | np.all(s < 0, axis=1))


def trend_label(significant: np.ndarray, direction: np.ndarray, polarity: str) -> np.ndarray:
    word = np.where(direction > 0, "Increasing", "Decreasing")
    if polarity in ("high", "low"):
        good = (direction > 0) == (polarity == "high")
        word = np.char.add(word.astype(str), np.where(good, " and getting better", " and getting worse"))
    return np.where(significant, word, "No significant change").astype(object)


def recent_trend(frame: pd.DataFrame, kind: str, polarity: str = "none", by=None,
                 single_year: bool = True) -> pd.DataFrame:
    """Recent trend per series (group of `by` columns) from a long frame with `year` and either
    `numerator`/`denominator` (proportions) or `value`/`lower_95`/`upper_95` (rates); an optional
    `status` column marks unusable points.

    Returns one row per series: `trend` (the Fingertips label, or "Cannot be calculated"),
    `chi2`, `direction` (+1, -1), `robust`, `significant`, `method`, `latest_year` and `reason`.
    """
    if polarity not in ("high", "low", "none"):
        raise ValueError(f"polarity must be 'high', 'low' or 'none', not {polarity!r}")
    keys = list(by) if isinstance(by, (list, tuple)) else ([by] if by else [])
    f = frame.copy()
    if not keys:
        f["_series"] = 0
        keys = ["_series"]
    f = f.sort_values([*keys, "year"])
    last = f.groupby(keys, sort=True).tail(POINTS)
    groups = last.groupby(keys, sort=True)
    size = groups.size()
    out = pd.DataFrame(index=size.index)
    out["latest_year"] = groups["year"].max().astype("Int64")
    reason = pd.Series("", index=size.index, dtype=object)

    def note(mask, text):
        mask = mask.reindex(size.index, fill_value=False)
        reason[(reason == "") & mask] = text

    if kind not in ("proportion", "rate"):
        reason[:] = f"the recent trend is calculated for proportions and crude rates only, not a {kind}"
    if not single_year:
        note(pd.Series(True, index=size.index), "periods are not single years")
    note(size < POINTS, f"fewer than {POINTS} points")
    years = groups["year"].max() - groups["year"].min()
    note(years != POINTS - 1, f"the {POINTS} most recent points are not consecutive years")
    usable = last["status"].isin(USABLE) if "status" in last else pd.Series(True, index=last.index)
    cols = ["numerator", "denominator"] if kind == "proportion" else ["value", "lower_95", "upper_95"]
    missing_cols = [c for c in cols if c not in last.columns]
    if missing_cols:
        note(pd.Series(True, index=size.index), f"no {' or '.join(missing_cols)} published")
        cols = []
    valid = usable & last[cols].notna().all(axis=1) if cols else usable & False
    what = "counts" if kind == "proportion" else "confidence intervals"
    by_series = [last[k] for k in keys]
    if cols:
        note(~last[cols].notna().all(axis=1).groupby(by_series).any(), f"the source publishes no {what}")
    note(~valid.groupby(by_series).all(), f"a point is suppressed or has no {what}")
    complete = size.index[reason == ""]
    chi = np.full(len(size), np.nan)
    direction = np.zeros(len(size))
    rob = np.zeros(len(size), dtype=bool)
    if len(complete):
        sub = last.set_index(keys).loc[complete].reset_index() if keys != ["_series"] else last
        idx = size.index.get_indexer(complete)
        if kind == "proportion":
            o = sub["numerator"].to_numpy(float).reshape(-1, POINTS)
            n = sub["denominator"].to_numpy(float).reshape(-1, POINTS)
            at_max = pd.Series((o >= n).any(1) | (o <= 0).any(1) | (n <= 0).any(1), index=complete)
            note(at_max, "a point has O = n or O = 0 (or no denominator)")
            c, d = chi2_proportions(o, n)
            slopes = logit_slopes(o, n)
        else:
            y, lo, up = (sub[c].to_numpy(float).reshape(-1, POINTS) for c in ("value", "lower_95", "upper_95"))
            note(pd.Series((up <= lo).any(1), index=complete), "a point has a zero-width interval")
            c, d, slopes = chi2_weighted(y, lo, up)
        chi[idx], direction[idx], rob[idx] = c, d, robust(slopes)
    ok = (reason == "").to_numpy()
    significant = ok & (chi > CRITICAL) & rob
    out["trend"] = np.where(ok, trend_label(significant, direction, polarity), "Cannot be calculated")
    out["chi2"] = np.where(ok, chi, np.nan)
    out["direction"] = np.where(ok, direction, np.nan)
    out["robust"] = ok & rob
    out["significant"] = significant
    out["method"] = ("chi-squared test for trend in proportions" if kind == "proportion"
                     else "weighted regression on the values")
    out["reason"] = reason.to_numpy()
    out = out.reset_index()
    return out.drop(columns=["_series"]) if "_series" in out else out

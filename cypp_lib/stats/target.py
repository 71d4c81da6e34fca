"""Comparison with a target the plan sets (e.g. 100% of schools good or outstanding).

A target is met when the value is at or beyond it in the good direction (>= for "high is good",
<= for "low is good"). With a 95% interval, a missed target is "significantly" missed only when
the whole interval lies on the wrong side; otherwise the target is within the interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cypp_lib.stats._core import arrays, finish, flag, index_of, is_scalar, new_reasons
from cypp_lib.stats._labels import polarity_array


def against_target(value, target, polarity, lower_95=None, upper_95=None) -> pd.DataFrame:
    """Returns `gap` (value - target), `met` (bool), `label` and `reason` where not judged.

    >>> against_target([100.0, 96.0], 100, "high")["label"].tolist()
    ['Met', 'Not met']
    """
    v, t, lo, up = arrays(value, target, lower_95, upper_95, names=("value", "target", "lower_95", "upper_95"))
    pol = polarity_array(polarity, v.shape)
    reason = new_reasons(v.shape)
    flag(reason, np.isnan(v), "no value")
    flag(reason, np.isnan(t), "no target")
    flag(reason, pol == "none", "a target needs a polarity (high or low is good)")
    met = np.where(pol == "high", v >= t, v <= t)
    has_ci = ~(np.isnan(lo) | np.isnan(up))
    clearly_missed = np.where(pol == "high", up < t, lo > t)
    labels = np.where(met, "Met", np.where(has_ci & ~clearly_missed, "Not met (target within the 95% interval)",
                                           np.where(has_ci, "Significantly short of target", "Not met")))
    out = pd.DataFrame({"gap": v - t, "met": met, "label": labels.astype(object)}, index=index_of(value, target))
    out = finish(out, reason, is_scalar(value, target), keep=())
    if "reason" in out:
        out.loc[out["reason"] != "", "label"] = "Not judged"
    return out

"""Change since the previous period, with a significance test.

Method (Fingertips; ../shared/reference/METHODS.md "two CIs"): the change is significant when
the 95% intervals of the two periods do not overlap. This is conservative: overlapping intervals
do not prove there is no difference. Where both periods' counts are known, `equity.gap` gives a
direct test of the difference (Newcombe's score interval for proportions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cypp_lib.stats.benchmark import compare_intervals


def change(value, lower_95, upper_95, previous, previous_lower_95, previous_upper_95,
           polarity="none") -> pd.DataFrame:
    """Difference from the previous period and whether it is significant.

    Returns `difference` (value - previous), `comparison` (Better, Similar, Worse, Higher, Lower:
    the current period against the previous one), `level`, `method` and `reason` when missing.

    >>> change(30.0, 27.0, 33.0, 20.0, 18.0, 22.0, "low")[["difference", "comparison"]].values.tolist()
    [[10.0, 'Worse']]
    """
    out = compare_intervals(value, lower_95, upper_95, previous, previous_lower_95, previous_upper_95, polarity)
    v = np.asarray(value, dtype=float).reshape(-1)
    p = np.asarray(previous, dtype=float).reshape(-1)
    out.insert(0, "difference", np.broadcast_to(v - p, (len(out),)))
    return out

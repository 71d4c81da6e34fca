"""Comparisons in words: the statistics decide (cypp_lib.stats), this module phrases.

With a confidence interval the comparison is `stats.benchmark` (Fingertips: "similar" when the
benchmark lies inside the area's 95% interval; two levels when the 99.8% limits exist). Without
one (LAIT publishes values only) the difference is described but never called significant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from cypp_lib import stats


def missing(x) -> bool:
    """None, NaN or pandas NA."""
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


@dataclass(frozen=True)
class Comparison:
    label: str  # better | worse | similar | higher | lower | same | not compared
    tested: bool  # True when a confidence interval was used
    level: str = ""  # "95%" or "99.8%" when significant

    def words(self, benchmark_name: str, benchmark_text: str) -> str:
        if self.label == "not compared":
            return f"not compared with {benchmark_name} (no value)"
        if self.label == "same":
            return f"the same as {benchmark_name} ({benchmark_text})"
        if self.label == "similar":
            return f"similar to {benchmark_name} ({benchmark_text})"
        if self.tested:
            return f"significantly {self.label} than {benchmark_name} ({benchmark_text})"
        return f"{self.label} than {benchmark_name} ({benchmark_text}; significance not assessed)"

    def short(self) -> str:
        """Scorecard wording."""
        if self.label in ("not compared", "similar", "same"):
            return self.label
        if not self.tested:
            return f"{self.label} (not tested)"
        return f"significantly {self.label}" + (" (99.8%)" if self.level == "99.8%" else "")


def compare(value, lower, upper, benchmark, polarity: str, lower_99_8=None, upper_99_8=None) -> Comparison:
    """Compare value (with optional 95% and 99.8% limits) against a benchmark value.

    >>> compare(60.0, 55.0, 65.0, 63.0, "high").label
    'similar'
    >>> compare(60.0, 58.0, 62.0, 65.0, "high").label
    'worse'
    >>> compare(60.0, None, None, 65.0, "high")
    Comparison(label='lower', tested=False, level='')
    """
    if missing(value) or missing(benchmark):
        return Comparison("not compared", False)
    if not (missing(lower) or missing(upper)):
        two = not (missing(lower_99_8) or missing(upper_99_8))
        out = stats.benchmark([value], [lower], [upper], [benchmark], polarity,
                              [lower_99_8] if two else None, [upper_99_8] if two else None).iloc[0]
        if out["comparison"] != "Not compared":
            return Comparison(out["comparison"].lower(), True, out["level"])
    if value == benchmark:
        return Comparison("same", False)
    return Comparison("higher" if value > benchmark else "lower", False)


def change_words(value, previous, previous_period: str, fmt, significance: str = "") -> str:
    """'up from 58.1% in 2022/23' plus the significance note when one was assessed."""
    if missing(value) or missing(previous):
        return ""
    if round(value, 6) == round(previous, 6):
        return f"unchanged from {previous_period}"
    text = f"{'up' if value > previous else 'down'} from {fmt(previous)} in {previous_period}"
    return f"{text} ({significance})" if significance else text

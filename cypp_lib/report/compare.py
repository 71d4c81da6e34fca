"""Comparing a value with a benchmark, and saying so in words.

Method (../shared/reference/METHODS.md, Fingertips one-level comparison at 95%): the area is
"similar" to the benchmark when the benchmark lies inside the area's 95% confidence interval
(limits inclusive); otherwise better or worse according to the indicator's polarity, or higher
or lower when it has none. Without a confidence interval (LAIT publishes none) the difference is
described but never called significant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


@dataclass(frozen=True)
class Comparison:
    label: str  # better | worse | similar | higher | lower | same | not compared
    tested: bool  # True when a confidence interval was used

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


def compare(value, lower, upper, benchmark, polarity: str) -> Comparison:
    """Compare value (with optional 95% limits) against a benchmark value.

    >>> compare(60.0, 55.0, 65.0, 63.0, "high").label
    'similar'
    >>> compare(60.0, 58.0, 62.0, 65.0, "high").label
    'worse'
    >>> compare(60.0, None, None, 65.0, "high")
    Comparison(label='lower', tested=False)
    """
    if _missing(value) or _missing(benchmark):
        return Comparison("not compared", False)
    tested = not (_missing(lower) or _missing(upper))
    if tested and lower <= benchmark <= upper:
        return Comparison("similar", True)
    if value == benchmark:
        return Comparison("same", tested)
    higher = value > benchmark
    if not tested or polarity == "none":
        return Comparison("higher" if higher else "lower", tested)
    good = higher if polarity == "high" else not higher
    return Comparison("better" if good else "worse", True)


def change_words(value, previous, previous_period: str, fmt) -> str:
    """'up from 58.1% in 2022/23' (no significance claimed: that needs the counts)."""
    if _missing(value) or _missing(previous):
        return ""
    if round(value, 6) == round(previous, 6):
        return f"unchanged from {previous_period}"
    return f"{'up' if value > previous else 'down'} from {fmt(previous)} in {previous_period}"

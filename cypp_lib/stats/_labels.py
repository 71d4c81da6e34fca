"""Polarity-aware comparison labels shared by the benchmark, change, target and equity modules."""

from __future__ import annotations

import numpy as np

POLARITIES = ("high", "low", "none")
#: Labels used in every comparison column (Fingertips vocabulary).
LABELS = ("Better", "Similar", "Worse", "Higher", "Lower", "Not compared")


def polarity_array(polarity, shape) -> np.ndarray:
    """Broadcast polarity ('high' = high is good, 'low' = low is good, 'none') and check it."""
    p = np.broadcast_to(np.asarray(polarity, dtype=object).reshape(-1), shape).astype(str)
    bad = sorted(set(p) - set(POLARITIES))
    if bad:
        raise ValueError(f"polarity must be 'high', 'low' or 'none', not {bad[0]!r}")
    return p


def label(significant: np.ndarray, higher: np.ndarray, polarity: np.ndarray) -> np.ndarray:
    """'Similar' when not significant; else Higher/Lower without polarity, Better/Worse with it."""
    good = np.where(polarity == "high", higher, ~higher)
    judged = np.where(good, "Better", "Worse")
    plain = np.where(higher, "Higher", "Lower")
    return np.where(~significant, "Similar", np.where(polarity == "none", plain, judged)).astype(object)

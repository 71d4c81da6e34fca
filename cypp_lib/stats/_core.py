"""Shared plumbing for the statistics modules: confidence levels, z values, argument handling,
GSS status codes and the "missing result with a reason" convention.

Every batch function returns a DataFrame. A row that cannot be computed (impossible input,
suppressed source value) gets missing results and a `reason`; a scalar call with invalid
arguments raises ValueError carrying the same reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri  # norm.ppf without importing scipy.stats (0.7 s)

#: Confidence levels cypp reports, and the column suffix each one uses.
LEVELS = {0.95: "95", 0.998: "99_8"}

#: GSS symbols (DfE, ONS) kept beside values. "ok" marks a published value.
STATUS = {
    "ok": "published value",
    "c": "confidential (suppressed)",
    "k": "rounds to zero",
    "u": "low reliability",
    "x": "not available",
    "z": "not applicable",
}
#: Statuses whose value can be used in a calculation ("u" is used but keeps its flag).
USABLE = {"ok", "u"}


def levels(confidence) -> list[float]:
    """Validate `confidence` (0.95, 0.998 or both) and return it as a list."""
    found = [confidence] if np.isscalar(confidence) else list(confidence)
    if not found:
        raise ValueError("confidence must be 0.95, 0.998 or both, not empty")
    for c in found:
        if c not in LEVELS:
            raise ValueError(f"confidence must be 0.95, 0.998 or both, not {c!r}")
    return found


def z(c: float) -> float:
    """Two-sided standard normal quantile: z(0.95) = 1.95996..., z(0.998) = 3.09023..."""
    return float(ndtri(c + (1 - c) / 2))


def is_scalar(*args) -> bool:
    return all(a is None or np.isscalar(a) for a in args)


def index_of(*args):
    """The index of the first pandas Series among args (results keep it), else None."""
    for a in args:
        if isinstance(a, pd.Series):
            return a.index
    return None


def arrays(*args, names=None) -> list[np.ndarray]:
    """Broadcast arguments to float arrays of one shape (None -> all missing)."""
    arrs = []
    for i, a in enumerate(args):
        if a is None:
            arrs.append(np.array([np.nan]))
            continue
        try:
            arrs.append(np.asarray(a, dtype=float).reshape(-1))
        except (TypeError, ValueError):
            name = names[i] if names else f"argument {i + 1}"
            raise ValueError(f"{name} must be numbers (or missing), not {a!r}") from None
    try:
        return [x.copy() for x in np.broadcast_arrays(*arrs)]
    except ValueError:
        shapes = ", ".join(str(len(x)) for x in arrs)
        raise ValueError(f"arguments must have the same length (got lengths {shapes})") from None


def new_reasons(shape) -> np.ndarray:
    return np.full(shape, "", dtype=object)


def flag(reason: np.ndarray, condition, text: str) -> None:
    """Record `text` as the reason for rows meeting `condition` that have no reason yet."""
    reason[(reason == "") & np.asarray(condition, dtype=bool)] = text


def status_array(status, shape) -> np.ndarray | None:
    """Normalise GSS status codes (None -> no status column)."""
    if status is None:
        return None
    s = np.asarray(status, dtype=object).reshape(-1)
    s = np.broadcast_to(s, shape).copy()
    s[pd.isna(s)] = "ok"
    return s.astype(str)


def flag_status(reason: np.ndarray, status: np.ndarray | None) -> None:
    """Rows whose source value is suppressed or unavailable get a reason naming the symbol."""
    if status is None:
        return
    for code, meaning in STATUS.items():
        if code not in USABLE:
            flag(reason, status == code, f"source value is {meaning} ({code})")
    flag(reason, ~np.isin(status, list(STATUS)), "unknown status symbol")


def start(status, shape) -> tuple[np.ndarray | None, np.ndarray]:
    """Normalised status codes and the reasons array, with suppressed rows already flagged."""
    st = status_array(status, shape)
    reason = new_reasons(shape)
    flag_status(reason, st)
    return st, reason


def finish(out: pd.DataFrame, reason: np.ndarray, scalar: bool, status=None,
           keep=("method",)) -> pd.DataFrame:
    """Blank the results of rows with a reason, add `status` and `reason` columns as needed, and
    raise for a scalar call that failed."""
    bad = reason != ""
    if status is not None:
        out["status"] = status
    if bad.any():
        cols = [c for c in out.columns if c not in (*keep, "status")]
        for c in cols:
            if out[c].dtype == bool:
                out[c] = out[c].astype(object)
                out.loc[bad, c] = None
            elif out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
                out.loc[bad, c] = None
            else:
                out.loc[bad, c] = np.nan
        out["reason"] = reason
        if scalar:
            raise ValueError(reason[0])
    return out


def check_multiplier(multiplier) -> float:
    if not np.isscalar(multiplier) or not multiplier > 0:
        raise ValueError(f"multiplier must be a positive number, not {multiplier!r}")
    return float(multiplier)

"""How papers say that a value is hidden (status "c"), by who hid it and why (the `disclosure`
column of cypp_lib.disclosure.control): the same words in sentences, tables, charts and alt text.

    >>> words("primary", (1, 4))
    'hidden to protect confidentiality, as it rests on a count of 1-4 (c)'
"""

from __future__ import annotations

import pandas as pd


def words(how: str, small: tuple[int, int] | None = (1, 4)) -> str:
    """Why a cell is c, in a few words: how = "primary", "secondary" or "publisher" (or "")."""
    lo, hi = small or (1, 4)
    if how == "primary":
        return f"hidden to protect confidentiality, as it rests on a count of {lo}-{hi} (c)"
    if how == "secondary":
        return "hidden so that a small number in a related figure cannot be worked out by subtraction (c)"
    return "suppressed by the publisher to protect confidentiality (c)"


def small_range(paper, indicator: str) -> tuple[int, int] | None:
    """The counts the indicator's disclosure rule hides, e.g. (1, 4)."""
    return paper.catalogue.disclosure_rules[paper.catalogue[indicator].disclosure].suppress


def row_words(paper, indicator: str, row) -> str:
    """`words` for a row of the paper's table (its `disclosure` column says who hid it)."""
    return words(str(row.get("disclosure", "") or "publisher"), small_range(paper, indicator))


def later_hidden(paper, indicator: str, year: int | None, area_code: str | None = None) -> pd.DataFrame:
    """The area's rows of an indicator that are c and later than `year` (all c rows when None)."""
    s = paper.series(indicator, area_code)
    s = s[s["status"] == "c"]
    return s if year is None else s[s["year"].astype(int) > int(year)]


def note(paper, indicator: str, year: int | None) -> str:
    """A sentence on periods after the one shown whose values are hidden ("" when none)."""
    rows = later_hidden(paper, indicator, year)
    if rows.empty:
        return ""
    parts = [f"{r['period']}, {row_words(paper, indicator, r)}" for _, r in rows.iterrows()]
    later = "a later period" if len(parts) == 1 else "later periods"
    return f"No value can be shown for {later}: " + "; ".join(parts) + "."

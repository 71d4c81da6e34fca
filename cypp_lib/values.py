"""The published values of a build: one row per statistical indicator, as the papers state it.

`paper_values` reads every fact the scorecard shows for an indicator from a `Paper` (the value
and its interval, England, the region and the statistical neighbours, the comparison with
England in the scorecard's words, the recent trend, the quartile band and rank, the target) into
one self-describing table. The build publishes it as `values.csv` beside the papers, and
`cypp diff` (cypp_lib/diff.py) compares two of them to say what moved since the last board.

Numbers are rounded to the indicator's decimal places (`Indicator.dps`) with Python's `round`,
which rounds the exact binary value as `Indicator.format` does, so `value` and `shown` always
agree (55.55 stored as 55.549999... shows as 55.5% and is stored as 55.5). Missing numbers and
texts are empty cells.

    >>> from cypp_lib.report import Paper
    >>> from cypp_lib.values import paper_values
    >>> df = paper_values(Paper.open("data/processed"))     # doctest: +SKIP
    >>> df.loc[df["indicator"] == "take_up_2yo", ["period", "value", "shown"]]  # doctest: +SKIP
         period  value  shown
    1  2024/25   60.0  60.0%
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

#: The columns of values.csv, in order.
#:
#: - priority, outcome: the plan priority (0 = context) and outcome number of the indicator
#: - indicator, name: the catalogue id and name
#: - area: the area the papers are about (name)
#: - period, year: the period shown (e.g. "2024/25") and the year it ends in
#: - value, lower_95, upper_95: the area's value and 95% confidence limits (limits empty when
#:   the source publishes neither counts nor intervals)
#: - unit: the indicator's unit ("%", "per 10,000", "points", ...)
#: - england: England's value for the same period
#: - region_name, region: the region compared with (London for a London borough) and its value
#: - neighbours, neighbours_method: the statistical neighbours' value and how it was formed
#:   ("pooled (Wilson)", "mean of values", ...)
#: - compared_with_england: the scorecard's wording ("similar", "worse (not tested)",
#:   "significantly better (99.8%)", "not compared (a count)", ...)
#: - trend: the Fingertips recent-trend label ("No significant change", "Increasing and getting
#:   better", "Cannot be calculated", ...)
#: - band, rank, ranked: the quartile band among English LAs (A = best), the rank (1 = best) and
#:   how many LAs were ranked (empty when not banded)
#: - target_status: the judgement against the plan's target ("Met", ...; empty when no target)
#: - shown: the value as the paper shows it, e.g. "55.5%" (empty when there is no value)
COLUMNS = ["priority", "outcome", "indicator", "name", "area", "period", "year", "value", "lower_95",
           "upper_95", "unit", "england", "region_name", "region", "neighbours", "neighbours_method",
           "compared_with_england", "trend", "band", "rank", "ranked", "target_status", "shown"]
NUMBERS = ["value", "lower_95", "upper_95", "england", "region", "neighbours"]
INTEGERS = ["priority", "outcome", "year", "rank", "ranked"]
TEXTS = [c for c in COLUMNS if c not in NUMBERS + INTEGERS]


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _rounded(x, dps: int) -> float:
    """x rounded to dps decimal places as a float (NaN when missing; never -0.0)."""
    if _missing(x):
        return float("nan")
    return round(float(x), dps) + 0.0


def _value_of(row, dps: int) -> float:
    return float("nan") if row is None else _rounded(row["value"], dps)


def indicator_values(paper, ind) -> dict:
    """One row of values.csv (a dict keyed by COLUMNS) for one statistical indicator."""
    a = paper.assess(ind)
    out = dict.fromkeys(COLUMNS, "")
    out.update(priority=ind.priority, outcome=ind.outcome, indicator=ind.id, name=ind.name,
               area=paper.area.name, unit=ind.unit, year=None, rank=None, ranked=None,
               region_name=paper.region.name if paper.region is not None else "",
               **dict.fromkeys(NUMBERS, float("nan")))
    if not a.has_value:
        return out
    row, dps = a.row, ind.dps
    g = a.group
    has_group = g is not None and not _missing(g["value"])
    out.update(period=str(row["period"]), year=int(row["year"]), value=_rounded(row["value"], dps),
               lower_95=_rounded(row["lower_95"], dps), upper_95=_rounded(row["upper_95"], dps),
               england=_value_of(a.england, dps), region=_value_of(a.region, dps),
               neighbours=_rounded(g["value"], dps) if has_group else float("nan"),
               neighbours_method=str(g["method"]) if has_group else "",
               compared_with_england=paper._verdict(ind, a, paper.standing(ind)), trend=a.trend,
               band=a.band or "", rank=a.rank if a.band else None, ranked=a.ranked if a.band else None,
               target_status=a.target or "", shown=ind.format(row["value"]))
    return out


def paper_values(paper, indicators=None) -> pd.DataFrame:
    """The published facts of every statistical indicator for the paper's area and period, one row
    per indicator in catalogue order, with COLUMNS (see the comment above COLUMNS).

    `indicators`: Indicator objects or ids (default: every statistic of the paper's catalogue);
    evidence entries are skipped. An indicator with no value for the area still has its row, with
    the value columns empty.
    """
    chosen = paper.catalogue.statistics() if indicators is None else [
        paper.catalogue[i] if isinstance(i, str) else i for i in indicators]
    rows = [indicator_values(paper, ind) for ind in chosen if ind.is_statistic]
    return as_values_table(pd.DataFrame(rows, columns=COLUMNS))


def values_for_build(processed_dir, area: str = "Lewisham", period="latest", neighbour_model: str = "2025",
                     raw_dir=None, suppression: bool = True) -> pd.DataFrame:
    """values.csv of a build: `paper_values` for every statistic, with the papers' parameters
    (Paper.open checks them and raises ParameterError)."""
    from cypp_lib.report import Paper

    paper = Paper.open(processed_dir, area=area, period=period, neighbour_model=neighbour_model, raw_dir=raw_dir,
                       suppression=suppression)
    return paper_values(paper)


def as_values_table(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with exactly COLUMNS, in order (missing ones added empty), and fixed types: floats for
    NUMBERS, nullable integers for INTEGERS, text ("" when missing) for the rest."""
    df = df.copy()
    for c in COLUMNS:
        if c not in df.columns:
            df[c] = None
    for c in NUMBERS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    for c in INTEGERS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    for c in TEXTS:
        df[c] = df[c].fillna("").astype(str)
    return df[COLUMNS]


def write_values(df: pd.DataFrame, path) -> Path:
    """Write a values table (or any table) as UTF-8 CSV with \\n line endings; the same frame
    gives the same bytes on every run and machine."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        df.to_csv(fh, index=False, lineterminator="\n")
    return path


def read_values(path) -> pd.DataFrame:
    """Read a values.csv written by `write_values` back into the types `paper_values` gives
    (missing columns are added empty; columns it does not know are kept after them, as text)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    extra = [c for c in df.columns if c not in COLUMNS]
    typed = as_values_table(df)
    return pd.concat([typed, df[extra]], axis=1) if extra else typed

"""Ofsted overall effectiveness of schools by LA and school type (DfE SEND, AP and Inclusion
dashboard data, `dfe_send_ap_inclusion/ofsted_overall_effectiveness_by_la_school_type.csv`).

Format: one row per Year, school_type, judgement ("Overall effectiveness": Outstanding, Good,
Requires improvement, Inadequate), area and Measure, with columns Year, school_type,
Overall effectiveness, grand_total_schools, geographic_level (National, Regional, Local
authority), Region, la_name, Measure, Value. Each judgement comes twice: Measure
"Overall effectiveness (% of schools)" (rounded to 2 dp) and "Overall effectiveness (number of
schools)" (a count written as 19.0). grand_total_schools is the number of schools of that type
in the area with a judgement: the judgement counts add up to it. A judgement with no schools
has no row. The file names areas but gives no codes: England's rows have Region "England",
regional rows a region name, LA rows the LA name.

What is computed, per indicator, area and year: the percentage of schools judged Good or
Outstanding, over the school types the indicator's `source.filter` selects (school_type: one
type or a list; by default the three state-funded types, mainstream, special and AP; the
non-maintained special schools are not state-funded and are left out unless named). The
indicator's `source.measure` is the number-of-schools Measure (or left out):

    numerator   = Outstanding + Good counts, summed over the selected types
    denominator = grand_total_schools, summed over the selected types (schools with a judgement)
    value       = 100 * numerator / denominator

so cypp can add Wilson intervals. The value is recomputed from the counts, not summed from the
rounded % rows (so it can differ from such a sum in the second decimal place). Year is the
position "as at 31 August" of that year (the latest judgement of each open school, whenever it
was made): a snapshot, labelled with the year alone.

Areas: England is E92000001; regions and LAs are looked up by name in the area registry (LAs
outside cypp's built-in table are known once an EES file has been read, hence this adapter
runs after `ees`), then by the name without case, punctuation and the words "City of",
"County", "Borough" (DfE files spell "St. Helens" and "St Helens", "County Durham" and
"Durham", and the registry keeps the first spelling it learnt). An unknown region, an LA name
that names an aggregate, or a Year that is not a year is an error (RawDataError naming the
file, line and column). An LA name the registry does not know is
left out with an UnknownAreaWarning naming the file, lines, column and names: one unmatched
comparator LA (a new unitary authority, a variant spelling) should not stop every paper, and
the warning says what was dropped. Published markers in Value or grand_total_schools give the
row's status (via split_values) with no value.

Caveats: the denominator is schools with a judgement, not all open schools (new schools
awaiting a first inspection are not counted); judgements of schools inspected under earlier
frameworks, and "outstanding" schools exempt from routine inspection until 2020, are carried
forward; the Ofsted single-word judgement was withdrawn from September 2024, so the series ends.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from cypp_lib.errors import RawDataError
from cypp_lib.geography import ENGLAND
from cypp_lib.sources.common import end_year, period_label, require_columns, split_values, tidy_frame

COLUMNS = ["Year", "school_type", "Overall effectiveness", "grand_total_schools", "geographic_level",
           "Region", "la_name", "Measure", "Value"]
NUMBER = "Overall effectiveness (number of schools)"
PERCENT = "Overall effectiveness (% of schools)"
JUDGEMENTS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
GOOD_OR_OUTSTANDING = ("Outstanding", "Good")
STATE_FUNDED = ("State-funded mainstream school", "State-funded special school", "State-funded AP school")
SCHOOL_TYPES = (*STATE_FUNDED, "Non-maintained special school")
AREA = ["geographic_level", "Region", "la_name"]


class UnknownAreaWarning(UserWarning):
    """Rows of a raw file were left out because their area name is not in the area registry."""


def area_codes(df: pd.DataFrame, registry) -> pd.Series:
    """The ONS code of each row's area (England, region or LA, looked up by name); missing where
    the registry does not know the name or the name is not of the row's geographic_level."""
    keys = df[AREA].drop_duplicates()
    codes = {}
    for key in keys.itertuples(index=False):
        area = _lookup(registry, *key)
        codes[tuple(key)] = area.code if area is not None else None
    return pd.Series([codes[k] for k in zip(*(df[c] for c in AREA))], index=df.index, dtype=object)


def period_years(df: pd.DataFrame) -> pd.Series:
    """The year of each row's position (as at 31 August of Year)."""
    return df["Year"].map(end_year)


def to_tidy(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    require_columns(df, COLUMNS, label)
    counts = df[df["Measure"] == NUMBER]
    if counts.empty and not df.empty:
        raise RawDataError(f"{label}: no rows with Measure {NUMBER!r} in column 'Measure'; "
                           f"found {', '.join(repr(m) for m in df['Measure'].unique()[:5])}")
    years = counts["Year"].map(end_year)
    if years.isna().any():
        first = years.index[years.isna()][0]
        raise RawDataError(f"{label}, line {int(first) + 2}, column 'Year': expected a year such as 2023; "
                           f"found {counts.loc[first, 'Year']!r}")
    counts = counts[_known_areas(counts, registry, label)]
    _check_unique(counts, label)
    frames = []
    for ind in indicators:
        if ind.source.measure not in (None, NUMBER):
            raise RawDataError(f"{label}: indicator {ind.id} asks for Measure {ind.source.measure!r}; the ofsted "
                               f"adapter works from the counts, Measure {NUMBER!r}")
        rows = counts
        wanted = {"school_type": STATE_FUNDED, **ind.source.filter}
        require_columns(rows, list(wanted), label)
        for col, want in wanted.items():
            rows = rows[rows[col].isin([want] if isinstance(want, str) else list(want))]
        frames.append(_percentages(rows, ind, registry, label))
    return pd.concat(frames, ignore_index=True) if frames else tidy_frame()


def _percentages(rows: pd.DataFrame, ind, registry, label: str) -> pd.DataFrame:
    n, n_status = split_values(rows["Value"])
    total, t_status = split_values(rows["grand_total_schools"])
    work = rows[["Year", "school_type", *AREA]].assign(
        n=n, total=total, good=n.where(rows["Overall effectiveness"].isin(GOOD_OR_OUTSTANDING), 0.0),
        bad=np.where(n_status != "ok", n_status, np.where(t_status != "ok", t_status, "")))
    by_type = work.groupby(["Year", *AREA, "school_type"], sort=False, dropna=False).agg(
        n=("n", "sum"), good=("good", "sum"), total=("total", "first"), totals=("total", "nunique"),
        bad=("bad", "max"))
    _check_totals(by_type, rows, label)
    by_area = by_type.groupby(["Year", *AREA], sort=False, dropna=False).agg(
        numerator=("good", "sum"), denominator=("total", "sum"), bad=("bad", "max")).reset_index()
    status = np.where(by_area["bad"] != "", by_area["bad"],
                      np.where(by_area["denominator"] > 0, "ok", "z"))
    ok = status == "ok"
    numerator = by_area["numerator"].where(ok)
    denominator = by_area["denominator"].where(by_area["denominator"] > 0)
    areas = [_area(registry, lvl, reg, la) for lvl, reg, la in by_area[AREA].itertuples(index=False)]
    years = by_area["Year"].map(end_year)
    return tidy_frame(
        indicator=ind.id, area_code=[a.code for a in areas], area_name=[a.name for a in areas],
        area_level=[a.level for a in areas], la_number=[float(a.la_number) for a in areas],
        year=years.to_numpy(), period=[period_label(int(y), ind.year_type) for y in years],
        numerator=numerator.to_numpy(dtype=float), denominator=denominator.to_numpy(dtype=float),
        value=(100 * numerator / denominator).where(ok).to_numpy(dtype=float), status=status, source=label,
    )


def _area(registry, level: str, region: str, la_name: str):
    if level == "National":
        return registry.resolve(ENGLAND)
    return _resolve(registry, region if level == "Regional" else la_name)


_NOISE = {"city", "county", "of", "borough", "the"}


def _plain(name: str) -> str:
    """A name without case, punctuation or the words DfE files add or drop ('St. Helens' and
    'St Helens', 'Herefordshire, County of' and 'Herefordshire', 'County Durham' and 'Durham')."""
    words = re.sub(r"[^a-z0-9]+", " ", str(name).casefold().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _NOISE)


def _resolve(registry, name: str):
    """registry.resolve, then for LAs a match on the plain name (spellings differ between DfE
    files, and the registry keeps the first spelling it learnt); an ambiguous match is no match."""
    try:
        return registry.resolve(name)
    except KeyError:
        want = _plain(name)
        if not want:
            raise
        found = {a.code: a for a in registry.by_name.values()
                 if a.level == "Local authority" and _plain(a.name) == want}
        found.update({a.code: a for key, a in registry.by_name.items()
                      if a.level == "Local authority" and _plain(key) == want})
        if len(found) != 1:
            raise
        return next(iter(found.values()))


def _lookup(registry, level: str, region: str, la_name: str):
    """The row's Area, or None (unknown name, or a name of another level); never raises."""
    try:
        area = _area(registry, level, region, la_name)
    except KeyError:
        return None
    return area if area.level == level else None


def _known_areas(df: pd.DataFrame, registry, label: str) -> pd.Series:
    """True for rows whose area the registry knows; raise for bad aggregates, warn for unknown LAs."""
    keep = pd.Series(True, index=df.index)
    unknown: dict[str, int] = {}
    for (level, region, la_name), idx in df.groupby(AREA, sort=False).groups.items():
        line = int(idx[0]) + 2  # CSV line (the header is line 1)
        if level == "National":
            continue
        if level not in ("Regional", "Local authority"):
            raise RawDataError(f"{label}, line {line}, column 'geographic_level': expected National, "
                               f"Regional or Local authority; found {level!r}")
        column, name = ("Region", region) if level == "Regional" else ("la_name", la_name)
        try:
            area = _resolve(registry, name)
        except KeyError:
            if level == "Regional":
                raise RawDataError(f"{label}, line {line}, column 'Region': {region!r} is not an English "
                                   "region cypp knows") from None
            unknown[la_name] = line
            keep[idx] = False
            continue
        if area.level != level:
            raise RawDataError(f"{label}, line {line}, column {column!r}: {name!r} is a {area.level.lower()} "
                               f"area, but the row's geographic_level is {level!r}")
    if unknown:
        shown = ", ".join(f"{n!r} (line {line})" for n, line in list(unknown.items())[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        warnings.warn(f"{label}: {len(unknown)} local authority name(s) in column 'la_name' are not in the "
                      f"area registry, so their rows are left out: {shown}{more}. Add them to "
                      "geography.BUILTIN_LAS or supply an EES file that lists them.",
                      UnknownAreaWarning, stacklevel=3)
    return keep


def _check_unique(counts: pd.DataFrame, label: str) -> None:
    key = ["Year", "school_type", "Overall effectiveness", *AREA]
    dup = counts[counts.duplicated(key, keep=False)]
    if not dup.empty:
        lines = ", ".join(str(int(i) + 2) for i in dup.index[:5])
        raise RawDataError(f"{label}, lines {lines}: the same year, school type, judgement and area appear "
                           "more than once; expected one count each")


def _check_totals(by_type: pd.DataFrame, rows: pd.DataFrame, label: str) -> None:
    """grand_total_schools must be one number per area, year and type, equal to the judgement counts' sum."""
    ok = by_type["bad"] == ""
    wrong = by_type[ok & ((by_type["totals"] > 1) | ((by_type["n"] - by_type["total"]).abs() > 0.5))]
    if wrong.empty:
        return
    year, level, region, la_name, school_type = wrong.index[0]
    first = rows[(rows["Year"] == year) & (rows["geographic_level"] == level) & (rows["Region"] == region)
                 & (rows["la_name"] == la_name) & (rows["school_type"] == school_type)].index
    r = wrong.iloc[0]
    raise RawDataError(
        f"{label}, lines {', '.join(str(int(i) + 2) for i in first[:5])}, column 'grand_total_schools': "
        f"expected one total per year, area and school type equal to the sum of the judgement counts; "
        f"found {int(r['totals'])} different total(s), first {r['total']:g}, counts summing to {r['n']:g} "
        f"({school_type}, {la_name or region}, {year}) in {len(wrong)} group(s)")

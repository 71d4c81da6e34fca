"""DfE Local Authority Interactive Tool (LAIT) long format.

Columns: Short Desc, Data item, Years, LA and Regions, Values, LA Number, Region. Values are
text as published (float artefacts such as 37.799999999999997; markers -, x, c, z). LAIT gives
values only, so numerator, denominator and CIs are missing.
"""

from __future__ import annotations

import pandas as pd

from cypp_lib.sources.common import end_year, period_label, require_columns, split_values, tidy_frame

COLUMNS = ["Short Desc", "Years", "LA and Regions", "Values", "LA Number"]


AREA_COLUMNS = "LA Number"  # where validation finds each row's area
YEAR_COLUMNS = "Years"


def area_codes(df: pd.DataFrame, registry) -> pd.Series:
    """For validation: the ONS code of each row's DfE number where known, "LA<number>" otherwise
    (known when LAIT's la_code_list.csv lists it). The number alone: a name cannot vouch for it."""
    def code(number: str) -> str:
        try:
            return registry.by_number[int(number)].code
        except (KeyError, ValueError):
            return f"LA{number}"
    numbers = df["LA Number"].str.strip()
    codes = {n: code(n) for n in numbers.unique()}
    return numbers.map(codes)


def period_years(df: pd.DataFrame) -> pd.Series:
    return df["Years"].map(end_year)


def to_tidy(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    require_columns(df, COLUMNS, label)
    frames = []
    by_measure = {i.source.measure: i for i in indicators}
    sub = df[df["Short Desc"].isin(by_measure)]
    for measure, rows in sub.groupby("Short Desc", sort=False):
        ind = by_measure[measure]
        value, status = split_values(rows["Values"])
        areas = [_area(registry, num, name) for num, name in zip(rows["LA Number"], rows["LA and Regions"])]
        years = rows["Years"].map(end_year)
        frames.append(tidy_frame(
            indicator=ind.id,
            area_code=[a[0] for a in areas], area_name=[a[1] for a in areas], area_level=[a[2] for a in areas],
            la_number=pd.to_numeric(rows["LA Number"], errors="coerce").to_numpy(),
            year=years.to_numpy(), period=[period_label(y, ind.year_type) for y in years],
            value=value.to_numpy(), status=status.to_numpy(), source=label,
        ))
    return pd.concat(frames, ignore_index=True) if frames else tidy_frame()


def _area(registry, number, name):
    try:
        a = registry.resolve(str(int(float(number))))
    except (KeyError, ValueError):
        try:
            a = registry.resolve(name)
        except KeyError:
            return (f"LA{number}", name, "Local authority")
    return (a.code, a.name, a.level)

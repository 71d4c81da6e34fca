"""OHID Fingertips API CSV ("all_data/csv/by_indicator_id").

One row per indicator, area, sex, age, category and period, with Value, 95% and 99.8% limits,
Count and Denominator. The catalogue selects the indicator id and a filter (e.g. Sex: Persons);
category breakdowns (deprivation deciles on the England rows) are left out.
"""

from __future__ import annotations

import pandas as pd

from cypp_lib.sources.common import end_year, period_label, require_columns, split_values, tidy_frame

COLUMNS = ["Indicator ID", "Area Code", "Area Name", "Area Type", "Sex", "Category Type",
           "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit",
           "Upper CI 99.8 limit", "Count", "Denominator"]


AREA_COLUMNS = "Area Code"  # where validation finds each row's area
YEAR_COLUMNS = "Time period"


def area_codes(df: pd.DataFrame, registry=None) -> pd.Series:
    return df["Area Code"]


def period_years(df: pd.DataFrame) -> pd.Series:
    return df["Time period"].map(end_year)


def to_tidy(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    require_columns(df, COLUMNS, label)
    frames = []
    for ind in indicators:
        rows = df[(df["Indicator ID"] == str(ind.source.measure)) & (df["Category Type"] == "")]
        for col, want in ind.source.filter.items():
            rows = rows[rows[col] == want]
        value, status = split_values(rows["Value"])
        level = rows["Area Type"].map(lambda t: "National" if t == "England" else
                                      "Regional" if "region" in t.lower() else "Local authority")
        years = rows["Time period"].map(end_year)
        frames.append(tidy_frame(
            indicator=ind.id, area_code=rows["Area Code"].to_numpy(), area_name=rows["Area Name"].to_numpy(),
            area_level=level.to_numpy(),
            la_number=[getattr(registry.by_code.get(c), "la_number", float("nan")) for c in rows["Area Code"]],
            year=years.to_numpy(), period=[period_label(y, ind.year_type) for y in years],
            numerator=split_values(rows["Count"])[0].to_numpy(),
            denominator=split_values(rows["Denominator"])[0].to_numpy(),
            value=value.to_numpy(), lower_95=split_values(rows["Lower CI 95.0 limit"])[0].to_numpy(),
            upper_95=split_values(rows["Upper CI 95.0 limit"])[0].to_numpy(),
            lower_99_8=split_values(rows["Lower CI 99.8 limit"])[0].to_numpy(),
            upper_99_8=split_values(rows["Upper CI 99.8 limit"])[0].to_numpy(),
            status=status.to_numpy(), source=label,
        ))
    return pd.concat(frames, ignore_index=True) if frames else tidy_frame()

"""DfE Explore Education Statistics (EES) tidy CSV.

Standard geography columns (time_period, time_identifier, geographic_level, country_code,
region_code, region_name, old_la_code, new_la_code, la_name) plus indicator columns. The
catalogue names the numerator, denominator and value columns and any filter (e.g.
population_type). Markers c, x, z, low, : are kept as statuses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cypp_lib.geography import ENGLAND
from cypp_lib.sources.common import end_year, period_label, require_columns, split_values, tidy_frame

GEO = ["time_period", "geographic_level", "country_code", "region_code", "region_name",
       "old_la_code", "new_la_code", "la_name"]


AREA_COLUMNS = "geographic_level with country_code, region_code or new_la_code"  # where validation finds each row's area
YEAR_COLUMNS = "time_period"


def area_codes(df: pd.DataFrame, registry=None) -> pd.Series:
    """The ONS code of each row's area: England, the region, or the LA, by geographic_level."""
    level = df["geographic_level"]
    return pd.Series(np.where(level == "National", ENGLAND,
                              np.where(level == "Regional", df["region_code"], df["new_la_code"])), index=df.index)


def period_years(df: pd.DataFrame) -> pd.Series:
    return df["time_period"].map(end_year)


def to_tidy(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    require_columns(df, GEO, label)
    for num, code, name in df[["old_la_code", "new_la_code", "la_name"]].drop_duplicates().itertuples(index=False):
        registry.learn(num, code, name)
    frames = []
    for ind in indicators:
        src = ind.source
        require_columns(df, [c for c in (src.numerator, src.denominator, src.value, *src.filter) if c], label)
        rows = df
        for col, want in src.filter.items():
            rows = rows[rows[col] == want]
        level = rows["geographic_level"]
        code = area_codes(rows, registry).to_numpy()
        name = np.where(level == "National", "England",
                        np.where(level == "Regional", rows["region_name"], rows["la_name"]))
        value, status = split_values(rows[src.value])
        numerator, num_status = split_values(rows[src.numerator]) if src.numerator else (np.nan, None)
        denominator, _ = split_values(rows[src.denominator]) if src.denominator else (np.nan, None)
        if num_status is not None:
            status = status.where(status != "ok", num_status)
        years = rows["time_period"].map(end_year)
        frames.append(tidy_frame(
            indicator=ind.id, area_code=code, area_name=name, area_level=level.to_numpy(),
            la_number=pd.to_numeric(rows["old_la_code"], errors="coerce").to_numpy(),
            year=years.to_numpy(), period=[period_label(y, ind.year_type) for y in years],
            numerator=np.asarray(numerator, dtype=float), denominator=np.asarray(denominator, dtype=float),
            value=value.to_numpy(), status=status.to_numpy(), source=label,
        ))
    return pd.concat(frames, ignore_index=True) if frames else tidy_frame()

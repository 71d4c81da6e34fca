"""DfE "Social mobility and early years" (SMAPEY) dashboard data, 2019 vintage.

Wide format: one row per (LA, statistical neighbour) pair, so each LA appears up to 11 times with
the same values; rows are de-duplicated on LA_Code (ONS code). A measure is a column prefix and
the year its suffix, e.g. three_and_four_year_olds_Percent_2016 ... _2019 (take-up of funded
early education, January of that year). Local authorities only: no England or regional rows.

cypp reads it as an earlier vintage of indicators whose current source is LAIT, to report what
the later (revised) publication changed, e.g. 3-4-year-old take-up for 2018 and 2019.
"""

from __future__ import annotations

import re

import pandas as pd

from cypp_lib.errors import RawDataError
from cypp_lib.sources.common import period_label, require_columns, split_values, tidy_frame

COLUMNS = ["LA_Code", "LA_Name"]


AREA_COLUMNS = "LA_Code"  # where validation finds each row's area


def area_codes(df: pd.DataFrame, registry=None) -> pd.Series:
    return df["LA_Code"]


def to_tidy(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    require_columns(df, COLUMNS, label)
    las = df.drop_duplicates("LA_Code")
    frames = []
    for ind in indicators:
        pattern = re.compile(re.escape(ind.source.measure) + r"_(\d{4})$")
        columns = {c: int(m.group(1)) for c in df.columns if (m := pattern.match(c))}
        if not columns:
            raise RawDataError(f"{label}: no columns {ind.source.measure}_<year> for {ind.id}; "
                               f"found {', '.join(df.columns[:8])} ...")
        for column, year in sorted(columns.items(), key=lambda kv: kv[1]):
            value, status = split_values(las[column])
            areas = [registry.by_code.get(code) for code in las["LA_Code"]]
            frames.append(tidy_frame(
                indicator=ind.id, area_code=las["LA_Code"].to_numpy(),
                area_name=[a.name if a else n for a, n in zip(areas, las["LA_Name"])],
                area_level="Local authority",
                la_number=[a.la_number if a else float("nan") for a in areas],
                year=year, period=period_label(year, ind.year_type),
                value=value.to_numpy(), status=status.to_numpy(), source=label))
    return pd.concat(frames, ignore_index=True) if frames else tidy_frame()

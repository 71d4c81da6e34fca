"""DfE NCCIS "Participation in education, training and NEET age 16 to 17 by local authority".

The dashboard files (one a year: neet_la_2021.csv ... neet_la_2025.csv) are EES tidy CSV: the
standard geography columns plus percentages (NEET_percent, Notknown_percent,
NEET_not_known_percent, ...) and the 16-17 cohort (Cohort_DJFavg, the December-February
average known to the LA). Column sets differ slightly between years; the catalogue names only
columns every year has.

NCCIS publishes percentages, not counts. The count is reconstructed as
round(percentage / 100 x cohort) so that cypp can give a Wilson interval; because the
percentage is published to one decimal place, the count can be out by up to 0.05% of the cohort
(about 3 young people in Lewisham's cohort of ~6,900), far inside the interval's width.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cypp_lib.sources import ees

area_codes, period_years = ees.area_codes, ees.period_years
AREA_COLUMNS, YEAR_COLUMNS = ees.AREA_COLUMNS, ees.YEAR_COLUMNS


def to_tidy(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    tidy = ees.to_tidy(df, indicators, registry, label)
    known = (tidy["status"] == "ok") & tidy["denominator"].notna() & tidy["numerator"].isna()
    tidy.loc[known, "numerator"] = np.round(tidy.loc[known, "value"] / 100 * tidy.loc[known, "denominator"])
    return tidy

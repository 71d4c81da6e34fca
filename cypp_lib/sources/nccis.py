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

The SEND breakdowns publish each group's share of the cohort (cohort_EHCP_percent, ...) and the
group's NEET-or-not-known percentage (NEET_NK_EHCP_percent, ...). An indicator whose source names
a `cohort_share` column gets the group's cohort as its denominator,
round(Cohort_DJFavg x share / 100), and its count rebuilt from that as above. Both rest on
percentages rounded to one decimal place, so the counts (and the intervals) are approximate. A
suppressed or missing share leaves the published percentage without a count or an interval.
Whole people are rounded half up (0.5 -> 1; see `whole_people`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from cypp_lib.sources import ees
from cypp_lib.sources.common import require_columns, split_values

area_codes, period_years = ees.area_codes, ees.period_years
AREA_COLUMNS, YEAR_COLUMNS = ees.AREA_COLUMNS, ees.YEAR_COLUMNS


def whole_people(x):
    """Round to whole people, halves up: 338.5 -> 339 (numpy and Python's round() take halves
    to the even neighbour, 338.5 -> 338; cf. dfeR::round_five_up). The product is first rounded to
    6 decimal places so that a float artefact such as 338.49999999999994 counts as a half."""
    return np.floor(np.round(np.asarray(x, dtype=float), 6) + 0.5)


def group_cohort(df: pd.DataFrame, ind, label: str) -> tuple[pd.DataFrame, object]:
    """For an indicator whose source has a `cohort_share` column: the file with one more column,
    the group's cohort round(denominator x share / 100) ("" where either is missing), and the
    indicator with that column as its denominator."""
    src = ind.source
    require_columns(df, [src.denominator, src.cohort_share], label)
    cohort, _ = split_values(df[src.denominator])
    share, _ = split_values(df[src.cohort_share])
    group = whole_people(cohort.to_numpy() * share.to_numpy() / 100)
    column = f"{src.denominator} x {src.cohort_share} / 100"
    out = df.copy()
    out[column] = ["" if np.isnan(g) else f"{g:.0f}" for g in group]
    return out, replace(ind, source=replace(src, denominator=column))


def to_tidy(df: pd.DataFrame, indicators, registry, label: str) -> pd.DataFrame:
    frames = []
    for ind in indicators:
        if ind.source.cohort_share:
            frame, ind = group_cohort(df, ind, label)
            frames.append(ees.to_tidy(frame, [ind], registry, label))
        else:
            frames.append(ees.to_tidy(df, [ind], registry, label))
    tidy = pd.concat(frames, ignore_index=True) if frames else ees.to_tidy(df, [], registry, label)
    known = (tidy["status"] == "ok") & tidy["denominator"].notna() & tidy["numerator"].isna()
    tidy.loc[known, "numerator"] = whole_people(tidy.loc[known, "value"] / 100 * tidy.loc[known, "denominator"])
    return tidy

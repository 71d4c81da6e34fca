"""Everything a paper says about one indicator in one period, computed with cypp_lib.stats:
benchmarks against England and the region (London for a London borough), the comparator group, change since the previous period,
the recent trend, the quartile band and rank among LAs, and the target."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cypp_lib import geography as geo
from cypp_lib import stats
from cypp_lib.catalogue import Indicator
from cypp_lib.report.compare import Comparison, compare, missing

MIN_RANKED = 10  # LAs needed before a quartile band and rank are shown


@dataclass
class Assessment:
    indicator: Indicator
    year: int | None
    row: pd.Series | None = None
    england: pd.Series | None = None
    region: pd.Series | None = None  # the value of the area's region (London for Lewisham)
    vs_england: Comparison | None = None
    vs_region: Comparison | None = None
    group: pd.Series | None = None  # comparator-group aggregate (value, limits, method, n_used)
    previous: pd.Series | None = None
    change: str = ""  # significance note for the change
    trend: str = "Cannot be calculated"
    trend_reason: str = ""
    band: str | None = None
    rank: int | None = None
    ranked: int = 0
    target: str = ""

    @property
    def has_value(self) -> bool:
        return self.row is not None


def usable_rows(s: pd.DataFrame) -> pd.DataFrame:
    """Rows whose status allows use in a calculation (published, or low reliability)."""
    return s[s["status"].isin(stats.USABLE)]


def comparator_group(paper, ind: Indicator, year: int) -> pd.Series | None:
    """Pooled value of the neighbours when every one has counts, else their mean (LAIT's
    neighbour average); the `method` says which."""
    rows = [r for n in paper.neighbours if (r := paper.value(ind.id, year, n.code)) is not None]
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    pooled = ind.value_type in ("proportion", "rate") and frame[["numerator", "denominator"]].notna().all(axis=None)
    if pooled and len(rows) == len(paper.neighbours):
        out = stats.aggregate(frame, "pooled", kind=ind.value_type, multiplier=ind.multiplier).iloc[0]
    else:
        out = stats.aggregate(frame, "mean", kind=ind.value_type).iloc[0]
    out["n_neighbours"] = len(paper.neighbours)
    return out


def assess(paper, ind: Indicator) -> Assessment:
    year = paper.year_for(ind.id)
    a = Assessment(ind, year)
    if year is None:
        return a
    row = paper.value(ind.id, year, paper.area.code)
    a.row = row
    a.england = paper.value(ind.id, year, geo.ENGLAND)
    a.region = paper.value(ind.id, year, paper.region.code) if paper.region is not None else None
    limits = (row["lower_95"], row["upper_95"])
    limits_998 = (row.get("lower_99_8"), row.get("upper_99_8"))
    if ind.value_type != "count":
        for name, bench in (("vs_england", a.england), ("vs_region", a.region)):
            if bench is not None:
                setattr(a, name, compare(row["value"], *limits, bench["value"], ind.polarity, *limits_998))
        a.group = comparator_group(paper, ind, year)
    series = usable_rows(paper.series(ind.id))
    before = series[series["year"] < year]
    if len(before):
        prev = before.iloc[-1]
        a.previous = prev
        if not (missing(row["lower_95"]) or missing(prev["lower_95"])):
            ch = stats.change([row["value"]], [row["lower_95"]], [row["upper_95"]], [prev["value"]],
                              [prev["lower_95"]], [prev["upper_95"]], ind.polarity)["comparison"].iloc[0]
            a.change = "not a significant change" if ch == "Similar" else "a significant change"
        else:
            a.change = "significance not assessed"
    upto = paper.series(ind.id)
    upto = upto[upto["year"] <= year]
    tr = stats.recent_trend(upto, ind.value_type, ind.polarity, single_year=ind.frequency == "annual").iloc[0]
    a.trend, a.trend_reason = tr["trend"], tr["reason"]
    if paper.area.level == "Local authority" and ind.polarity != "none" and ind.value_type != "count":
        values = paper.la_values(ind.id, year)
        # quartiles of fewer than MIN_RANKED LAs (e.g. a local extract: one LA) mean nothing
        if paper.area.code in values.index and values.notna().sum() >= MIN_RANKED:
            bands = stats.quartile_bands(values, ind.polarity)
            ranks = stats.rank(values, ind.polarity)
            a.band, a.rank, a.ranked = bands[paper.area.code], int(ranks[paper.area.code]), int(values.notna().sum())
    if ind.target is not None:
        t = stats.against_target([row["value"]], [ind.target], ind.polarity, [row["lower_95"]], [row["upper_95"]])
        a.target = t["label"].iloc[0]
    return a

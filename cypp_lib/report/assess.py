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


def comparator_groups(paper, ind: Indicator) -> dict[int, pd.Series]:
    """The comparator group's value in each year: pooled when every neighbour has counts that
    year, else the mean of their values (LAIT's neighbour average); the `method` says which.
    Two `stats.aggregate` calls (by year) for the whole series, not one per year."""
    frame = paper.rows(ind.id, [n.code for n in paper.neighbours])
    frame = frame[frame["status"] == "ok"].drop_duplicates(["area_code", "year"])  # Paper.value's rows
    if frame.empty:
        return {}
    frame = frame.assign(year=frame["year"].astype(int))
    counts = frame[["numerator", "denominator"]].notna().all(axis=1).groupby(frame["year"]).agg(["all", "size"])
    pooled = counts.index[counts["all"] & (counts["size"] == len(paper.neighbours))]
    pooled = pooled if ind.value_type in ("proportion", "rate") else pooled[:0]
    out = {}
    for rows, method, kw in ((frame["year"].isin(pooled), "pooled", {"multiplier": ind.multiplier}),
                             (~frame["year"].isin(pooled), "mean", {})):
        if rows.any():
            agg = stats.aggregate(frame[rows], method, kind=ind.value_type, by="year", **kw)
            for _, r in agg.iterrows():
                out[int(r["year"])] = r.drop("year")
    for r in out.values():
        r["n_neighbours"] = len(paper.neighbours)
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
        a.group = paper.comparator_groups(ind.id).get(int(year))
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

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


def comparator_group_frames(paper, inds: list[Indicator]) -> dict[str, pd.DataFrame]:
    """Each indicator's comparator-group value in each year (a frame, one row a year, by year):
    pooled when every neighbour has counts that year, else the mean of their values (LAIT's
    neighbour average); the `method` says which.

    All the indicators at once: one selection of the neighbours' rows and one `stats.aggregate`
    call (by indicator and year) per method, kind and multiplier, instead of two per indicator
    (a paper asks for every indicator it shows; the calls cost the same for one or forty). An
    indicator's rows are what asking for it alone gives (tests/test_report.py checks)."""
    codes = [n.code for n in paper.neighbours]
    wanted = {ind.id: ind for ind in inds}
    frame = paper.rows(list(wanted), codes)
    frame = frame[frame["status"] == "ok"].drop_duplicates(["indicator", "area_code", "year"])  # Paper.value's rows
    if frame.empty:
        return {}
    frame = frame.assign(year=frame["year"].astype(int))
    keys = ["indicator", "year"]
    counts = frame[["numerator", "denominator"]].notna().all(axis=1).groupby([frame[k] for k in keys]).agg(["all", "size"])
    complete = counts.index[counts["all"] & (counts["size"] == len(codes))]
    poolable = complete[[wanted[i].value_type in ("proportion", "rate") for i in complete.get_level_values(0)]]
    pooled = pd.MultiIndex.from_frame(frame[keys]).isin(poolable)
    kind = frame["indicator"].map({i: ind.value_type for i, ind in wanted.items()})
    multiplier = frame["indicator"].map({i: ind.multiplier for i, ind in wanted.items()})
    calls = []  # (rows, method, keyword arguments): the per-indicator calls, made for all indicators
    for k in kind[pooled].unique():
        for m in multiplier[pooled & (kind == k)].unique():
            calls.append((pooled & (kind == k) & (multiplier == m), "pooled", {"kind": k, "multiplier": m}))
    for k in kind[~pooled].unique():
        calls.append((~pooled & (kind == k), "mean", {"kind": k}))
    parts: dict[str, list[pd.DataFrame]] = {}
    for rows, method, kw in calls:
        agg = stats.aggregate(frame[rows], method, by=keys, **kw)
        agg["n_neighbours"] = len(codes)
        for ind_id, part in agg.groupby("indicator", sort=False):
            # asked alone, an indicator's result has a reason column only when one of its years has one
            gone = ["indicator"] + (["reason"] if "reason" in part and (part["reason"] == "").all() else [])
            parts.setdefault(ind_id, []).append(part.drop(columns=gone).set_index("year", drop=False))
    return {i: (p[0] if len(p) == 1 else pd.concat(p)).sort_index() for i, p in parts.items()}


def rows_by_year(frame: pd.DataFrame | None) -> dict[int, pd.Series]:
    """{year: that year's row without the year} of a comparator_group_frames frame."""
    if frame is None:
        return {}
    body = frame.drop(columns="year")
    return {int(y): body.iloc[j] for j, y in enumerate(frame["year"])}


def recent_trend_rows(paper, inds: list[Indicator]) -> pd.DataFrame:
    """stats.recent_trend for each indicator's series in the paper's area up to the paper's year
    (none when it has no year), by indicator: one call per value type, polarity and frequency for
    all the indicators, the same rows as one call per indicator."""
    by_kind: dict[tuple, list] = {}
    for ind in inds:  # peeked at: working ahead is not using an indicator (the appendix reports on use)
        s = paper.peek_series(ind.id)
        year = paper.year_in(s)
        if year is not None:
            by_kind.setdefault((ind.value_type, ind.polarity, ind.frequency == "annual"), []).append(s[s["year"] <= year])
    found = [stats.recent_trend(pd.concat(frames, ignore_index=True), kind, polarity, by="indicator",
                                single_year=single_year)
             for (kind, polarity, single_year), frames in by_kind.items()]
    if not found:
        return pd.DataFrame(columns=["indicator"]).set_index("indicator")
    return (found[0] if len(found) == 1 else pd.concat(found, ignore_index=True)).set_index("indicator")


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
    tr = paper.recent_trend(ind.id)
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

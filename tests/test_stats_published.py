"""The statistics against published figures they must reproduce (read from ../shared, never copied).

- Fingertips indicator 90284 (injury admissions, 0-14): every published 95% and 99.8% interval is
  reproduced by Byar's method from the unrounded count. Fingertips publishes counts rounded to
  the nearest 5 but computes intervals from the unrounded count, so the test looks for an integer
  count within 2 of the published one whose limits match the published ones (5 dp) exactly.
- The same file's "Compared to England" column: the one-level benchmark reproduces every label.
- The same file's "Recent Trend" column: the recent-trend test agrees on significance for every
  series both can compute. This export's direction words are inverted (England fell from 93.6 to
  72.7 per 10,000 over 2019/20-2023/24 yet is labelled "Increasing and getting worse"), so the
  direction is checked against the sign of an independent least-squares slope instead.
- DfE children looked after per 10,000: the published whole-number rate is the count over the
  population estimate, rounded (LA counts are exact; national and regional counts are published
  rounded to the nearest 10, so those rates are checked within that rounding).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cypp_lib import paths
from cypp_lib.stats import benchmark, rate, recent_trend
from tests.conftest import needs_real

INJURIES = paths.SHARED_PUBLIC / "ohid_fingertips_injuries" / "ohid_fingertips_injuries_0_14_2013_2024.csv"
CLA = paths.SHARED_PUBLIC / "dfe_childrens_social_care" / "cla_number_and_rate_per_10k_children.csv"


@pytest.fixture(scope="module")
def injuries() -> pd.DataFrame:
    d = pd.read_csv(INJURIES)
    d = d[d["Category Type"].isna()]  # England's category breakdowns are not areas
    # England is listed twice (top level and as its own child) with identical figures
    return d.drop_duplicates(["Area Code", "Sex", "Time period"]).reset_index(drop=True)


@needs_real
def test_fingertips_intervals_reproduced_from_unrounded_counts(injuries):
    d = injuries[injuries["Count"].notna()]
    assert len(d) > 4900
    best = np.full(len(d), np.inf)
    for shift in range(-2, 3):  # rounding to the nearest 5 hides at most 2 either way
        ci = rate(d["Count"] + shift, d["Denominator"], multiplier=10_000, confidence=(0.95, 0.998))
        err = np.column_stack([
            ci["lower_95"] - d["Lower CI 95.0 limit"], ci["upper_95"] - d["Upper CI 95.0 limit"],
            ci["lower_99_8"] - d["Lower CI 99.8 limit"], ci["upper_99_8"] - d["Upper CI 99.8 limit"],
        ])
        best = np.minimum(best, np.abs(err).max(axis=1))
    worst = d.assign(err=best).sort_values("err").iloc[-1]
    assert best.max() <= 5.1e-6, f"not reproduced: {worst[['Area Name', 'Sex', 'Time period', 'err']].to_dict()}"


@needs_real
def test_fingertips_published_values_are_rounded_count_over_denominator(injuries):
    d = injuries[injuries["Count"].notna()]
    got = rate(d["Count"], d["Denominator"], multiplier=10_000)["value"]
    assert np.abs(got - d["Value"]).max() < 5.1e-6


@needs_real
def test_fingertips_compared_with_england_labels_reproduced(injuries):
    eng = injuries[injuries["Area Code"] == "E92000001"].set_index(["Sex", "Time period"])["Value"]
    la = injuries[injuries["Area Type"] != "England"]
    england = eng.reindex(pd.MultiIndex.from_frame(la[["Sex", "Time period"]])).to_numpy()
    got = benchmark(la["Value"], la["Lower CI 95.0 limit"], la["Upper CI 95.0 limit"], england, "low")
    published = la["Compared to England value or percentiles"].to_numpy()
    assert set(published) == {"Better", "Similar", "Worse", "Not compared"}
    mismatch = la[got["comparison"].to_numpy() != published]
    assert mismatch.empty, mismatch[["Area Name", "Sex", "Time period"]].head().to_dict("records")


@needs_real
def test_recent_trend_agrees_with_fingertips_on_significance(injuries):
    f = injuries.rename(columns={"Value": "value", "Lower CI 95.0 limit": "lower_95",
                                 "Upper CI 95.0 limit": "upper_95"})
    f = f.assign(year=f["Time period"].str[:4].astype(int))
    got = recent_trend(f, "rate", polarity="low", by=["Area Code", "Sex"])
    published = (f[f["Time period"] == "2023/24"].set_index(["Area Code", "Sex"])["Recent Trend"])
    got["published"] = published.reindex(pd.MultiIndex.from_frame(got[["Area Code", "Sex"]])).to_numpy()
    both = got[(got["trend"] != "Cannot be calculated") & (got["published"] != "Cannot be calculated")]
    assert len(both) > 400
    pub_significant = both["published"] != "No significant change"
    assert (both["significant"] == pub_significant).all()
    assert both["significant"].sum() > 100  # the agreement covers real trends, not only "no change"

    # direction: the sign of an ordinary least-squares slope of the five latest values (numpy)
    latest = f.sort_values("year").groupby(["Area Code", "Sex"]).tail(5)
    ols = latest.groupby(["Area Code", "Sex"]).apply(lambda s: np.polyfit(s["year"], s["value"], 1)[0])
    sig = both[both["significant"]]
    ols_sign = np.sign(ols.reindex(pd.MultiIndex.from_frame(sig[["Area Code", "Sex"]])).to_numpy())
    assert (sig["direction"].to_numpy() == ols_sign).all()
    assert set(sig["trend"]) <= {"Increasing and getting worse", "Decreasing and getting better"}


@needs_real
def test_recent_trend_refuses_a_gap_in_the_latest_five_years(injuries):
    # Slough has no 2022/23 value (a trust did not submit HES data): five consecutive points do not exist
    f = injuries[(injuries["Area Name"] == "Slough") & (injuries["Sex"] == "Persons")]
    f = f.rename(columns={"Value": "value", "Lower CI 95.0 limit": "lower_95", "Upper CI 95.0 limit": "upper_95"})
    f = f.assign(year=f["Time period"].str[:4].astype(int), status=np.where(f["value"].isna(), "x", "ok"))
    got = recent_trend(f, "rate", polarity="low").iloc[0]
    assert got["trend"] == "Cannot be calculated"
    assert "suppressed" in got["reason"] or "interval" in got["reason"]


@needs_real
def test_dfe_looked_after_rate_per_10000_reproduced():
    d = pd.read_csv(CLA, encoding="utf-8-sig", dtype=str)
    d = d[d["population_type"] == "Children looked after on 31 March each year"]
    d = d[d[["children_count", "population_estimate", "rate_per_10000"]].apply(
        lambda c: c.str.fullmatch(r"\d+")).all(axis=1)]
    assert len(d) > 800
    count, pop = d["children_count"].astype(float), d["population_estimate"].astype(float)
    published = d["rate_per_10000"].astype(int).to_numpy()
    la = (d["geographic_level"] == "Local authority").to_numpy()
    got = np.floor(rate(count, pop, multiplier=10_000)["value"].to_numpy() + 0.5)  # DfE rounds half up
    assert (got[la] == published[la]).all()
    # national and regional counts are published rounded to the nearest 10, rates from the unrounded
    # count: the published rate must lie within what a count 5 either side gives
    low = rate(count - 5, pop, multiplier=10_000)["value"].to_numpy()
    high = rate(count + 5, pop, multiplier=10_000)["value"].to_numpy()
    assert ((published[~la] >= np.floor(low[~la] + 0.5)) & (published[~la] <= np.floor(high[~la] + 0.5))).all()

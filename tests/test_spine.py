"""Spine chart: Fingertips scaling checked by hand, orientation by polarity, alt text and data table
computed from the numbers, and indicators that cannot be drawn listed with a reason."""

import shutil

import pandas as pd
import pytest

from cypp_lib import geography as geo
from cypp_lib.report import Paper
from cypp_lib.report.charts import plt
from cypp_lib.report.spine import spine_chart, spine_rows, spine_scale, spine_section
from cypp_lib.stats import quartiles

# Ten LAs: 10, 20, ..., 100; England 40; the area 70.
# Type-7 quartiles: position (10 - 1) * 0.25 = 2.25 -> 30 + 0.25 * 10 = 32.5; (10 - 1) * 0.75 = 6.75 -> 77.5.
# Fingertips scaling: half-width d = max(40 - 10, 100 - 40) = 60, so x = 0.5 + (v - 40) / 120:
# 10 -> 0.25, 32.5 -> 0.4375, 40 -> 0.5, 70 -> 0.75, 77.5 -> 0.8125, 100 -> 1.
VALUES = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
BY_HAND = {"lowest": 0.25, "q25": 0.4375, "england": 0.5, "area": 0.75, "q75": 0.8125, "highest": 1.0}


def test_hand_quartiles_match_the_type_7_quartiles():
    q25, _, q75 = quartiles(VALUES)
    assert (q25, q75) == pytest.approx((32.5, 77.5))


def test_scaling_puts_england_at_the_centre_and_the_range_inside_0_to_1():
    pos = spine_scale(10, 32.5, 77.5, 100, 40, 70, "high")
    assert pos == pytest.approx(BY_HAND)
    assert all(0 <= v <= 1 for v in pos.values())


@pytest.mark.parametrize("polarity,flipped", [("high", False), ("none", False), ("low", True)])
def test_low_is_good_puts_low_values_on_the_right(polarity, flipped):
    pos = spine_scale(10, 32.5, 77.5, 100, 40, 70, polarity)
    expected = {k: (1 - v if flipped else v) for k, v in BY_HAND.items()}
    assert pos == pytest.approx(expected)
    assert pos["england"] == pytest.approx(0.5)
    if flipped:  # the lowest value (best when low is good) is on the right
        assert (pos["lowest"], pos["highest"], pos["area"]) == pytest.approx((0.75, 0.0, 0.25))


def test_all_values_equal_to_england_sit_at_the_centre():
    assert set(spine_scale(5, 5, 5, 5, 5, 5, "high").values()) == {0.5}


def test_bad_polarity_is_refused():
    with pytest.raises(ValueError, match="polarity must be 'high', 'low' or 'none'"):
        spine_scale(1, 2, 3, 4, 2, 3, "up")


@pytest.fixture(scope="module")
def paper(demo_processed, demo_raw):
    return Paper.open(demo_processed, raw_dir=demo_raw)


def test_rows_for_demo_indicators_are_scaled_about_england(paper):
    rows = spine_rows(paper, ["take_up_2yo", "first_time_entrants", "cpp_rate"]).set_index("indicator")
    assert rows["shown"].all()
    for ind_id, r in rows.iterrows():
        year = paper.year_for(ind_id)
        las = paper.la_values(ind_id, year).dropna()
        assert (r["lowest"], r["highest"], r["n_las"]) == (las.min(), las.max(), len(las))
        assert r["x_england"] == pytest.approx(0.5)
        ends = sorted([r["x_lowest"], r["x_highest"]])
        assert 0 <= ends[0] <= ends[1] <= 1 and (ends[0] == pytest.approx(0) or ends[1] == pytest.approx(1))
    # low is good: the highest (worst) value is on the left
    assert rows.loc["first_time_entrants", "x_highest"] < rows.loc["first_time_entrants", "x_lowest"]
    assert rows.loc["take_up_2yo", "x_lowest"] < rows.loc["take_up_2yo", "x_highest"]


def test_alt_text_and_table_carry_the_formatted_values(paper):
    ind = paper.catalogue["take_up_2yo"]
    year = paper.year_for(ind.id)
    mine = paper.value(ind.id, year, paper.area.code)
    england = paper.value(ind.id, year, geo.ENGLAND)
    las = paper.la_values(ind.id, year)
    rows = spine_rows(paper, [ind, "first_time_entrants"])
    fig, alt, data = spine_chart(rows, paper.area.name, "priority 1")
    plt.close(fig)
    assert alt.startswith("Spine chart of 2 priority 1 indicators for Lewisham against the range of English local "
                          "authorities.")
    assert (f"{ind.name}: Lewisham {ind.format(mine['value'])} ({mine['period']}), England "
            f"{ind.format(england['value'])}, LA range {ind.format(las.min())} to {ind.format(las.max())}") in alt
    assert list(data.columns) == ["Indicator", "Period", "Lewisham", "England", "Worst (or lowest)",
                                  "25th percentile", "75th percentile", "Best (or highest)", "Compared with England"]
    first = data.iloc[0]
    assert (first["Lewisham"], first["England"]) == (ind.format(mine["value"]), ind.format(england["value"]))
    # take-up has a good direction (high) and LAIT publishes no interval: an untested difference is
    # named by its direction, as in the scorecard and the summary
    direction = "better" if mine["value"] > england["value"] else "worse"
    assert first["Compared with England"] == f"{direction} (not tested)"
    fte = paper.catalogue["first_time_entrants"]  # low is good: worst is the highest value
    fte_las = paper.la_values(fte.id, paper.year_for(fte.id))
    assert data.iloc[1]["Worst (or lowest)"] == fte.format(fte_las.max())


def test_indicators_without_a_direction_say_lowest_and_highest(paper):
    rows = spine_rows(paper, ["cpp_rate"])
    fig, alt, data = spine_chart(rows, paper.area.name)
    plt.close(fig)
    assert data.iloc[0]["Worst (or lowest)"].endswith("(lowest)")
    assert data.iloc[0]["Best (or highest)"].endswith("(highest)")
    assert alt.startswith("Spine chart of 1 indicator for Lewisham")


def test_counts_evidence_and_missing_england_are_not_shown(paper):
    rows = spine_rows(paper, ["ehcp_count", "early_help_reach", "early_help"]).set_index("indicator")
    assert not rows["shown"].any()
    assert rows.loc["ehcp_count", "reason"].startswith("a count")
    assert rows.loc["early_help_reach", "reason"] == "evidence, not a statistic"
    assert rows.loc["early_help", "reason"] == "no England value"
    html = spine_section(paper, ["ehcp_count", "early_help_reach"]).data
    assert "None of these indicators can be shown" in html and "<img" not in html


def test_too_few_las_are_listed_as_not_shown(demo_processed, demo_raw, tmp_path, paper):
    copy = tmp_path / "p"
    shutil.copytree(demo_processed, copy)
    t = pd.read_parquet(copy / "indicators.parquet")
    year = paper.year_for("take_up_2yo")
    las = t[(t.indicator == "take_up_2yo") & (t.year == year) & (t.area_level == "Local authority")]
    keep = ["Lewisham", *sorted(set(las.area_name) - {"Lewisham"})[:4]]  # five LAs, fewer than MIN_RANKED
    t = t.drop(las[~las.area_name.isin(keep)].index)
    t.to_parquet(copy / "indicators.parquet", index=False)
    small = Paper.open(copy, raw_dir=demo_raw)
    rows = spine_rows(small, ["take_up_2yo", "take_up_3_4yo"]).set_index("indicator")
    assert not rows.loc["take_up_2yo", "shown"] and rows.loc["take_up_3_4yo", "shown"]
    assert rows.loc["take_up_2yo", "reason"].startswith("values for only 5 English local authorities")
    html = spine_section(small, ["take_up_2yo", "take_up_3_4yo"]).data
    assert "Not shown in the spine chart: Funded early education take-up, 2-year-olds (values for only 5" in html
    assert 'alt="Spine chart of 1 priority 1 indicator for Lewisham' in html


def test_section_is_deterministic(paper):
    inds = paper.catalogue.for_priority(1)
    assert spine_section(paper, inds).data == spine_section(paper, inds).data

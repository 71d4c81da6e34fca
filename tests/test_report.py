"""Paper text: significance-aware comparisons (hand cases) and sentences computed from the data."""

import shutil

import pandas as pd
import pytest

from cypp_lib.errors import ParameterError
from cypp_lib.report import Paper, compare


@pytest.mark.parametrize("value,lo,up,bench,pol,label,tested", [
    (60, 55, 65, 63, "high", "similar", True),      # benchmark inside the CI
    (60, 55, 65, 65, "high", "similar", True),      # on the limit counts as inside
    (60, 58, 62, 65, "high", "worse", True),
    (60, 58, 62, 65, "low", "better", True),
    (60, 58, 62, 65, "none", "lower", True),
    (60, None, None, 65, "high", "lower", False),   # no CI: never called significant
    (None, None, None, 65, "high", "not compared", False),
])
def test_compare(value, lo, up, bench, pol, label, tested):
    c = compare(value, lo, up, bench, pol)
    assert (c.label, c.tested) == (label, tested)


def test_words_say_similar_and_flag_untested():
    assert compare(60, 55, 65, 63, "high").words("England", "63%") == "similar to England (63%)"
    assert "significance not assessed" in compare(60, None, None, 65, "high").words("England", "65%")
    assert compare(60, 58, 62, 65, "high").words("England", "65%").startswith("significantly worse")


def test_headline_changes_when_the_data_changes(demo_processed, demo_raw, tmp_path):
    paper = Paper.open(demo_processed, area="Lewisham", raw_dir=demo_raw)
    ind = paper.catalogue["ks4_em_94"]
    before = paper.headline(ind)
    copy = tmp_path / "p"
    shutil.copytree(demo_processed, copy)
    t = pd.read_parquet(copy / "indicators.parquet")
    year = paper.year_for(ind.id)
    t.loc[(t.indicator == ind.id) & (t.area_name == "Lewisham") & (t.year == year), "value"] = 12.3
    t.to_parquet(copy / "indicators.parquet", index=False)
    after = Paper.open(copy, area="Lewisham", raw_dir=demo_raw).headline(ind)
    assert before != after and "12.3%" in after and "12.3%" not in before


def test_unknown_area_fails_before_execution_with_suggestion(demo_processed):
    with pytest.raises(ParameterError, match="area 'Lewisam' is not in the processed data; did you mean Lewisham"):
        Paper.open(demo_processed, area="Lewisam")


def test_neighbours_follow_the_model_year(demo_processed, demo_raw):
    p21 = Paper.open(demo_processed, neighbour_model="2021", raw_dir=demo_raw)
    p25 = Paper.open(demo_processed, neighbour_model="2025", raw_dir=demo_raw)
    pre = Paper.open(demo_processed, neighbour_model="pre-2021", raw_dir=demo_raw)
    assert "Brent" in [n.name for n in p21.neighbours] and "Leeds" in [n.name for n in p25.neighbours]
    assert "Islington" in [n.name for n in pre.neighbours]


def test_counts_are_not_compared_with_england(demo_processed, demo_raw):
    paper = Paper.open(demo_processed, area="Lewisham", raw_dir=demo_raw)
    text = paper.headline(paper.catalogue["ehcp_count"])
    assert "not compared" in text and "than England" not in text


def test_scorecard_verdicts_name_significance():
    from cypp_lib.report.compare import compare

    assert compare(79.0, 75.0, 83.0, 70.0, "none").short() == "significantly higher"
    assert compare(79.0, 75.0, 83.0, 80.0, "none").short() == "similar"
    assert compare(60.0, None, None, 65.0, "high").short() == "lower (not tested)"
    # two levels: beyond the 99.8% limits says so
    assert compare(79.0, 75.0, 83.0, 70.0, "low", 73.0, 85.0).short() == "significantly worse (99.8%)"
    assert compare(79.0, 75.0, 83.0, 74.0, "low", 73.0, 85.0).short() == "significantly worse"


def test_the_regional_comparator_is_the_areas_own_region(demo_processed, demo_raw):
    # Lewisham is compared with London; Kent, a South East county, with the South East, not London
    lewisham = Paper.open(demo_processed, area="Lewisham", raw_dir=demo_raw)
    kent = Paper.open(demo_processed, area="Kent", raw_dir=demo_raw)
    assert lewisham.region.name == "London" and kent.region.name == "South East"
    ind = kent.catalogue["cla_rate"]
    assert "South East (" in kent.headline(ind) and "London" not in kent.headline(ind)
    assert [label for label, _ in kent.comparators()] == ["England", "South East"]
    assert "South East" in kent.scorecard([ind]).data and ">London<" not in kent.scorecard([ind]).data


def _one_at_a_time_matches_all_at_once(processed, raw, neighbour_model):
    """Paper computes comparator groups and recent trends for every statistic in one pass; each
    indicator's result must be what computing it alone gives (no mixing between indicators)."""
    from cypp_lib.report.assess import comparator_group_frames, recent_trend_rows, rows_by_year

    paper = Paper.open(processed, area="Lewisham", raw_dir=raw, neighbour_model=neighbour_model)
    checked = 0
    for ind in paper.catalogue.statistics():
        alone = rows_by_year(comparator_group_frames(paper, [ind]).get(ind.id))
        together = paper.comparator_groups(ind.id)
        assert list(alone) == list(together), ind.id
        for year in alone:
            pd.testing.assert_series_equal(alone[year], together[year], check_names=False, obj=f"{ind.id} {year}")
        trend = recent_trend_rows(paper, [ind])
        if paper.year_for(ind.id) is None:
            assert trend.empty
            continue
        pd.testing.assert_series_equal(trend.loc[ind.id], paper.recent_trend(ind.id), check_names=False, obj=ind.id)
        checked += 1
    assert checked >= 30  # most statistics have a value for Lewisham
    # at least one indicator pooled and one averaged, so both calls are compared
    methods = {str(g["method"]).split(" (")[0] for i in paper.catalogue.statistics()
               for g in paper.comparator_groups(i.id).values()}
    assert {"pooled", "mean of values"} <= methods


@pytest.mark.parametrize("model", ["2025", "pre-2021"])
def test_groups_and_trends_for_all_indicators_at_once_equal_one_at_a_time(demo_processed, demo_raw, model):
    _one_at_a_time_matches_all_at_once(demo_processed, demo_raw, model)


@pytest.mark.slow
def test_groups_and_trends_at_once_equal_one_at_a_time_on_real_data(real_build):
    _one_at_a_time_matches_all_at_once(real_build.processed_dir, real_build.raw_dir, "2025")


def test_working_ahead_on_all_indicators_is_not_counted_as_use(demo_processed, demo_raw):
    """A paper's appendix reports on the indicators it used; computing every statistic's trend and
    comparator group at once (to save time) must not add the others."""
    from cypp_lib.report.appendix import _shown_indicators

    paper = Paper.open(demo_processed, area="Lewisham", raw_dir=demo_raw)
    paper.indicator_section("ks4_em_94", level=4)
    assert paper._trends is not None and len(paper._trends) > 10  # the trends of every statistic were computed
    assert _shown_indicators(paper) == ["ks4_em_94"]

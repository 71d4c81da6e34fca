"""Disclosure control (cypp_lib.disclosure): small counts hidden, hidden cells protected from
subtraction, counts rounded, the publisher's suppression kept. Every expected cell is worked out
by hand in the test from the GSS rules in docs/disclosure.md."""

import math

import numpy as np
import pandas as pd
import pytest

from cypp_lib.catalogue import load_catalogue
from cypp_lib.disclosure import control, round_half_up

LEW, ENG = "E09000023", "E92000001"
NAN = float("nan")


def _rows(*rows):
    """rows: (indicator, area, year, numerator, denominator, value, status)."""
    df = pd.DataFrame(rows, columns=["indicator", "area_code", "year", "numerator", "denominator", "value",
                                     "status"])
    for c in ("lower_95", "upper_95", "lower_99_8", "upper_99_8"):
        df[c] = df["value"] - 1 if c.startswith("lower") else df["value"] + 1
    return df


def _cell(t, indicator, year=2025, area=LEW):
    return t[(t["indicator"] == indicator) & (t["year"] == year) & (t["area_code"] == area)].iloc[0]


@pytest.mark.parametrize("num,den,hidden", [
    (1, 50, True), (4, 50, True), (5, 50, False), (0, 50, False),   # numerator 1-4 hidden; 0 shown (zero: show)
    (46, 50, True), (45, 50, False), (50, 50, False),                 # 4 not in the numerator: 50 - 46 = 4
    (2, 3, True), (0, 0, False),                                      # denominator 3 hidden
], ids=["1", "4", "5", "zero", "complement 4", "complement 5", "all", "small denominator", "empty"])
def test_a_percentage_is_hidden_when_its_numerator_denominator_or_their_difference_is_1_to_4(num, den, hidden):
    value = num / den * 100 if den else NAN
    t = control(_rows(("early_help", LEW, 2025, num, den, value, "ok")), load_catalogue()).table
    c = _cell(t, "early_help")
    assert (c["status"] == "c") is hidden
    if hidden:
        assert c["disclosure"] == "primary"
        assert all(math.isnan(c[k]) for k in ("value", "numerator", "denominator", "lower_95", "upper_99_8"))
    else:
        assert c["disclosure"] == "" and c["numerator"] == num


def test_a_count_of_1_to_4_is_hidden_and_published_data_are_left_as_published():
    t = control(_rows(("early_help_assessments", LEW, 2024, 3, NAN, 3, "ok"),
                      ("early_help_assessments", LEW, 2025, 12, NAN, 12, "ok"),
                      ("take_up_2yo", LEW, 2025, 2, 3, 66.7, "ok"),   # published rule: cypp hides nothing
                      ("take_up_2yo", ENG, 2025, NAN, NAN, NAN, "c")),  # the publisher's c stays c
                 load_catalogue())
    table = t.table
    assert _cell(table, "early_help_assessments", 2024)["status"] == "c"
    assert _cell(table, "early_help_assessments", 2025)["value"] == 12
    assert _cell(table, "take_up_2yo")["value"] == 66.7
    eng = _cell(table, "take_up_2yo", area=ENG)
    assert eng["status"] == "c" and eng["disclosure"] == "publisher"
    counts = t.summary.counts(["early_help_assessments", "take_up_2yo"])
    assert counts["small_counts"] == {"indicators": 1, "primary": 1, "secondary": 0, "publisher": 0, "rounded": 0}
    assert counts["published"] == {"indicators": 1, "primary": 0, "secondary": 0, "publisher": 1, "rounded": 0}


def test_a_hidden_group_cannot_be_recovered_from_the_total():
    # Looked after: 18 of 21 within 18 weeks -> 3 not within: hidden (primary).
    # Total 900 of 1,200 and not looked after 882 of 1,179 would give 18 of 21 back by subtraction,
    # so the smallest other group (here the only one) is hidden too; the total stays.
    rows = [("camhs_18_weeks", LEW, 2025, 900, 1200, 75.0, "ok"),
            ("camhs_18_weeks_looked_after", LEW, 2025, 18, 21, 85.7, "ok"),
            ("camhs_18_weeks_not_looked_after", LEW, 2025, 882, 1179, 74.8, "ok"),
            # 2024: nothing small, nothing hidden
            ("camhs_18_weeks", LEW, 2024, 900, 1200, 75.0, "ok"),
            ("camhs_18_weeks_looked_after", LEW, 2024, 15, 21, 71.4, "ok"),
            ("camhs_18_weeks_not_looked_after", LEW, 2024, 885, 1179, 75.1, "ok")]
    result = control(_rows(*rows), load_catalogue())
    t = result.table
    assert _cell(t, "camhs_18_weeks_looked_after")["disclosure"] == "primary"
    assert _cell(t, "camhs_18_weeks_not_looked_after")["disclosure"] == "secondary"
    assert _cell(t, "camhs_18_weeks_not_looked_after")["status"] == "c"
    assert _cell(t, "camhs_18_weeks")["value"] == 75.0
    assert (t[t["year"] == 2024]["status"] == "ok").all()
    by_rule = result.summary.counts(["camhs_18_weeks", "camhs_18_weeks_looked_after",
                                     "camhs_18_weeks_not_looked_after"])
    assert by_rule["small_counts"]["primary"] == 1 and by_rule["small_counts"]["secondary"] == 1


def test_secondary_suppression_hides_the_total_when_no_group_is_left():
    # Both groups hidden by primary suppression: the sum has two hidden cells, so nothing more is
    # needed; with one group hidden by the publisher and the other small, same.
    rows = [("camhs_18_weeks", LEW, 2025, 10, 14, 71.4, "ok"),
            ("camhs_18_weeks_looked_after", LEW, 2025, 2, 3, 66.7, "ok"),
            ("camhs_18_weeks_not_looked_after", LEW, 2025, 8, 11, 72.7, "ok")]
    t = control(_rows(*rows), load_catalogue()).table
    assert _cell(t, "camhs_18_weeks_looked_after")["disclosure"] == "primary"       # denominator 3
    assert _cell(t, "camhs_18_weeks_not_looked_after")["disclosure"] == "primary"   # 11 - 8 = 3
    assert _cell(t, "camhs_18_weeks")["disclosure"] == "primary"                     # 14 - 10 = 4
    rows = [("camhs_18_weeks", LEW, 2025, 100, 140, 71.4, "ok"),
            ("camhs_18_weeks_looked_after", LEW, 2025, 2, 30, 6.7, "ok"),
            ("camhs_18_weeks_not_looked_after", LEW, 2025, NAN, NAN, NAN, "c")]
    t = control(_rows(*rows), load_catalogue()).table
    assert _cell(t, "camhs_18_weeks_looked_after")["disclosure"] == "primary"
    assert _cell(t, "camhs_18_weeks")["status"] == "ok"  # two hidden cells already: not recoverable


def test_an_area_without_the_breakdown_is_not_touched_and_not_available_is_not_protected():
    # the total alone (no groups for this year): nothing to protect; an "x" group is not hidden
    # for disclosure, so a shown group beside it needs no partner
    rows = [("camhs_18_weeks", LEW, 2023, 900, 1200, 75.0, "ok"),
            ("camhs_18_weeks", LEW, 2025, 900, 1200, 75.0, "ok"),
            ("camhs_18_weeks_looked_after", LEW, 2025, NAN, NAN, NAN, "x"),
            ("camhs_18_weeks_not_looked_after", LEW, 2025, 882, 1179, 74.8, "ok")]
    t = control(_rows(*rows), load_catalogue()).table
    assert (t["status"].tolist(), t["disclosure"].tolist()) == (["ok", "ok", "x", "ok"], ["", "", "", ""])


@pytest.mark.parametrize("x,base,expected", [
    (2.5, 5, 5), (12.5, 5, 15), (12.4, 5, 10), (7, 5, 5), (8, 5, 10), (0, 5, 0), (1234, 5, 1235), (1232, 5, 1230),
])
def test_rounding_to_5_rounds_halves_up(x, base, expected):
    # Python's round(12.5 / 5) * 5 gives 10 (halves to even); the GSS rule gives 15
    assert round_half_up(x, base) == expected


def test_rounded_counts_are_published_rounded_without_their_interval():
    rows = [("camhs_referrals", LEW, 2025, 1232, NAN, 1232, "ok"),
            ("camhs_referrals", LEW, 2024, 3, NAN, 3, "ok")]
    result = control(_rows(*rows), load_catalogue())
    t = result.table
    c = _cell(t, "camhs_referrals")
    assert (c["value"], c["numerator"], c["disclosure"]) == (1230, 1230, "rounded")
    assert math.isnan(c["lower_95"]) and math.isnan(c["upper_95"])  # Byar's limits would give 1,232 back
    assert _cell(t, "camhs_referrals", 2024)["status"] == "c"
    assert result.summary.counts(["camhs_referrals"])["small_counts_rounded"]["rounded"] == 1


def test_without_suppression_nothing_is_hidden_but_the_publishers_cells():
    rows = [("early_help", LEW, 2025, 46, 50, 92.0, "ok"), ("take_up_2yo", ENG, 2025, NAN, NAN, NAN, "c")]
    result = control(_rows(*rows), load_catalogue(), enabled=False)
    assert result.table["status"].tolist() == ["ok", "c"]
    assert result.table["numerator"].iloc[0] == 46 and not result.summary.enabled
    assert result.table["disclosure"].tolist() == ["", "publisher"]


def test_the_processed_table_is_not_changed():
    rows = _rows(("early_help", LEW, 2025, 46, 50, 92.0, "ok"))
    before = rows.copy()
    control(rows, load_catalogue())
    pd.testing.assert_frame_equal(rows, before)
    assert np.isfinite(rows["numerator"]).all()


def test_a_rule_can_hide_zeros_too():
    import copy

    import yaml

    from cypp_lib.catalogue import parse_catalogue
    from cypp_lib.paths import CATALOGUE_FILE

    doc = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    doc = copy.deepcopy(doc)
    doc["disclosure_rules"]["small_counts"]["zero"] = "suppress"
    cat = parse_catalogue(doc)
    rows = _rows(("early_help", LEW, 2025, 0, 50, 0.0, "ok"), ("early_help", LEW, 2024, 10, 50, 20.0, "ok"))
    t = control(rows, cat).table
    assert _cell(t, "early_help")["status"] == "c"  # none of 50 had their needs met: hidden under this rule
    assert _cell(t, "early_help", 2024)["status"] == "ok"
    assert control(rows, load_catalogue()).table["status"].tolist() == ["ok", "ok"]  # the default shows zeros

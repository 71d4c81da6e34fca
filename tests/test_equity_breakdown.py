"""Equity breakdown of NEET or not known (16-17) by SEND status: the NCCIS adapter rebuilds each
group's cohort and count from the published percentages; the catalogue's `breakdowns:` section is
checked; the paper section's sentences, chart and alt text follow the numbers and the
significance rules. Expected values are worked out by hand in each test (or read from the raw
file with pandas), never pasted from cypp's output."""

from __future__ import annotations

import copy
import math
import re

import pandas as pd
import pytest

from cypp_lib import geography as geo
from cypp_lib import paths
from cypp_lib.catalogue import load_catalogue, parse_catalogue
from cypp_lib.errors import CatalogueError
from cypp_lib.geography import AreaRegistry
from cypp_lib.paths import CATALOGUE_FILE
from cypp_lib.report import Paper
from cypp_lib.report.equity import breakdown_section, breakdown_table
from cypp_lib.sources import nccis
from cypp_lib.sources.common import TIDY_COLUMNS, read_raw_csv
from tests.conftest import needs_real

CAT = load_catalogue()
GROUPS = ["neet_nk_no_sen", "neet_nk_sen_support", "neet_nk_ehcp"]
LEWISHAM, ENGLAND, LONDON = geo.LEWISHAM, geo.ENGLAND, geo.LONDON

# ---------------------------------------------------------------------------------- the adapter

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "old_la_code,new_la_code,la_name,Cohort_DJFavg,NEET_not_known_percent,cohort_noSEN_percent,"
          "NEET_NK_noSEN_percent,cohort_EHCP_percent,NEET_NK_EHCP_percent,cohort_SENDsupport_percent,"
          "NEET_NK_SENDsupport_percent")
ROWS = [
    # Lewisham 2025 as published
    "2025,Calendar year,Local authority,E92000001,England,E12000007,London,209,E09000023,Lewisham,"
    "6890,6.5,82,6.3,5.9,7.6,12.1,7.9",
    # a fractional cohort; a half for the group cohort and for the count; suppressed groups
    "2025,Calendar year,Local authority,E92000001,England,E12000007,London,210,E09000028,Southwark,"
    "6487.3,5,95.9,10,4,6.7,0.1,c",
    "2025,Calendar year,Local authority,E92000001,England,E12000007,London,211,E09000030,Tower Hamlets,"
    "1000,5,87.5,10,12.5,10,z,z",
]


@pytest.fixture
def tidy(tmp_path):
    path = tmp_path / "neet_la_2025.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    df = read_raw_csv(path, "neet_la_2025.csv")
    out = nccis.to_tidy(df, [CAT[i] for i in GROUPS], AreaRegistry(), "neet_la_2025.csv")
    return out.set_index(["indicator", "la_number"])


def test_adapter_rebuilds_each_groups_cohort_and_count_from_the_published_percentages(tidy):
    # Lewisham: EHC plan 6890 x 5.9% = 406.51 -> 407 young people; 407 x 7.6% = 30.932 -> 31
    ehcp = tidy.loc[("neet_nk_ehcp", 209)]
    assert (ehcp["denominator"], ehcp["numerator"], ehcp["value"], ehcp["status"]) == (407, 31, 7.6, "ok")
    # no identified SEN: 6890 x 82% = 5649.8 -> 5650; 5650 x 6.3% = 355.95 -> 356
    no_sen = tidy.loc[("neet_nk_no_sen", 209)]
    assert (no_sen["denominator"], no_sen["numerator"]) == (5650, 356)
    # SEN support: 6890 x 12.1% = 833.69 -> 834; 834 x 7.9% = 65.886 -> 66
    support = tidy.loc[("neet_nk_sen_support", 209)]
    assert (support["denominator"], support["numerator"]) == (834, 66)


def test_a_fractional_cohort_and_halves_round_to_whole_young_people_halves_up(tidy):
    # 6487.3 x 4% = 259.492 -> 259; 259 x 6.7% = 17.353 -> 17
    assert tuple(tidy.loc[("neet_nk_ehcp", 210), ["denominator", "numerator"]]) == (259, 17)
    # 6487.3 x 95.9% = 6221.3207 -> 6221; 6221 x 10% = 622.1 -> 622
    assert tuple(tidy.loc[("neet_nk_no_sen", 210), ["denominator", "numerator"]]) == (6221, 622)
    # 1000 x 12.5% = 125; 125 x 10% = 12.5 -> 13 (half up; numpy's round would give 12)
    assert tuple(tidy.loc[("neet_nk_ehcp", 211), ["denominator", "numerator"]]) == (125, 13)
    # 1000 x 87.5% = 875; 875 x 10% = 87.5 -> 88
    assert tuple(tidy.loc[("neet_nk_no_sen", 211), ["denominator", "numerator"]]) == (875, 88)


def test_suppressed_values_and_shares_give_no_count(tidy):
    c = tidy.loc[("neet_nk_sen_support", 210)]  # value "c", share 0.1%
    assert c["status"] == "c" and math.isnan(c["value"]) and math.isnan(c["numerator"])
    z = tidy.loc[("neet_nk_sen_support", 211)]  # value and share "z"
    assert z["status"] == "z" and math.isnan(z["denominator"]) and math.isnan(z["numerator"])


def test_the_rounding_rule_is_half_up():
    assert nccis.whole_people([0.5, 1.5, 2.5, 338.5, 2.0 / 100 * 16925, 2.49]).tolist() == [1, 2, 3, 339, 339, 2]


# ---------------------------------------------------------------------------------- the catalogue

DOC = __import__("yaml").safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))


def _doc():
    return copy.deepcopy(DOC)


def _entry(doc, ind_id):
    return next(e for e in doc["indicators"] if e["id"] == ind_id)


def test_the_send_breakdown_is_in_the_catalogue():
    b = next(b for b in CAT.breakdowns if b.id == "neet_nk_by_send")
    assert [g.label for g in b.groups] == ["No identified SEN", "SEN support", "EHC plan"]
    assert b.reference == "neet_nk_no_sen" and b.reference_group.label == "No identified SEN"
    assert CAT.breakdowns_for(CAT.for_priority(3)) == [b]
    assert CAT.breakdowns_for([CAT["neet_nk_ehcp"], CAT["neet_nk_no_sen"]]) == []  # a group missing
    for i in GROUPS:
        ind = CAT[i]
        assert (ind.priority, ind.outcome, ind.value_type, ind.polarity, ind.ci_method) == (
            3, 10, "proportion", "low", "wilson")
        assert ind.source.cohort_share.startswith("cohort_") and ind.source.denominator == "Cohort_DJFavg"
        assert "approximate" in ind.caveats


@pytest.mark.parametrize("change,message", [
    (lambda d: d["breakdowns"][0].update(reference="neet_16_17"),
     r"breakdown 'neet_nk_by_send': reference 'neet_16_17' must be one of the groups' indicators"),
    (lambda d: d["breakdowns"][0]["groups"][1].update(indicator="no_such"),
     r"group 'SEN support': 'no_such' is not an indicator in the catalogue"),
    (lambda d: d["breakdowns"][0]["groups"][1].update(label="EHC plan"),
     r"each group needs its own label"),
    (lambda d: d["breakdowns"][0].update(groups=[{"label": "All", "indicator": "neet_nk_no_sen"}]),
     r"'groups' must be a list of at least two"),
    (lambda d: d["breakdowns"][0]["groups"][0].update(colour="red"),
     r"breakdown 'neet_nk_by_send' group #1: unknown field\(s\) colour"),
    (lambda d: d["breakdowns"][0]["groups"].append({"label": "Mean", "indicator": "attainment8"}),
     r"must share value type, unit, multiplier and year type"),
    (lambda d: d["breakdowns"].append(copy.deepcopy(d["breakdowns"][0])), r"'neet_nk_by_send': duplicate id"),
])
def test_malformed_breakdowns_are_rejected_clearly(change, message):
    doc = _doc()
    change(doc)
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(doc)


def test_cohort_share_needs_a_denominator_no_numerator_and_an_nccis_file():
    doc = _doc()
    del _entry(doc, "neet_nk_ehcp")["source"]["denominator"]
    with pytest.raises(CatalogueError, match=r"'neet_nk_ehcp'.*cohort_share.*needs a 'denominator' column"):
        parse_catalogue(doc)
    doc = _doc()
    _entry(doc, "neet_nk_ehcp")["source"]["numerator"] = "NEET_NK_EHCP_count"
    with pytest.raises(CatalogueError, match=r"cannot be combined with a 'numerator' column"):
        parse_catalogue(doc)
    doc = _doc()
    _entry(doc, "care_leavers_eet")["source"]["cohort_share"] = "share"
    with pytest.raises(CatalogueError, match=r"'care_leavers_eet'.*only read for nccis files.*'lait' adapter"):
        parse_catalogue(doc)


# ---------------------------------------------------------------------------------- the section

# Made-up counts: Lewisham EHC plan 140/1000 = 14.0%, SEN support 60/1000 = 6.0%, no identified
# SEN 540/10000 = 5.4%; England 10.0%, 9.0% and 4.8% of large cohorts; London 8.0%, 7.0%, 4.0%.
COUNTS = {
    LEWISHAM: {"neet_nk_ehcp": (140, 1000), "neet_nk_sen_support": (60, 1000), "neet_nk_no_sen": (540, 10000)},
    ENGLAND: {"neet_nk_ehcp": (10000, 100000), "neet_nk_sen_support": (9000, 100000),
              "neet_nk_no_sen": (48000, 1000000)},
    LONDON: {"neet_nk_ehcp": (800, 10000), "neet_nk_sen_support": (700, 10000), "neet_nk_no_sen": (4000, 100000)},
}
NAMES = {LEWISHAM: ("Lewisham", "Local authority"), ENGLAND: ("England", "National"),
         LONDON: ("London", "Regional")}


def wilson(o, n, z=1.959964):
    p = o / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def newcombe(o1, n1, o0, n0):
    """Newcombe (1998) method 10, written out here independently of cypp_lib.stats."""
    p1, p0 = o1 / n1, o0 / n0
    (l1, u1), (l0, u0) = wilson(o1, n1), wilson(o0, n0)
    d = p1 - p0
    return 100 * (d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)), 100 * (d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2))


def _paper(counts=COUNTS, status=None) -> Paper:
    status = status or {}
    rows = []
    for code, inds in counts.items():
        for ind, (o, n) in inds.items():
            st = status.get((code, ind), "ok")
            lo, up = wilson(o, n)
            ok = st == "ok"
            rows.append({"indicator": ind, "area_code": code, "area_name": NAMES[code][0],
                         "area_level": NAMES[code][1], "year": 2025, "period": "2025",
                         "numerator": o if ok else math.nan, "denominator": n if ok else math.nan,
                         "value": 100 * o / n if ok else math.nan, "lower_95": 100 * lo if ok else math.nan,
                         "upper_95": 100 * up if ok else math.nan, "status": st, "source": "test"})
    table = pd.DataFrame(rows).reindex(columns=TIDY_COLUMNS)
    return Paper(table, {}, CAT, geo.Area(LEWISHAM, "Lewisham", 209, "Local authority", geo.LONDON),
                 region=geo.Area(geo.LONDON, "London", 986, "Regional"))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def _send():
    return next(b for b in CAT.breakdowns if b.id == "neet_nk_by_send")


def test_table_gives_gaps_and_relative_rates_against_the_reference_group():
    t = breakdown_table(_paper(), _send()).set_index(["area", "group"])
    ehcp = t.loc[("Lewisham", "EHC plan")]
    assert ehcp["value"] == pytest.approx(14.0) and ehcp["gap"] == pytest.approx(14.0 - 5.4)
    assert ehcp["ratio"] == pytest.approx(14.0 / 5.4)
    lo, up = newcombe(140, 1000, 540, 10000)
    assert (ehcp["gap_lower_95"], ehcp["gap_upper_95"]) == (pytest.approx(lo, abs=1e-6), pytest.approx(up, abs=1e-6))
    assert ehcp["gap_comparison"] == "Higher"
    assert t.loc[("Lewisham", "SEN support"), "gap_comparison"] == "Similar"  # 6.0% against 5.4%
    assert t.loc[("England", "EHC plan"), "gap"] == pytest.approx(5.2)
    assert t.loc[("London", "SEN support"), "value"] == pytest.approx(7.0)
    assert math.isnan(t.loc[("Lewisham", "No identified SEN"), "gap"])  # the reference itself


def test_section_sentences_give_the_values_and_say_what_is_significant():
    html = breakdown_section(_paper(), _send()).data
    text = _text(html)
    # the reference: 5.4%; England's 4.8% lies below Lewisham's Wilson interval (4.97% to 5.86%)
    assert "In 2025, 5.4% (95% interval 5.0% to 5.9%) of Lewisham's 16-17 year olds with no identified SEN" in text
    assert "significantly worse than England (4.8%)" in text
    # EHC plan: 14.0% (Wilson 11.99% to 16.29%), 2.6 times 5.4%; gap 8.6 points, interval excludes 0;
    # England's gap 10.0 - 4.8 = 5.2
    lo, up = newcombe(140, 1000, 540, 10000)
    assert ("Of those with an EHC plan, 14.0% (95% interval 12.0% to 16.3%) were NEET or their activity was not "
            "known, 2.6 times the rate for those with no identified SEN (5.4%).") in text
    assert f"The gap, 8.6 percentage points (95% interval {lo:.1f} to {up:.1f}), is statistically significant" in text
    assert "England's gap was 5.2 percentage points" in text
    assert "Lewisham's gap is significantly wider than England's" in text
    # SEN support: 6.0% against 5.4%: the interval spans 0, so "similar"; England's gap 4.2 is larger
    lo, up = newcombe(60, 1000, 540, 10000)
    assert lo < 0 < up
    assert (f"The gap, 0.6 percentage points (95% interval {lo:.1f} to {up:.1f}), is not statistically "
            "significant: the two rates are similar.") in text
    assert "England's gap was 4.2 percentage points" in text
    assert "Lewisham's gap is significantly narrower than England's" in text


def test_a_gap_similar_to_englands_is_called_similar():
    counts = copy.deepcopy(COUNTS)
    counts[LEWISHAM]["neet_nk_ehcp"] = (106, 1000)  # gap 5.2 points, the same as England's
    text = _text(breakdown_section(_paper(counts), _send()).data)
    assert "Lewisham's gap is similar to England's (the two intervals overlap)" in text
    assert "significantly wider" not in text


def test_alt_text_and_data_table_carry_every_groups_value():
    html = breakdown_section(_paper(), _send()).data
    alt = re.search(r'<img [^>]*alt="([^"]*)"', html).group(1)
    for value in ("5.4%", "6.0%", "14.0%", "4.8%", "9.0%", "10.0%"):
        assert value in alt, value
    assert "Lewisham: No identified SEN 5.4%" in alt and "England: No identified SEN 4.8%" in alt
    assert "The reference group is No identified SEN." in alt
    table = re.search(r"<details>.*</details>", html, re.S).group(0)
    assert "14.0%" in table and "8.6" in table and "2.6" in table


def test_suppressed_group_is_named_and_a_missing_reference_means_no_chart():
    paper = _paper(status={(LEWISHAM, "neet_nk_ehcp"): "c"})
    text = _text(breakdown_section(paper, _send()).data)
    assert "Lewisham's figure for 16-17 year olds with an EHC plan is suppressed" in text
    assert "Of those on SEN support, 6.0%" in text  # the other group still reported
    html = breakdown_section(_paper(status={(LEWISHAM, "neet_nk_no_sen"): "c"}), _send()).data
    assert "<img" not in html
    assert "(the reference group) is suppressed" in _text(html) and "no gap to it can be given" in _text(html)


def test_no_published_group_gives_a_sentence_and_nothing_else():
    counts = {code: v for code, v in COUNTS.items() if code != LEWISHAM}
    counts[LEWISHAM] = {"neet_nk_16_17": (1, 10)}  # the area has data, but not this breakdown
    paper = _paper(counts)
    assert breakdown_table(paper, _send()).empty
    html = breakdown_section(paper, _send()).data
    assert "No figure for any group of this breakdown is published for Lewisham" in _text(html)
    assert "<img" not in html and "<table" not in html


def test_an_area_whose_every_group_is_suppressed_is_told_so():
    status = {(LEWISHAM, i): "c" for i in GROUPS}
    html = breakdown_section(_paper(status=status), _send()).data
    assert ("In 2025, no group of this breakdown has a published figure for Lewisham (No identified SEN: "
            "suppressed") in _text(html)
    assert "<img" not in html


# ---------------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real_paper(tmp_path_factory):
    from cypp_lib.prepare import prepare, write_processed

    out = tmp_path_factory.mktemp("real_processed")
    write_processed(*prepare(paths.SHARED_PUBLIC, CAT), out)
    return Paper.open(out, raw_dir=paths.SHARED_PUBLIC)


@needs_real
def test_lewisham_2025_ehcp_value_is_the_published_one(real_paper):
    raw = pd.read_csv(paths.SHARED_PUBLIC / "nccis_neet" / "neet_la_2025.csv", dtype=str, keep_default_na=False)
    row = raw[(raw["geographic_level"] == "Local authority") & (raw["la_name"] == "Lewisham")].iloc[0]
    published = float(row["NEET_NK_EHCP_percent"])
    group_cohort = float(row["Cohort_DJFavg"]) * float(row["cohort_EHCP_percent"]) / 100
    got = real_paper.value("neet_nk_ehcp", 2025, LEWISHAM)
    assert got["value"] == pytest.approx(published)
    assert abs(got["denominator"] - group_cohort) <= 0.5
    assert abs(got["numerator"] / got["denominator"] * 100 - published) <= 0.05 + 50 / got["denominator"]
    text = _text(breakdown_section(real_paper, _send()).data)
    assert f"Of those with an EHC plan, {published:.1f}%" in text


# ---------------------------------------------------------------------------------- validation


def test_validation_rejects_a_cohort_share_above_100(demo_raw, tmp_path):
    """The catalogue's cohort_share columns are checked: a number or marker, from 0 to 100."""
    import csv
    import shutil

    from cypp_lib.validation import validate_raw

    rel = "nccis_neet/neet_la_2025.csv"
    (tmp_path / "nccis_neet").mkdir()
    shutil.copy(demo_raw / rel, tmp_path / rel)
    with (tmp_path / rel).open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    line = next(n for n, r in enumerate(rows, start=2) if r["la_name"] == "Lewisham")
    rows[line - 2]["cohort_EHCP_percent"] = "120"
    with (tmp_path / rel).open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    report, _ = validate_raw(tmp_path, CAT)
    found = [f for f in report.findings if f.column == "cohort_EHCP_percent"]
    assert found and "share of the cohort from 0 to 100" in found[0].expected and found[0].rows == [line]

"""The papers built from the real published files tell the truth about Lewisham. Each expected
figure is read here, independently of cypp, from the published file in ../shared/data/public with
the csv module (or quoted from the folder's SOURCE.md), and must appear in the published paper's
sentence about that indicator. Skipped when ../shared/data/public is absent."""

import csv
import re
from html import unescape

import pytest

from cypp_lib.paths import SHARED_PUBLIC
from tests.conftest import needs_real

pytestmark = [needs_real, pytest.mark.realdata, pytest.mark.slow]


def _rows(relative):
    with open(SHARED_PUBLIC / relative, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _sentences(page) -> list[str]:
    """The generated sentences of a paper (list items and paragraphs), as plain text."""
    html = page.read_text(encoding="utf-8")
    return [unescape(re.sub(r"<[^>]+>", "", s)) for s in re.findall(r"<(?:li|p)[^>]*>(.*?)</(?:li|p)>", html, re.S)]


def _sentence(page, starts: str) -> str:
    found = [s for s in _sentences(page) if s.startswith(starts)]
    assert found, f"{page.name}: no sentence starting {starts!r}"
    return found[0]


@pytest.fixture(scope="module")
def out(real_build):
    return real_build.out_dir


def test_children_looked_after_rate(out):
    row = next(r for r in _rows("dfe_childrens_social_care/cla_number_and_rate_per_10k_children.csv")
               if r["la_name"] == "Lewisham" and r["time_period"] == "2025"
               and r["population_type"] == "Children looked after on 31 March each year")
    england = next(r for r in _rows("dfe_childrens_social_care/cla_number_and_rate_per_10k_children.csv")
                   if r["geographic_level"] == "National" and r["time_period"] == "2025"
                   and r["population_type"] == "Children looked after on 31 March each year")
    s = _sentence(out / "lewisham-overview.html", "Children looked after:")
    assert s.startswith(f"Children looked after: {row['rate_per_10000']} per 10,000 in 2025"), s
    assert f"England ({england['rate_per_10000']} per 10,000)" in s, s


def test_neet_16_17(out):
    rows = _rows("nccis_neet/neet_la_2025.csv")
    lew = next(r for r in rows if r["la_name"] == "Lewisham" and r["Age"] == "16-17")
    eng = next(r for r in rows if r["geographic_level"] == "National" and r["Age"] == "16-17")
    s = _sentence(out / "lewisham-priority-3.html", "16-17 year olds not in education, employment or training")
    assert f": {float(lew['NEET_percent']):.1f}% in 2025" in s and f"England ({float(eng['NEET_percent']):.1f}%)" in s, s


def test_injury_admissions_value_and_fingertips_own_comparison(out):
    rows = [r for r in _rows("ohid_fingertips_injuries/ohid_fingertips_injuries_0_14_2013_2024.csv")
            if r["Sex"] == "Persons" and r["Time period"] == "2023/24"]
    lew = next(r for r in rows if r["Area Name"] == "Lewisham")
    eng = next(r for r in rows if r["Area Name"] == "England")
    s = _sentence(out / "lewisham-priority-2.html", "Hospital admissions for injuries, age 0-14:")
    assert f": {float(lew['Value']):.1f} per 10,000 in 2023-24" in s, s
    assert f"England ({float(eng['Value']):.1f} per 10,000)" in s, s
    # Fingertips itself publishes the comparison: our significance wording must agree with it
    assert lew["Compared to England value or percentiles"] == "Similar" and "similar to England" in s, s


def _lait(measure, area, year):
    return next(r["Values"] for r in _rows("lait/lait_kpi_subset_long.csv")
                if r["Short Desc"] == measure and r["LA and Regions"] == area and r["Years"] == year)


def test_ehc_plans_in_the_send_growth_sentence(out):
    plans = int(float(_lait("SEN_CASES_JAN", "Lewisham", "2025")))
    s = _sentence(out / "lewisham-overview.html", "There were ")
    assert s.startswith(f"There were {plans:,} EHC plans for Lewisham in January 2025"), s
    assert "2,353" in s  # the plan's own figure for January 2019, quoted as the plan's


def test_first_time_entrants_and_the_excluded_england_row(out):
    value = int(float(_lait("FirstYJS", "Lewisham", "2024")))
    assert value == 211  # lait/SOURCE.md
    s = _sentence(out / "lewisham-priority-1.html", "First-time entrants to the youth justice system:")
    assert s.startswith(f"First-time entrants to the youth justice system: {value} per 100,000 in 2024"), s
    assert "no usable England value" in s, s  # LAIT's England row is flagged and not used


def test_real_papers_have_no_demonstration_banner(out):
    for page in out.glob("lewisham-*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Demonstration data" not in html, page.name

"""Real published data (read from ../shared/data/public, skipped when absent): prepare and build
show real Lewisham values. Expected values are the published figures quoted in each folder's
SOURCE.md, not cypp's output."""

import pytest

from cypp_lib.catalogue import load_catalogue
from cypp_lib.paths import SHARED_PUBLIC
from cypp_lib.prepare import prepare
from tests.conftest import needs_real

pytestmark = [needs_real, pytest.mark.realdata]


@pytest.fixture(scope="module")
def real():
    table, prov = prepare(SHARED_PUBLIC, load_catalogue())
    return table, prov


def _v(table, ind, area, year):
    r = table[(table.indicator == ind) & (table.area_name == area) & (table.year == year)]
    assert len(r) == 1, (ind, area, year, len(r))
    return r.iloc[0]


def test_not_marked_as_demo(real):
    assert real[1]["demo"] is False


def test_lewisham_values_match_published_figures(real):
    t, _ = real
    # dfe_childrens_social_care/SOURCE.md: CLA 31 March 2025 = 439, population 62,052, rate 71
    cla = _v(t, "cla_rate", "Lewisham", 2025)
    assert (cla.numerator, cla.denominator, cla.value) == (439, 62052, 71)
    assert cla.lower_95 < 439 / 62052 * 1e4 < cla.upper_95
    # nccis_neet/SOURCE.md: NEET 2021-2025 = 1.4, 1.2, 1.5, 1.6, 1.6 (match LAIT)
    assert [_v(t, "neet_16_17", "Lewisham", y).value for y in range(2021, 2026)] == [1.4, 1.2, 1.5, 1.6, 1.6]
    # dfe_sen2_ehcp_stock/SOURCE.md: Lewisham EHC plans January 2019 = 2,344
    assert _v(t, "ehcp_count", "Lewisham", 2019).value == 2344
    # lait/SOURCE.md: FirstYJS Lewisham 2024 = 211
    assert _v(t, "first_time_entrants", "Lewisham", 2024).value == 211
    # dfe_early_years_2019/SOURCE.md: 2-year-old take-up LAIT 53.6 (2018), 55.5 (2019)
    assert _v(t, "take_up_2yo", "Lewisham", 2019).value == pytest.approx(55.5)
    # ohid_fingertips_injuries: Lewisham 2016/17 published value 97.27124 (count 565 / 58,085)
    inj = _v(t, "injury_admissions_0_14", "Lewisham", 2017)
    assert inj.value == pytest.approx(97.27124) and inj.period == "2016-17"


def test_lait_england_first_time_entrants_row_is_flagged_not_used(real):
    t, prov = real
    assert _v(t, "first_time_entrants", "England", 2024).status == "u"
    assert any("England value for first_time_entrants" in w for w in prov["warnings"])


@pytest.mark.slow
def test_build_from_real_files_has_real_values_and_no_banner(real_build):
    out = real_build.out_dir
    p3 = (out / "lewisham-priority-3.html").read_text()
    assert "Demonstration data" not in p3
    assert "1.6% in 2025" in p3  # NEET, from the real file
    p1 = (out / "lewisham-priority-1.html").read_text()
    assert "lies outside the range of every local authority" in p1  # FirstYJS England exclusion explained


def test_every_statistic_has_lewisham_data_in_the_real_files(real):
    table = real[0]
    ok = table[(table["status"] == "ok") & (table["area_name"] == "Lewisham")]
    public = [i for i in load_catalogue().statistics() if i.source.adapter != "local"]  # local: no public file
    missing = [i.id for i in public if i.id not in set(ok["indicator"])]
    assert not missing, f"no real Lewisham data for {missing}"
    england = table[(table["status"] == "ok") & (table["area_code"] == "E92000001")]
    no_england = {i.id for i in public} - set(england["indicator"])
    # LAIT's England FirstYJS row is wrong and flagged (status u); LAIT publishes "-" for England ReoffYO
    assert no_england == {"first_time_entrants", "reoffending_10_14"}

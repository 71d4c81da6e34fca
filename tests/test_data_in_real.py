"""Data in, checked against the real published files in ../shared/data/public (read in place,
skipped when absent): validation passes except for genuine defects, which it names; rates
recomputed from EES counts match the published rates; revisions between vintages are found;
the NCCIS adapter gives the published NEET figures. Expected values are typed from the
publishers' tables (quoted in each folder's SOURCE.md), not from cypp's output."""

from __future__ import annotations

import pandas as pd
import pytest

from cypp_lib import cli, paths
from cypp_lib.catalogue import load_catalogue
from tests.conftest import needs_real

P = paths.SHARED_PUBLIC
LEWISHAM = "E09000023"


@pytest.fixture(scope="module")
def real():
    from cypp_lib.prepare import prepare

    return prepare(P, load_catalogue())


def _csv(rel: str) -> pd.DataFrame:
    return pd.read_csv(P / rel, dtype=str, keep_default_na=False)


@needs_real
@pytest.mark.parametrize("count_file,count_col,lait_measure", [
    ("b1_children_in_need_2013_to_2025.csv", "At31_episodes", "CIN"),
    ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "CPP_At31", "CPP_rate"),
])
def test_rates_recomputed_from_ees_counts_match_published_rates(count_file, count_col, lait_measure):
    """Children in need and child protection plans at 31 March per 10,000 children: EES counts
    over the ONS mid-year 0-17 population give LAIT's published rate (1 dp) for every LA-year, but
    only with the population of the mid-year BEFORE the 31 March count (the known trap)."""
    counts = _csv(f"dfe_childrens_social_care/{count_file}")
    counts = counts[(counts["geographic_level"] == "Local authority") & counts[count_col].str.isdigit()]
    pop = _csv("dfe_childrens_social_care/ons_mid-year_population_estimates_2012_to_2024.csv")
    pop = pop[pop["geographic_level"] == "Local authority"]
    lait = _csv("lait/lait_kpi_subset_long.csv")
    published = lait[lait["Short Desc"] == lait_measure].rename(columns={"Years": "time_period", "LA Number": "old_la_code"})
    published = published[pd.to_numeric(published["Values"], errors="coerce").notna()]

    def agreement(lag: int) -> tuple[int, float]:
        p = pop.assign(time_period=(pop["time_period"].astype(int) + lag).astype(str))
        m = counts.merge(p, on=["time_period", "old_la_code"]).merge(published, on=["time_period", "old_la_code"])
        rate = (m[count_col].astype(float) / m["population_estimate"].astype(float) * 10000).round(1)
        return len(m), float(((rate - m["Values"].astype(float)).abs() <= 0.05 + 1e-9).mean())

    n, share = agreement(1)
    assert n > 1000 and share == 1.0
    assert agreement(0)[1] < 0.1  # the same year's population does not reproduce them


@needs_real
def test_validate_passes_on_the_real_files_and_names_the_genuine_defects(tmp_path, capsys):
    assert cli.main(["validate", "--raw", str(P), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "FAILED" not in out
    # LAIT's England first-time-entrants row is not the national rate (every year outside all LAs)
    assert "England value for first_time_entrants" in out and "outside the range of every local authority" in out
    # placeholder rows left in the 2021 NCCIS file
    assert "nccis_neet/neet_la_2021.csv, line(s) 161, 162" in out and "Region demo" in out
    page = (tmp_path / "checks" / "validation.html").read_text()
    assert "first_time_entrants" in page and "Region demo" in page


@needs_real
def test_three_and_four_year_old_take_up_revisions_between_vintages(real):
    """SOURCE.md (early years 2019): Lewisham 3-4-year-old take-up 83% (2018) and 82% (2019) in the
    2019 vintage; LAIT's later series gives 88.2 for both. 2-year-olds: 54/56 and 53.6/55.5, the
    same figures rounded, so no revision."""
    _, provenance = real
    rev = pd.DataFrame(provenance["vintage_revisions"])
    lew = rev[(rev["area_code"] == LEWISHAM) & (rev["change"] == "revised")]
    three = lew[lew["indicator"] == "take_up_3_4yo"].set_index("year")
    assert three.loc[2018, ["old", "new"]].tolist() == [83.0, 88.2]
    assert three.loc[2019, ["old", "new"]].tolist() == [82.0, 88.2]
    assert lew[lew["indicator"] == "take_up_2yo"].empty
    # SOURCE.md (SEN2): 2019 EHC plans identical to LAIT SEN_CASES_JAN for every LA (codes that
    # changed, e.g. Northumberland E06000048 -> E06000057, are compared under the current code)
    assert rev[rev["indicator"] == "ehcp_count"].empty
    # most LAs were revised for the 3-4-year-olds, by several points
    revised_las = rev[(rev["indicator"] == "take_up_3_4yo") & (rev["change"] == "revised")]["area_code"].nunique()
    assert revised_las > 100


@needs_real
def test_nccis_neet_files_give_the_published_figures(real):
    """SOURCE.md (NCCIS): Lewisham NEET 1.4, 1.2, 1.5, 1.6, 1.6 and NEET or not known 6.2, 5.0, 7.8,
    5.7, 6.5 (2021-2025); England NEET 2.8, 2.6, 2.8, 3.2, 3.4."""
    table, _ = real

    def series(ind, code):
        rows = table[(table["indicator"] == ind) & (table["area_code"] == code)].set_index("year")
        return rows

    lew = series("neet_16_17", LEWISHAM)
    assert lew.loc[2021:2025, "value"].tolist() == [1.4, 1.2, 1.5, 1.6, 1.6]
    assert series("neet_nk_16_17", LEWISHAM).loc[2021:2025, "value"].tolist() == [6.2, 5.0, 7.8, 5.7, 6.5]
    assert series("neet_16_17", "E92000001").loc[2021:2025, "value"].tolist() == [2.8, 2.6, 2.8, 3.2, 3.4]
    # the reconstructed count is within the published percentage's rounding (0.05% of the cohort)
    recon = lew["numerator"] / lew["denominator"] * 100
    assert ((recon - lew["value"]).abs() <= 0.05 + 0.5 / lew["denominator"] * 100).all()
    assert lew["lower_95"].notna().all()  # so the indicator now has intervals


@needs_real
def test_papers_data_quality_appendix_reports_excluded_values(real):
    _, provenance = real
    text = " ".join(provenance["warnings"])
    assert "first_time_entrants" in text and "Region demo" in text

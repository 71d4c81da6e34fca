"""Confidence intervals against independent values: the PHE test vectors (from the
PHEindicatormethods test workbooks) and hand calculations written out here."""

import csv
import math

import numpy as np
import pandas as pd
import pytest

from cypp_lib.stats import proportion, rate
from tests.conftest import REFERENCE, needs_reference


@needs_reference
def test_phe_vectors_reproduce_to_1e9():
    rows = list(csv.DictReader(open(REFERENCE / "phe_test_vectors.csv", encoding="utf-8")))
    assert rows, "no vectors read"
    for r in rows:
        o, m = float(r["numerator"]), float(r["multiplier"])
        n = float(r["denominator"]) if r["denominator"] else None
        fn = proportion if r["statistic"] == "proportion" else rate
        out = fn(o, n, multiplier=m) if n is not None else rate(o)
        got = out.iloc[0]
        assert got["value"] == pytest.approx(float(r["expected_value"]), abs=1e-9), r["case"]
        assert got["lower_95"] == pytest.approx(float(r["expected_lower"]), abs=1e-9), r["case"]
        assert got["upper_95"] == pytest.approx(float(r["expected_upper"]), abs=1e-9), r["case"]
        assert got["method"].lower() == r["method"].lower(), r["case"]


def test_wilson_by_hand_for_half():
    # O=50, n=100, z=1.959963984540054: L = (100 + z^2 - z*sqrt(z^2 + 100)) / (2*(100 + z^2))
    z = 1.959963984540054
    lower = (100 + z**2 - z * math.sqrt(z**2 + 100)) / (2 * (100 + z**2))
    got = proportion(50, 100, multiplier=1).iloc[0]
    assert got["lower_95"] == pytest.approx(lower, abs=1e-12)
    assert got["upper_95"] == pytest.approx(1 - lower, abs=1e-12)  # symmetric at p = 0.5


def test_wilson_limits_at_zero_and_all():
    out = proportion([0, 10], [10, 10], multiplier=100)
    assert out.loc[0, "lower_95"] == 0.0
    assert out.loc[1, "upper_95"] == 100.0


def test_exact_poisson_for_zero_events():
    # O = 0: lower 0; upper = chi2(0.975, 2)/2 = -ln(0.025) = 3.6888794541139363
    got = rate(0, 1000, multiplier=1000).iloc[0]
    assert got["lower_95"] == 0.0
    assert got["upper_95"] == pytest.approx(-math.log(0.025), abs=1e-12)
    assert got["method"] == "Exact"


def test_byar_used_from_ten_events():
    assert rate([9, 10], [100, 100])["method"].tolist() == ["Exact", "Byars"]


def test_batch_with_impossible_row_gives_reason_not_exception():
    out = proportion(pd.Series([5, 12, -1]), pd.Series([10, 10, 10]))
    assert np.isnan(out.loc[1, "value"]) and out.loc[1, "reason"] == "numerator is above denominator"
    assert out.loc[2, "reason"] == "numerator must not be negative"
    assert out.loc[0, "value"] == 50.0


def test_scalar_call_with_invalid_arguments_raises_clear_error():
    with pytest.raises(ValueError, match="numerator is above denominator"):
        proportion(12, 10)
    with pytest.raises(ValueError, match="confidence must be"):
        proportion(1, 10, confidence=0.9)


def test_both_confidence_levels():
    out = rate(65, 1000, multiplier=1000, confidence=(0.95, 0.998))
    assert out.loc[0, "lower_99_8"] < out.loc[0, "lower_95"] < 65 < out.loc[0, "upper_95"] < out.loc[0, "upper_99_8"]


# ----------------------------------------------------------------- the other statistic families
from cypp_lib.stats import (  # noqa: E402
    against_target,
    aggregate,
    benchmark,
    change,
    control_limits,
    gap,
    mean,
    quartile_bands,
    quartiles,
    rank,
    recent_trend,
    relative_rate,
    spc,
)

Z95, Z998 = 1.959963984540054, 3.090232306167813


@needs_reference
def test_fingertips_trend_vectors():
    d = pd.read_csv(REFERENCE / "fingertips_trend_vectors.csv")
    assert not d.empty
    for case, rows in d.groupby("case"):
        f = rows.rename(columns={"t": "year", "count": "numerator"})
        got = recent_trend(f, "proportion").iloc[0]
        assert round(got["chi2"], 1) == pytest.approx(rows["expected_chi2"].iloc[0], abs=1e-9), case
        assert bool(got["significant"]) == (str(rows["expected_significant"].iloc[0]).lower() == "true"), case


def test_trend_chi2_for_proportions_by_hand():
    # O = 10,20,30,40,50 of n = 100 each: N = 500, O = 150, Ot = 550, Nt = 1500, Nt2 = 5500
    # chi2 = 500 (500*550 - 150*1500)^2 / (150 * 350 * (500*5500 - 1500^2)) = 500*50000^2/(52500*500000)
    f = pd.DataFrame({"year": range(2019, 2024), "numerator": [10, 20, 30, 40, 50], "denominator": [100] * 5})
    got = recent_trend(f, "proportion", polarity="low").iloc[0]
    assert got["chi2"] == pytest.approx(500 * 50000**2 / (52500 * 500000), rel=1e-12)
    assert got["trend"] == "Increasing and getting worse"


def test_trend_weighted_regression_by_hand():
    # values 10..18 step 2 with 95% limits +/-1.96 (SE = 3.92/3.92 = 1, w = 1): slope 2,
    # SE(b) = sqrt(5 / (5*55 - 15^2)) = sqrt(0.1), chi2 = 4 / 0.1 = 40
    y = np.array([10.0, 12, 14, 16, 18])
    f = pd.DataFrame({"year": range(2019, 2024), "value": y, "lower_95": y - 1.96, "upper_95": y + 1.96})
    got = recent_trend(f, "rate", polarity="high").iloc[0]
    assert got["chi2"] == pytest.approx(40.0, rel=1e-12)
    assert got["trend"] == "Increasing and getting better"
    flat = f.assign(value=[10.0, 11, 10, 11, 10], lower_95=lambda x: x["value"] - 1.96, upper_95=lambda x: x["value"] + 1.96)
    assert recent_trend(flat, "rate", polarity="high").iloc[0]["trend"] == "No significant change"


def test_trend_needs_robust_slopes():
    # a steep rise carried by one point: significant chi2 but leaving that point out flattens it
    y = np.array([10.0, 10, 10, 10, 30])
    f = pd.DataFrame({"year": range(2019, 2024), "value": y, "lower_95": y - 0.5, "upper_95": y + 0.5})
    got = recent_trend(f, "rate").iloc[0]
    assert got["chi2"] > 9.54953570608324 and not got["robust"]
    assert got["trend"] == "No significant change"


def test_trend_cannot_be_calculated_reasons():
    f = pd.DataFrame({"year": [2019, 2020, 2022, 2023, 2024], "numerator": [1, 2, 3, 4, 5], "denominator": [10] * 5})
    assert "consecutive" in recent_trend(f, "proportion").iloc[0]["reason"]
    assert "proportions and crude rates" in recent_trend(f, "mean").iloc[0]["reason"]
    short = f.iloc[:4]
    assert "fewer than 5" in recent_trend(short, "proportion").iloc[0]["reason"]
    full = f.assign(year=range(2019, 2024), numerator=[1, 2, 3, 4, 10])
    assert "O = n" in recent_trend(full, "proportion").iloc[0]["reason"]


def test_newcombe_table_ii_examples():
    # Newcombe RG (1998) Stat Med 17:873-890, Table II, method 10 (hybrid score), to 4 dp
    cases = [((56, 70, 48, 80), (0.0524, 0.3339)), ((9, 10, 3, 10), (0.1705, 0.8090)),
             ((0, 10, 0, 20), (-0.1611, 0.2775)), ((10, 10, 0, 20), (0.6791, 1.0000))]
    for (a, b, c, d), (lo, up) in cases:
        got = gap(a, b, c, d, multiplier=1).iloc[0]
        assert round(got["lower_95"], 4) == pytest.approx(lo, abs=1e-9), (a, b, c, d)
        assert round(got["upper_95"], 4) == pytest.approx(up, abs=1e-9), (a, b, c, d)


def test_relative_rate_by_hand():
    # 40/1000 against 20/1000: RR = 2, SE(ln RR) = sqrt(1/40 + 1/20)
    se = math.sqrt(1 / 40 + 1 / 20)
    got = relative_rate(40, 1000, 20, 1000).iloc[0]
    assert got["value"] == pytest.approx(2.0)
    assert got["lower_95"] == pytest.approx(2 * math.exp(-Z95 * se), rel=1e-12)
    assert got["comparison"] == "Higher"
    # risk ratio (Katz): SE = sqrt(1/40 - 1/1000 + 1/20 - 1/1000)
    se = math.sqrt(1 / 40 - 1 / 1000 + 1 / 20 - 1 / 1000)
    got = relative_rate(40, 1000, 20, 1000, kind="proportion").iloc[0]
    assert got["upper_95"] == pytest.approx(2 * math.exp(Z95 * se), rel=1e-12)
    assert relative_rate([0, 5], [10, 10], [3, 3], [10, 10])["reason"].iloc[0].startswith("a ratio needs")


def test_rate_gap_by_hand():
    # 30/1000 vs 20/1000 per 1,000: gap 10, SE = sqrt(30/1000^2 + 20/1000^2) * 1000
    got = gap(30, 1000, 20, 1000, kind="rate", multiplier=1000).iloc[0]
    se = math.sqrt(30 / 1000**2 + 20 / 1000**2) * 1000
    assert got["value"] == pytest.approx(10.0)
    assert got["lower_95"] == pytest.approx(10 - Z95 * se, rel=1e-12)
    assert got["comparison"] == "Similar"


def test_mean_t_interval_by_hand():
    # values 2,4,4,4,5,5,7,9: mean 5, sample sd sqrt(32/7); t(0.975, 7) = 2.364624 (printed t tables)
    sd = math.sqrt(32 / 7)
    got = mean(5.0, sd, 8).iloc[0]
    assert got["lower_95"] == pytest.approx(5 - 2.364624 * sd / math.sqrt(8), abs=1e-5)
    assert got["method"] == "Student's t"
    with pytest.raises(ValueError, match="at least 2"):
        mean(5.0, 1.0, 1)


def test_benchmark_two_levels():
    # benchmark inside 95% -> similar; between 95% and 99.8% -> 95%; beyond 99.8% -> 99.8%
    out = benchmark([50, 50, 50], [45, 45, 45], [55, 55, 55], [52, 57, 62], "low", [42, 42, 42], [58, 58, 58])
    assert out["comparison"].tolist() == ["Similar", "Better", "Better"]
    assert out["level"].tolist() == ["", "95%", "99.8%"]
    assert benchmark(50, 45, 55, 45, "high")["comparison"].iloc[0] == "Similar"  # limits inclusive
    none = benchmark([50, 50], [45, None], [55, None], [60, 60], "none")
    assert none["comparison"].tolist() == ["Lower", "Not compared"]
    assert none["reason"].iloc[1] == "no confidence interval"
    with pytest.raises(ValueError, match="polarity"):
        benchmark(50, 45, 55, 60, "up")


def test_control_limits_by_hand():
    # B = 20%, N = 400: E = 80; Ucl = (160 + z^2 + z sqrt(z^2 + 4*80*0.8)) / (2 (400 + z^2))
    ucl = (160 + Z998**2 + Z998 * math.sqrt(Z998**2 + 256)) / (2 * (400 + Z998**2)) * 100
    assert control_limits(20, 400).iloc[0]["ucl_99_8"] == pytest.approx(ucl, rel=1e-12)
    got = spc([80, 110, 60], 400, 20, "low")
    assert got["comparison"].tolist() == ["Similar", "Worse", "Better"]
    assert got["level"].iloc[1] == "99.8%"


def test_change_since_previous_period():
    out = change([30, 30], [27, 25], [33, 35], [20, 24], [18, 20], [22, 28], "high")
    assert out["comparison"].tolist() == ["Better", "Similar"]
    assert out["difference"].tolist() == [10, 6]


def test_quartiles_match_r_type_7():
    # R: quantile(1:10) gives 3.25, 5.5, 7.75
    assert quartiles(range(1, 11)) == (3.25, 5.5, 7.75)
    # 1..9: quartiles 3, 5, 7 fall on data points, which belong to the lower band
    assert quartiles(range(1, 10)) == (3.0, 5.0, 7.0)
    bands = quartile_bands(range(1, 10), "high")
    assert bands.tolist() == ["D", "D", "D", "C", "C", "B", "B", "A", "A"]  # A is the highest quarter
    assert quartile_bands(range(1, 10), "low").tolist() == ["A", "A", "A", "B", "B", "C", "C", "D", "D"]
    assert quartile_bands([1, 2, 3, 3.25], "none").isna().all()


def test_rank_ties_take_minimum_and_follow_polarity():
    assert rank([5, 3, 5, None, 1], "high").tolist() == [1, 3, 1, pd.NA, 4]
    assert rank([5, 3, 5, 1], "low").tolist() == [3, 2, 3, 1]


def test_aggregate_names_the_method():
    f = pd.DataFrame({"numerator": [10, 90, 5], "denominator": [100, 300, 50], "value": [10.0, 30.0, 10.0]})
    pooled = aggregate(f, kind="proportion").iloc[0]
    assert pooled["value"] == pytest.approx(105 / 450 * 100)
    assert pooled["method"] == "pooled (Wilson)" and pooled["lower_95"] < pooled["value"] < pooled["upper_95"]
    assert aggregate(f, "mean").iloc[0]["value"] == pytest.approx(50 / 3)
    assert aggregate(f, "median").iloc[0]["value"] == 10.0
    part = aggregate(f.assign(numerator=[10, None, 5]), kind="proportion").iloc[0]
    assert np.isnan(part["value"]) and "1 missing" in part["reason"]
    with pytest.raises(ValueError, match="method must be"):
        aggregate(f, "average")


def test_mean_of_values_is_the_exact_mean_rounded_once():
    # ten areas at 0.1: by hand the mean is 0.1; summing floats gives 0.9999999999999999 / 10
    assert sum([0.1] * 10) / 10 != 0.1
    assert aggregate(pd.DataFrame({"value": [0.1] * 10}), "mean").iloc[0]["value"] == 0.1
    # published two-decimal values whose mean is exactly -1.235 (-12.35 / 10): -1.24 to 2 dp, as by hand
    values = [-1.29, -1.62, -1.35, -1.08, -1.5, -1.12, -0.87, -1.01, -1.2, -1.31]
    assert sum(values) == pytest.approx(-12.35) and sum(values) / 10 != -1.235  # the float trap
    mean = aggregate(pd.DataFrame({"value": values}), "mean").iloc[0]["value"]
    assert mean == -1.235 and f"{mean:.2f}" == "-1.24"
    by_year = aggregate(pd.DataFrame({"value": values * 2, "year": [2023] * 10 + [2024] * 10}), "mean", by="year")
    assert by_year["value"].tolist() == [-1.235, -1.235]  # the same whether grouped or not


def test_target():
    out = against_target([100, 96, 96], 100, "high", lower_95=[None, 90, 92], upper_95=[None, 101, 99])
    assert out["label"].tolist() == ["Met", "Not met (target within the 95% interval)", "Significantly short of target"]
    assert against_target([10], [12], "none")["label"].iloc[0] == "Not judged"
    with pytest.raises(ValueError, match="polarity"):
        against_target(10, 12, "none")


def test_status_codes_travel_beside_values():
    out = proportion([5, 3, 4, 6], [10, 10, 10, 10], status=["ok", "c", "u", None])
    assert out["status"].tolist() == ["ok", "c", "u", "ok"]
    assert np.isnan(out.loc[1, "value"]) and "confidential" in out.loc[1, "reason"]
    assert out.loc[2, "value"] == 40.0  # low reliability: computed, flag kept
    assert rate([5], [10], status=["z"])["reason"].iloc[0] == "source value is not applicable (z)"

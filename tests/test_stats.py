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

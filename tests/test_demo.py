"""The demonstration data: deterministic, in the real files' formats, shaped like the plan's borough."""

import csv
import hashlib

import pandas as pd
import pytest

from cypp_lib import geography as geo
from cypp_lib.demo import generate
from cypp_lib.paths import DEMO_MARKER, SHARED_PUBLIC
from tests.conftest import needs_real


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generation_is_byte_identical_across_runs(demo_raw, tmp_path):
    generate(tmp_path / "again")
    assert _digest(demo_raw) == _digest(tmp_path / "again")


def test_marked_as_demonstration(demo_raw):
    assert (demo_raw / DEMO_MARKER).is_file()
    assert "NOT OFFICIAL STATISTICS" in (demo_raw / "README-DEMONSTRATION.txt").read_text()


@needs_real
@pytest.mark.realdata
def test_same_file_names_and_headers_as_the_real_files(demo_raw):
    # local extracts have no public counterpart: their headers are checked against the templates
    demo_files = [p.relative_to(demo_raw) for p in demo_raw.rglob("*.csv") if p.parts[-2] != "local"]
    assert len(demo_files) >= 14
    for rel in demo_files:
        real = SHARED_PUBLIC / rel
        assert real.is_file(), f"{rel} has no real counterpart"
        with open(real, encoding="utf-8-sig") as f:
            real_header = next(csv.reader(f))
        with open(demo_raw / rel, encoding="utf-8-sig") as f:
            demo_header = next(csv.reader(f))
        assert demo_header == real_header, rel


def test_covers_lewisham_neighbours_of_all_three_models_and_2015_to_2025(demo_raw):
    lait = pd.read_csv(demo_raw / "lait/lait_kpi_subset_long.csv", dtype=str, keep_default_na=False)
    names = set(lait["LA and Regions"])
    for model in geo.NEIGHBOUR_MODELS:
        assert set(geo.PLAN_NEIGHBOURS[model]) <= names, model
    assert {"England", "London", "London (Inner)", "Lewisham"} <= names
    assert set(lait["Years"]) >= {str(y) for y in range(2015, 2026)}
    assert lait["LA Number"].nunique() >= 50  # enough LAs for ranks and quartiles


def test_sn_files_give_the_plans_sets_for_lewisham(demo_raw):
    registry = geo.AreaRegistry()
    lew = registry.resolve("Lewisham")
    for model in ("2021", "2025"):
        got = [a.name for a in geo.neighbours(lew, model, demo_raw, registry)]
        assert got == geo.PLAN_NEIGHBOURS[model]


def test_looks_like_the_borough_the_plan_describes(demo_processed):
    t = pd.read_parquet(demo_processed / "indicators.parquet")

    def val(ind, area, year):
        r = t[(t.indicator == ind) & (t.area_name == area) & (t.year == year) & (t.status == "ok")]
        return float(r["value"].iloc[0])

    # plan: Year 6 excess weight above England; KS4 below national; GLD high; CPP rate above England
    assert val("excess_weight_y6", "Lewisham", 2019) > val("excess_weight_y6", "England", 2019)
    assert val("ks4_em_94", "Lewisham", 2019) < val("ks4_em_94", "England", 2019)
    assert val("gld", "Lewisham", 2018) > val("gld", "England", 2018)
    assert val("cpp_rate", "Lewisham", 2019) > val("cpp_rate", "England", 2019)
    # plan: 2,353 EHC plans in January 2019, growing by about 290 a year
    assert abs(val("ehcp_count", "Lewisham", 2019) - 2353) < 100
    growth = (val("ehcp_count", "Lewisham", 2025) - val("ehcp_count", "Lewisham", 2019)) / 6
    assert 240 < growth < 340


def test_demo_data_command_refuses_a_folder_of_real_files(tmp_path, capsys):
    from cypp_lib.cli import main

    raw = tmp_path / "mine"
    raw.mkdir()
    (raw / "local_extract.csv").write_text("a,b\n1,2\n")
    assert main(["demo-data", "--raw", str(raw)]) == 1
    assert "refusing to write" in capsys.readouterr().err
    assert (raw / "local_extract.csv").read_text() == "a,b\n1,2\n"


def test_demo_data_from_an_earlier_cypp_is_refreshed_and_current_demo_data_is_left_alone(tmp_path, capsys):
    from cypp_lib.cli import main
    from cypp_lib.paths import DEMO_MARKER

    raw = tmp_path / "raw"
    assert main(["demo-data", "--raw", str(raw)]) == 0
    camhs = raw / "local" / "camhs_waiting_times.csv"
    header = camhs.read_text(encoding="utf-8").splitlines()[0]
    assert ",group," in header
    # a demo folder written by the cypp before the group column: old marker, old header
    (raw / DEMO_MARKER).write_text("synthetic demonstration data, seed 20190401\n", encoding="utf-8")
    camhs.write_text(header.replace(",group,", ",") + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["demo-data", "--raw", str(raw)]) == 0
    assert "came from an earlier cypp" in capsys.readouterr().out
    assert camhs.read_text(encoding="utf-8").splitlines()[0] == header
    before = camhs.stat().st_mtime_ns
    assert main(["demo-data", "--raw", str(raw)]) == 0
    assert "already present" in capsys.readouterr().out and camhs.stat().st_mtime_ns == before

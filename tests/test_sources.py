"""Adapters: period labels, markers, and tidy output from small hand-written inputs."""

import io

import pandas as pd
import pytest

from cypp_lib.catalogue import load_catalogue
from cypp_lib.errors import RawDataError
from cypp_lib.geography import AreaRegistry
from cypp_lib.sources import lait
from cypp_lib.sources.common import end_year, period_label, read_raw_csv, split_values


@pytest.mark.parametrize("label,year", [("2025", 2025), ("2024-25", 2025), ("2016/17", 2017),
                                        ("2024 (Rev)", 2024), ("202425", 2025), ("1999/00", 2000),
                                        ("2014-16", 2016)])
def test_end_year(label, year):
    assert end_year(label) == year


def test_period_labels_follow_year_type():
    assert period_label(2025, "academic") == "2024/25"
    assert period_label(2025, "financial") == "2024-25"
    assert period_label(2024, "calendar") == "2024"


def test_markers_become_statuses_and_artefacts_become_numbers():
    v, s = split_values(pd.Series(["37.799999999999997", "-", "c", "x", "z", "12"]))
    assert v[0] == pytest.approx(37.8, abs=1e-12)
    assert s.tolist() == ["ok", "x", "c", "x", "z", "ok"]


def test_lait_adapter_on_a_tiny_file():
    text = ("Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
            "EngMaths9-4,,2024,Lewisham,64.900000000000006,209,Inner London\n"
            "EngMaths9-4,,2024,England,65,970,NA\n"
            "EngMaths9-4,,2023,Lewisham,c,209,Inner London\n"
            "Other,,2024,Lewisham,1,209,Inner London\n")
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    cat = load_catalogue()
    out = lait.to_tidy(df, [cat["ks4_em_94"]], AreaRegistry(), "lait.csv")
    assert len(out) == 3
    lew = out[(out.area_code == "E09000023") & (out.year == 2024)].iloc[0]
    assert lew["value"] == pytest.approx(64.9) and lew["period"] == "2023/24" and lew["status"] == "ok"
    assert out[(out.year == 2023)].iloc[0]["status"] == "c"
    assert out[out.area_name == "England"].iloc[0]["area_code"] == "E92000001"


def test_missing_column_names_file_and_column():
    df = pd.DataFrame({"Short Desc": ["x"], "Years": ["2024"]})
    with pytest.raises(RawDataError, match=r"lait.csv: missing column\(s\) 'LA and Regions', 'Values'"):
        lait.to_tidy(df, [load_catalogue()["ks4_em_94"]], AreaRegistry(), "lait.csv")


def test_unreadable_files_get_clear_messages(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(RawDataError, match="empty.csv: the file is empty"):
        read_raw_csv(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("a,b\nCaf\xe9,1\n".encode("latin-1"))
    with pytest.raises(RawDataError, match=r"latin.csv: line 2, column 'a': byte 0xe9 is not UTF-8"):
        read_raw_csv(latin)

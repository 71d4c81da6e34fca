"""values.csv (cypp_lib/values.py) and `cypp diff` (cypp_lib/diff.py). The expected kinds and
summaries below are written by hand from the small tables in this file, not pasted from output."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest

from cypp_lib.catalogue import load_catalogue
from cypp_lib.cli import main
from cypp_lib.diff import COLUMNS as CHANGE_COLUMNS
from cypp_lib.diff import diff_builds, diff_values, format_diff
from cypp_lib.errors import CyppError
from cypp_lib.values import COLUMNS, paper_values, read_values, values_for_build, write_values

HEADER = "indicator,name,area,period,year,value,unit,compared_with_england,trend,band,rank,ranked,shown\n"

OLD = HEADER + """\
take_up_2yo,"Funded early education take-up, 2-year-olds",Lewisham,2019,2019,55.5,%,worse (not tested),Cannot be calculated,D,44,55,55.5%
ks4_em_94,GCSE English and maths at grade 4 or above,Lewisham,2023/24,2024,63.5,%,similar,Cannot be calculated,C,39,55,63.5%
gld,Good level of development at the end of Reception,Lewisham,,,,%,,,,,,
neet_nk_16_17,NEET or activity not known (16-17),Lewisham,2024,2024,5.4,%,significantly worse,No significant change,C,30,55,5.4%
cin_rate,Children in need,Lewisham,2025,2025,374.0,"per 10,000",similar,Cannot be calculated,,,,"374.0 per 10,000"
neet_16_17,NEET (16-17),Lewisham,2025,2025,2.0,%,significantly better,No significant change,B,16,55,2.0%
child_poverty,Children in relative low-income families,Lewisham,2024-25,2025,14.6,%,better (not tested),Cannot be calculated,A,11,55,14.6%
attainment8,Attainment 8,Lewisham,2024/25,2025,45.5,points,worse (not tested),Cannot be calculated,D,42,55,45.5 points
ehcp_count,EHC plans,Lewisham,2025,2025,4124.0,plans,not compared (a count),Cannot be calculated,,,,"4,124 plans"
old_only,An indicator since removed,Lewisham,2024,2024,12.0,%,similar,Cannot be calculated,,,,12.0%
"""

NEW = HEADER + """\
take_up_2yo,"Funded early education take-up, 2-year-olds",Lewisham,2024/25,2025,60.0,%,similar,Cannot be calculated,D,44,55,60.0%
ks4_em_94,GCSE English and maths at grade 4 or above,Lewisham,2023/24,2024,64.1,%,similar,Cannot be calculated,C,39,55,64.1%
gld,Good level of development at the end of Reception,Lewisham,2024/25,2025,74.3,%,better (not tested),Cannot be calculated,A,8,55,74.3%
neet_nk_16_17,NEET or activity not known (16-17),Lewisham,,,,%,,,,,,
cin_rate,Children in need,Lewisham,2025,2025,374.0,"per 10,000",higher (not tested),Cannot be calculated,,,,"374.0 per 10,000"
neet_16_17,NEET (16-17),Lewisham,2025,2025,2.0,%,significantly better,Decreasing and getting better,B,16,55,2.0%
child_poverty,Children in relative low-income families,Lewisham,2024-25,2025,14.6,%,better (not tested),Cannot be calculated,B,15,55,14.6%
attainment8,Attainment 8,Lewisham,2024/25,2025,45.54,points,worse (not tested),Cannot be calculated,D,42,55,45.5 points
ehcp_count,EHC plans,Lewisham,2025,2025,4124.0,plans,not compared (a count),Cannot be calculated,,,,"4,124 plans"
"""


def frame(text: str) -> pd.DataFrame:
    return read_values(io.StringIO(text))


def write_build(folder, text: str, record: dict | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "values.csv").write_text(text, encoding="utf-8", newline="\n")
    if record is not None:
        (folder / "build.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


# ------------------------------------------------------------------------------ values.csv
@pytest.fixture(scope="module")
def demo_values(demo_processed, demo_raw):
    return values_for_build(demo_processed, "Lewisham", "latest", "2025", demo_raw)


def test_values_have_one_row_per_catalogue_statistic_in_catalogue_order(demo_values):
    assert list(demo_values.columns) == COLUMNS
    assert list(demo_values["indicator"]) == [i.id for i in load_catalogue().statistics()]
    assert set(demo_values["area"]) == {"Lewisham"}


def test_values_are_rounded_to_the_indicators_decimal_places_and_agree_with_the_shown_text(demo_values):
    cat = load_catalogue()
    with_value = demo_values[demo_values["value"].notna()]
    assert len(with_value) > 20
    for row in with_value.itertuples():
        ind = cat[row.indicator]
        for col in ("value", "lower_95", "upper_95", "england", "region", "neighbours"):
            x = getattr(row, col)
            assert math.isnan(x) or x == round(x, ind.dps), (row.indicator, col, x)
        assert row.shown == ind.format(row.value)
    no_value = demo_values[demo_values["value"].isna()]
    assert (no_value["shown"] == "").all() and (no_value["period"] == "").all()


def test_values_csv_is_byte_identical_when_written_twice(demo_values, demo_processed, demo_raw, tmp_path):
    from cypp_lib.report import Paper

    again = paper_values(Paper.open(demo_processed, raw_dir=demo_raw))
    a = write_values(demo_values, tmp_path / "a" / "values.csv")
    b = write_values(again, tmp_path / "b" / "values.csv")
    assert a.read_bytes() == b.read_bytes()
    assert b"\r\n" not in a.read_bytes()
    pd.testing.assert_frame_equal(read_values(a), demo_values)


def test_values_csv_has_no_float_artefacts(demo_values, tmp_path):
    cat = load_catalogue()
    text = pd.read_csv(write_values(demo_values, tmp_path / "values.csv"), dtype=str, keep_default_na=False)
    for row in text.itertuples():
        if row.value:
            decimals = len(row.value.partition(".")[2])
            assert decimals <= max(cat[row.indicator].dps, 1), (row.indicator, row.value)


# ------------------------------------------------------------------------------ diff_values
def test_diff_names_each_kind_of_change_in_plain_english():
    changes = diff_values(frame(OLD), frame(NEW))
    assert list(changes.columns) == CHANGE_COLUMNS
    got = dict(zip(changes["indicator"], zip(changes["kind"], changes["summary"])))
    assert got == {
        "take_up_2yo": ("new period", "Funded early education take-up, 2-year-olds: 55.5% (2019) -> 60.0% (2024/25); "
                                      "compared with England: worse (not tested) -> similar"),
        "ks4_em_94": ("revised", "GCSE English and maths at grade 4 or above: 63.5% -> 64.1% (2023/24, revised)"),
        "gld": ("now published", "Good level of development at the end of Reception: no value -> 74.3% (2024/25)"),
        "neet_nk_16_17": ("no longer published", "NEET or activity not known (16-17): 5.4% (2024) -> no value"),
        "cin_rate": ("comparison changed", "Children in need: 374.0 per 10,000 (2025); "
                                           "compared with England: similar -> higher (not tested)"),
        "neet_16_17": ("trend changed", "NEET (16-17): 2.0% (2025); "
                                        "recent trend: no significant change -> decreasing and getting better"),
        "child_poverty": ("band changed", "Children in relative low-income families: 14.6% (2024-25); "
                                          "quartile band: A (rank 11 of 55) -> B (rank 15 of 55)"),
        "old_only": ("no longer published", "An indicator since removed: 12.0% (2024) -> no value "
                                            "(not in the new build)"),
    }
    # new table's order, then what only the old one has; unchanged ones (ehcp_count) are left out
    assert list(changes["indicator"]) == ["take_up_2yo", "ks4_em_94", "gld", "neet_nk_16_17", "cin_rate",
                                          "neet_16_17", "child_poverty", "old_only"]
    by_id = changes.set_index("indicator")
    assert by_id.loc["take_up_2yo", "changes"] == "new period; comparison changed"
    assert by_id.loc["take_up_2yo", "difference"] == pytest.approx(4.5)
    assert by_id.loc["ks4_em_94", "difference"] == pytest.approx(0.6)
    assert math.isnan(by_id.loc["gld", "difference"])
    assert by_id.loc["take_up_2yo", ["old_period", "old_value", "new_period", "new_value"]].tolist() == [
        "2019", "55.5%", "2024/25", "60.0%"]


def test_a_change_smaller_than_the_shown_rounding_is_not_a_change():
    old = frame(HEADER + "attainment8,Attainment 8,Lewisham,2024/25,2025,45.5,points,,,,,,45.5 points\n")
    new = frame(HEADER + "attainment8,Attainment 8,Lewisham,2024/25,2025,45.54,points,,,,,,45.5 points\n")
    assert diff_values(old, new).empty
    one_place = frame(HEADER + "attainment8,Attainment 8,Lewisham,2024/25,2025,45.6,points,,,,,,45.6 points\n")
    assert diff_values(old, one_place)["kind"].tolist() == ["revised"]


def test_identical_values_give_no_change_and_say_so():
    changes = diff_values(frame(NEW), frame(NEW))
    assert changes.empty and list(changes.columns) == CHANGE_COLUMNS
    assert "No published value changed." in format_diff(changes, [], "old", "new")


def test_format_diff_groups_the_summaries_by_kind():
    text = format_diff(diff_values(frame(OLD), frame(NEW)), ["a note"], "march", "june")
    lines = text.splitlines()
    assert lines[0] == "Changes from march to june: 8 indicators changed."
    assert lines[1] == "Note: a note"
    assert "No longer published (2)" in lines
    assert lines.index("New period (1)") < lines.index("Revised (1)") < lines.index("Band changed (1)")
    assert "  - GCSE English and maths at grade 4 or above: 63.5% -> 64.1% (2023/24, revised)" in lines


# ------------------------------------------------------------------------------ two folders
def test_diff_builds_says_which_folder_has_no_values_csv(tmp_path):
    old, new = tmp_path / "march", write_build(tmp_path / "june", NEW)
    old.mkdir()
    with pytest.raises(CyppError, match=r"march/values\.csv not found: build it with this version of cypp "
                                        r"\(cypp build --out .*march\)"):
        diff_builds(old, new)
    with pytest.raises(CyppError, match=r"nowhere: no such folder"):
        diff_builds(tmp_path / "nowhere", new)


def test_diff_builds_refuses_two_different_areas_unless_asked(tmp_path):
    old = write_build(tmp_path / "a", OLD)
    new = write_build(tmp_path / "b", NEW.replace(",Lewisham,", ",Lambeth,"))
    with pytest.raises(CyppError, match="is a build for Lewisham and .* for Lambeth.*--allow-different-areas"):
        diff_builds(old, new)
    changes, notes = diff_builds(old, new, allow_different_areas=True)
    assert len(changes) == 8
    assert "differences between two areas, not changes over time" in notes[0]


def test_diff_builds_notes_what_else_differs_from_build_json(tmp_path):
    files = [{"file": "a.csv", "sha256": "1"}, {"file": "b.csv", "sha256": "2"}]
    old = write_build(tmp_path / "a", NEW, {"cypp_version": "0.1.0", "demo": False, "raw_files": files,
                                            "options": {"period": "latest", "neighbour_model": "2025"}})
    new = write_build(tmp_path / "b", NEW, {"cypp_version": "0.2.0", "demo": False,
                                            "raw_files": [files[0], {"file": "b.csv", "sha256": "3"}],
                                            "options": {"period": "2024", "neighbour_model": "2025"}})
    changes, notes = diff_builds(old, new)
    assert changes.empty
    assert notes == [f"{old} was built with cypp 0.1.0, {new} with cypp 0.2.0: a change may come from "
                     "cypp's methods, not the data.",
                     f"Different period: latest ({old}), 2024 ({new}).",
                     "Raw files (by SHA-256): 1 changed: b.csv."]


# ------------------------------------------------------------------------------ CLI
def test_cypp_diff_prints_the_changes_and_writes_the_csv(tmp_path, capsys):
    old, new = write_build(tmp_path / "old", OLD), write_build(tmp_path / "new", NEW)
    assert main(["diff", str(old), str(new), "--csv", str(tmp_path / "changes.csv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Changes from {old} to {new}: 8 indicators changed.")
    assert "  - Good level of development at the end of Reception: no value -> 74.3% (2024/25)" in out
    table = pd.read_csv(tmp_path / "changes.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == CHANGE_COLUMNS and len(table) == 8


def test_cypp_diff_exits_0_when_nothing_changed_and_1_on_an_error(tmp_path, capsys):
    old, new = write_build(tmp_path / "old", NEW), write_build(tmp_path / "new", NEW)
    assert main(["diff", str(old), str(new)]) == 0
    assert "No published value changed." in capsys.readouterr().out
    (new / "values.csv").unlink()
    assert main(["diff", str(old), str(new)]) == 1
    assert f"cypp: error: {new}/values.csv not found" in capsys.readouterr().err

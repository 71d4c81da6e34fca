"""Paper parameters are refused before any notebook runs, with messages that say what is allowed."""

import json

import pytest

from cypp_lib import parameters
from cypp_lib.errors import ParameterError
from cypp_lib.paths import NOTEBOOKS

PRIORITIES = {1: "Best start", 2: "Health", 3: "Achieve", 4: "Listened to"}


@pytest.mark.parametrize("given, expected", [("12 March 2026", "12 March 2026"), ("2026-03-12", "12 March 2026"),
                                             ("3 Mar 2026", "3 March 2026"), ("05/11/2025", "5 November 2025"),
                                             ("", "")])
def test_meeting_dates_are_normalised(given, expected):
    assert parameters.meeting_date(given) == expected


@pytest.mark.parametrize("bad", ["31 February 2026", "next Tuesday", "2026-13-01"])
def test_impossible_meeting_dates_are_refused(bad):
    with pytest.raises(ParameterError, match="is not a date; write it like '12 March 2026'"):
        parameters.meeting_date(bad)


def test_priorities():
    assert parameters.priorities("3,1, 3", PRIORITIES) == [1, 3]
    assert parameters.priorities([4], PRIORITIES) == [4]
    with pytest.raises(ParameterError, match=r"priority 5 is not in the plan; its priorities are 1 \(Best start\)"):
        parameters.priorities("1,5", PRIORITIES)
    with pytest.raises(ParameterError, match="'two' is not a number"):
        parameters.priorities("two", PRIORITIES)
    with pytest.raises(ParameterError, match="no priorities given"):
        parameters.priorities("", PRIORITIES)


@pytest.mark.parametrize("bad", ["2024/25", "24", "last"])
def test_periods(bad):
    assert parameters.period("latest") == "latest" and parameters.period(2024) == "2024"
    with pytest.raises(ParameterError, match="use 'latest' or the year a period ends in"):
        parameters.period(bad)


def test_notebook_parameters_are_read_without_running_the_notebook():
    names = parameters.notebook_parameters(NOTEBOOKS / "priority.ipynb")
    assert {"area", "period", "neighbour_model", "meeting_date", "priority"} <= names
    assert "priorities" in parameters.notebook_parameters(NOTEBOOKS / "annual_report.ipynb")
    with pytest.raises(ParameterError, match=r"priority.ipynb: unknown parameter\(s\) colour"):
        parameters.check_notebook(NOTEBOOKS / "priority.ipynb", {"area": "Lewisham", "colour": "red"})


def test_notebook_without_parameters_cell_is_refused(tmp_path):
    nb = tmp_path / "x.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": "a = 1"}]}))
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'"):
        parameters.notebook_parameters(nb)


def test_period_without_data_is_refused(demo_processed):
    import pandas as pd

    table = pd.read_parquet(demo_processed / "indicators.parquet")
    area = parameters.resolve_area(table, "209")  # DfE number
    assert area.name == "Lewisham"
    with pytest.raises(ParameterError, match="period 2031: Lewisham has no published value .* the data cover"):
        parameters.check_period_has_data(table, area, "2031")


@pytest.mark.parametrize("args, message", [
    (["--area", "Lewisam"], "area 'Lewisam' is not in the processed data; did you mean Lewisham"),
    (["--period", "2031"], "period 2031: Lewisham has no published value"),
    (["--meeting-date", "31 February 2026"], "meeting date '31 February 2026' is not a date"),
    (["--priorities", "1,7"], "priority 7 is not in the plan"),
])
def test_build_refuses_bad_parameters_before_any_notebook_runs(demo_raw, tmp_path, capsys, args, message):
    from cypp_lib.cli import main

    processed, out = tmp_path / "p", tmp_path / "o"
    code = main(["build", "--raw", str(demo_raw), "--out", str(out), "--processed", str(processed), *args])
    err = capsys.readouterr().err
    assert code == 1 and message in err, err
    assert not (processed / "executed").exists()  # no kernel was started
    assert not any(out.glob("*.html"))

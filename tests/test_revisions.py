"""Revisions: hand-made old and new deliveries, every kind of change worked out by hand."""

import pandas as pd

from cypp_lib.revisions import compare, compare_vintages, decimals


def table(rows):
    return pd.DataFrame(rows, columns=["indicator", "area_code", "area_name", "year", "period", "value", "status",
                                       "source"])


OLD = table([
    ["a", "E1", "One", 2018, "2018", 54.0, "ok", "old.csv"],   # later 53.6: the same figure rounded
    ["a", "E1", "One", 2019, "2019", 83.0, "ok", "old.csv"],   # later 88.2: revised
    ["a", "E2", "Two", 2019, "2019", 70.0, "ok", "old.csv"],   # later suppressed
    ["a", "E3", "Three", 2019, "2019", 60.0, "ok", "old.csv"],  # later gone
    ["b", "E1", "One", 2019, "2019", 10.0, "ok", "old.csv"],
])
NEW = table([
    ["a", "E1", "One", 2018, "2018", 53.6, "ok", "new.csv"],
    ["a", "E1", "One", 2019, "2019", 88.2, "ok", "new.csv"],
    ["a", "E2", "Two", 2019, "2019", float("nan"), "c", "new.csv"],
    ["a", "E1", "One", 2020, "2020", 90.0, "ok", "new.csv"],
    ["b", "E1", "One", 2019, "2019", 10.0, "ok", "new.csv"],
])


def test_each_kind_of_change_is_found_and_rounding_is_not_a_revision():
    changes = compare(OLD, NEW).set_index(["area_code", "year"])
    assert changes.loc[("E1", 2019), "change"] == "revised"
    assert round(changes.loc[("E1", 2019), "difference"], 6) == 5.2
    assert changes.loc[("E2", 2019), "change"] == "now suppressed or missing"
    assert changes.loc[("E3", 2019), "change"] == "period or area no longer published"
    assert changes.loc[("E1", 2020), "change"] == "period or area added"
    assert ("E1", 2018) not in changes.index  # 54 (0 dp) and 53.6 agree to the coarser rounding
    assert len(changes) == 4  # indicator b unchanged


def test_vintage_comparison_ignores_history_the_current_source_does_not_cover_and_additions():
    old = pd.concat([OLD, table([["a", "E1", "One", 2010, "2010", 40.0, "ok", "old.csv"]])])
    changes = compare_vintages(old, NEW)
    assert 2010 not in set(changes["year"])  # before the current series starts: not a revision
    assert "period or area added" not in set(changes["change"])


def test_decimals_ignores_float_artefacts():
    assert decimals(pd.Series([37.799999999999997, 1.5])) == 1
    assert decimals(pd.Series([54.0, 56.0])) == 0


def test_an_la_whose_code_changed_is_compared_under_its_current_code():
    old = table([["a", "E06000048", "Northumberland", 2019, "2019", 2058.0, "ok", "sen2.csv"]])
    new = table([["a", "E06000057", "Northumberland", 2019, "2019", 2058.0, "ok", "lait.csv"]])
    assert compare(old, new).empty

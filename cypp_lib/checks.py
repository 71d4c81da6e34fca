"""Expectations derived from the catalogue, the manifest and the build's parameters, for one raw
file: value columns are numbers or markers; counts are not negative; numerators do not exceed
denominators; percentages lie in 0-100; one row per key; the paper's LA, London and England are
present; every area code exists; every period label is a period that can exist; the columns a
paper publishes (a suite's meta "published_columns") hold no personal identifiers
(cypp_lib.identifiers), and no file has a column whose header names one.

They are plain Great Expectations 1.x expectation configurations (dicts), added to the static
suite of the file's format (expectations/<adapter>.json); validation.py runs both.
"""

from __future__ import annotations

import datetime as dt

from cypp_lib import identifiers
from cypp_lib.geography import ENGLAND, LONDON

NUMBER = " (number)"
AREA = "area code (derived)"
YEAR = "period year (derived)"
NUMBER_OR_MARKER = r"^(-?\d+(\.\d+)?([eE][-+]?\d+)?|c|x|z|k|u|:|\.\.|low|NULL|-|)$"
FIRST_YEAR = 2000


def expect(type_: str, explain: str, **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "meta": {"explain": explain}}


def for_file(raw, indicators, suite: dict, la, known_codes: set[str] | None, has_areas: bool,
             has_years: bool, today: dt.date | None = None) -> list[dict]:
    """Expectations for one RawInput `raw` feeding `indicators` (with that file as their source)."""
    out = []
    df = raw.frame
    by_column: dict[str, list] = {}
    for ind in indicators:
        src = ind.source
        if src.measure and raw.entry.adapter == "smapey":
            for col in [c for c in df.columns if c.startswith(src.measure + "_")]:
                by_column.setdefault(col, []).append((ind, "value"))
        for role in ("value", "numerator", "denominator", "cohort_share"):
            col = getattr(src, role)
            if col:
                by_column.setdefault(col, []).append((ind, role))
    for col, uses in by_column.items():
        out.append(expect("expect_column_values_to_match_regex", "a number or a published marker (c, x, z, k, u, :, low)",
                          column=col, regex=NUMBER_OR_MARKER))
        ind, role = uses[0]
        if role in ("numerator", "denominator") or ind.value_type in ("count", "rate", "proportion"):
            out.append(expect("expect_column_values_to_be_between", "a value of zero or more (a count or a share "
                              "cannot be negative)", column=col + NUMBER, min_value=0))
        if role == "cohort_share":
            out.append(expect("expect_column_values_to_be_between", "a group's share of the cohort from 0 to 100 "
                              "(a percentage)", column=col + NUMBER, min_value=0, max_value=100))
        if role == "value" and ind.bounds:
            out.append(expect("expect_column_values_to_be_between", _range_text(ind),
                              column=col + NUMBER, min_value=ind.bounds[0], max_value=ind.bounds[1]))
    for ind in indicators:
        src = ind.source
        if src.numerator and src.denominator:
            out.append(expect("expect_column_pair_values_a_to_be_greater_than_b",
                              f"{src.numerator} no larger than {src.denominator}",
                              column_A=src.denominator + NUMBER, column_B=src.numerator + NUMBER,
                              or_equal=True, ignore_row_if="either_value_is_missing"))
    if raw.entry.adapter == "lait":  # one Values column for every measure: check each measure's rows
        for ind in indicators:
            if ind.bounds:
                e = expect("expect_column_values_to_be_between", f"{_range_text(ind)} for {ind.source.measure}",
                           column=f"Values of {ind.source.measure}{NUMBER}",
                           min_value=ind.bounds[0], max_value=ind.bounds[1])
                e["meta"]["derive"] = [{"column": e["kwargs"]["column"], "from": "Values", "where": "Short Desc",
                                        "in": [ind.source.measure]}]
                out.append(e)
    key = list(suite.get("meta", {}).get("key_columns", []))
    if key:
        filters = {c for ind in indicators for c in ind.source.filter}
        if raw.meta is not None and {"col_name", "col_type"} <= set(raw.meta.columns):
            filters |= set(raw.meta.loc[raw.meta["col_type"] == "Filter", "col_name"])
        key += sorted(filters - set(key))
        out.append(expect("expect_compound_columns_to_be_unique",
                          "one row per " + ", ".join(key) + " (no duplicated rows)", column_list=key))
    if has_areas:
        required = {"la": la.code if la else None, "london": LONDON, "england": ENGLAND}
        want = sorted(c for r, c in required.items() if r in raw.entry.required and c)
        if want:
            names = {ENGLAND: "England", LONDON: "London", **({la.code: la.name} if la else {})}
            out.append(expect("expect_column_distinct_values_to_contain_set",
                              "rows for " + ", ".join(f"{names[c]} ({c})" for c in want),
                              column=AREA, value_set=want))
        if known_codes:
            out.append(expect("expect_column_values_to_be_in_set",
                              "an area code that exists (ONS codes; DfE LA numbers in la_code_list.csv)",
                              column=AREA, value_set=sorted(known_codes)))
    if has_years:
        this_year = (today or dt.date.today()).year
        out.append(expect("expect_column_values_to_not_be_null", "a period label that can exist (e.g. 2024, "
                          "2023/24, 202324: the second year follows the first)", column=YEAR))
        out.append(expect("expect_column_values_to_be_between", f"a period ending from {FIRST_YEAR} to {this_year + 1}",
                          column=YEAR, min_value=FIRST_YEAR, max_value=this_year + 1))
    if raw.meta is not None:
        out += _meta_expectations(raw)
    out += identifier_expectations(suite)
    return out


#: The `meta` key of an expectation that searches for personal identifiers: the kinds it searches
#: for. validation.py never shows the values such an expectation finds (they are personal data).
IDENTIFIER_META = "identifiers"


def identifier_expectations(suite: dict) -> list[dict]:
    """For each column the suite's meta lists as published ("published_columns": the text a paper
    shows), one expectation that its values hold none of the identifier kinds. One per column
    rather than one per kind and column: Great Expectations costs ~10 ms an expectation, and the
    finding still names the kind of each value found (validation._finding)."""
    explain = ("no personal identifiers (a UPN, NHS number, full postcode, date of birth or other full date, "
               "email address, phone number or personal name), as the papers publish this column")
    return [{"type": "expect_column_values_to_not_match_regex_list",
             "kwargs": {"column": col, "regex_list": [identifiers.PATTERNS[k] for k in identifiers.KINDS]},
             "meta": {"explain": explain, IDENTIFIER_META: list(identifiers.KINDS)}}
            for col in suite.get("meta", {}).get("published_columns", [])]


def identifier_columns(columns) -> list[str]:
    """The headers among `columns` that name a personal identifier (UPN, date of birth, surname...)."""
    return [c for c in columns if identifiers.is_identifier_header(c)]


def _range_text(ind) -> str:
    lo, hi = ind.bounds
    if hi is None:
        return f"a value of {lo:g} or more"
    return f"a value from {lo:g} to {hi:g}" + (" (a percentage)" if ind.unit == "%" else "")


def _meta_expectations(raw) -> list[dict]:
    meta = raw.meta
    if not {"col_name", "col_type"} <= set(meta.columns):
        return [expect("expect_table_columns_to_match_set", "the columns its .meta.csv lists (it has no col_name, "
                       "col_type columns)", column_set=["col_name", "col_type"], exact_match=False)]
    out = [expect("expect_table_columns_to_match_set", "the columns its .meta.csv lists",
                  column_set=sorted(meta["col_name"]), exact_match=False)]
    for col in meta.loc[meta["col_type"] == "Indicator", "col_name"]:
        out.append(expect("expect_column_values_to_match_regex", "a number or a published marker (per .meta.csv)",
                          column=col, regex=NUMBER_OR_MARKER))
    return out


def catalogue_mismatches(raw, indicators) -> list[tuple[str, str, str]]:
    """Catalogue columns that the file's .meta.csv does not list as indicators or filters:
    (column, expected, found)."""
    if raw.meta is None or not {"col_name", "col_type"} <= set(raw.meta.columns):
        return []
    kinds = dict(zip(raw.meta["col_name"], raw.meta["col_type"]))
    out = []
    for ind in indicators:
        src = ind.source
        for col in (src.value, src.numerator, src.denominator, src.cohort_share):
            if col and kinds.get(col, "Indicator") != "Indicator":
                out.append((col, f"an Indicator column for {ind.id}", f"{kinds[col]} in the .meta.csv"))
        for col in src.filter:
            if kinds.get(col, "Filter") != "Filter":
                out.append((col, f"a Filter column for {ind.id}", f"{kinds[col]} in the .meta.csv"))
    return out

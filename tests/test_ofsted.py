"""The Ofsted overall-effectiveness adapter (outcome 7: schools judged good or outstanding): a hand
calculation on a tiny file, errors and warnings, the real file checked against plain csv
arithmetic, and the demo file."""

import csv
import io
import warnings
from dataclasses import replace

import pandas as pd
import pytest

from cypp_lib.catalogue import load_catalogue
from cypp_lib.errors import RawDataError
from cypp_lib.geography import AreaRegistry
from cypp_lib.paths import SHARED_PUBLIC
from cypp_lib.sources import ofsted, read_raw_csv
from tests.conftest import needs_real

FILE = "dfe_send_ap_inclusion/ofsted_overall_effectiveness_by_la_school_type.csv"
HEADER = "Year,school_type,Overall effectiveness,grand_total_schools,geographic_level,Region,la_name,Measure,Value\n"
PCT, NUM = "Overall effectiveness (% of schools)", "Overall effectiveness (number of schools)"
MAIN, SPECIAL, AP, NMSS = ("State-funded mainstream school", "State-funded special school", "State-funded AP school",
                           "Non-maintained special school")


def _csv(rows) -> pd.DataFrame:
    """rows: (year, type, judgement, total, level, region, la, count); a % row is written for each too."""
    lines = [HEADER]
    for y, t, j, total, level, region, la, n in rows:
        pct = "c" if n == "c" else str(round(100 * float(n) / total, 2))
        lines.append(f"{y},{t},{j},{total},{level},{region},{la},{PCT},{pct}\n")
        lines.append(f"{y},{t},{j},{total},{level},{region},{la},{NUM},{n}\n")
    return pd.read_csv(io.StringIO("".join(lines)), dtype=str, keep_default_na=False)


TINY = [
    # England 2023: mainstream 2 outstanding + 5 good of 10; special 3 good of 4; AP 1 outstanding of 1;
    # one non-maintained special school (not state-funded: left out)
    (2023, MAIN, "Outstanding", 10, "National", "England", "", "2.0"),
    (2023, MAIN, "Good", 10, "National", "England", "", "5.0"),
    (2023, MAIN, "Requires improvement", 10, "National", "England", "", "2.0"),
    (2023, MAIN, "Inadequate", 10, "National", "England", "", "1.0"),
    (2023, SPECIAL, "Good", 4, "National", "England", "", "3.0"),
    (2023, SPECIAL, "Requires improvement", 4, "National", "England", "", "1.0"),
    (2023, AP, "Outstanding", 1, "National", "England", "", "1.0"),
    (2023, NMSS, "Inadequate", 1, "National", "England", "", "1.0"),
    # Lewisham 2023: 3 mainstream schools, all good or outstanding
    (2023, MAIN, "Outstanding", 3, "Local authority", "London", "Lewisham", "1.0"),
    (2023, MAIN, "Good", 3, "Local authority", "London", "Lewisham", "2.0"),
    # London 2023: a suppressed count
    (2023, MAIN, "Good", 5, "Regional", "London", "", "c"),
]


def _school_ofsted(**source):
    ind = load_catalogue()["school_ofsted"]
    return replace(ind, source=replace(ind.source, **source)) if source else ind


def test_hand_calculation_on_a_tiny_file():
    out = ofsted.to_tidy(_csv(TINY), [_school_ofsted()], AreaRegistry(), "ofsted.csv")
    eng = out[out.area_code == "E92000001"].iloc[0]
    # (2 + 5 outstanding/good mainstream) + 3 good special + 1 outstanding AP = 11, of 10 + 4 + 1 = 15
    assert (eng.numerator, eng.denominator) == (11, 15)
    assert eng.value == pytest.approx(100 * 11 / 15)
    assert (eng.area_name, eng.area_level, eng.la_number, eng.year, eng.period, eng.status) == (
        "England", "National", 970, 2023, "2023", "ok")
    lew = out[out.area_name == "Lewisham"].iloc[0]
    assert (lew.area_code, lew.la_number, lew.numerator, lew.denominator, lew.value) == ("E09000023", 209, 3, 3, 100)
    lon = out[out.area_name == "London"].iloc[0]
    assert lon.area_code == "E12000007" and lon.status == "c" and pd.isna(lon.value) and pd.isna(lon.numerator)
    assert len(out) == 3 and set(out.indicator) == {"school_ofsted"} and set(out.source) == {"ofsted.csv"}


def test_filter_selects_school_types():
    mainstream = _school_ofsted(filter={"school_type": MAIN})
    out = ofsted.to_tidy(_csv(TINY), [mainstream], AreaRegistry(), "ofsted.csv")
    eng = out[out.area_name == "England"].iloc[0]
    assert (eng.numerator, eng.denominator) == (7, 10)
    everything = _school_ofsted(filter={"school_type": [MAIN, SPECIAL, AP, NMSS]})
    eng = ofsted.to_tidy(_csv(TINY), [everything], AreaRegistry(), "ofsted.csv").query("area_name == 'England'").iloc[0]
    assert (eng.numerator, eng.denominator) == (11, 16)


def test_unknown_la_is_left_out_with_a_warning_naming_file_line_and_column():
    rows = TINY + [(2023, MAIN, "Good", 1, "Local authority", "London", "Atlantis", "1.0")]
    with pytest.warns(ofsted.UnknownAreaWarning, match=r"ofsted.csv: 1 local authority name.*column 'la_name'.*"
                                                       r"'Atlantis' \(line 25\)"):
        out = ofsted.to_tidy(_csv(rows), [_school_ofsted()], AreaRegistry(), "ofsted.csv")
    assert "Atlantis" not in set(out.area_name) and len(out) == 3


def test_la_spellings_of_other_dfe_files_still_match():
    registry = AreaRegistry()
    registry.learn("342", "E08000013", "St Helens")  # as SEN2 spells it; the Ofsted file has "St. Helens"
    registry.learn("840", "E06000047", "Durham")
    rows = [(2023, MAIN, "Good", 2, "Local authority", "North West", "St. Helens", "2.0"),
            (2023, MAIN, "Good", 1, "Local authority", "North East", "County Durham", "1.0")]
    out = ofsted.to_tidy(_csv(rows), [_school_ofsted()], registry, "ofsted.csv")
    assert dict(zip(out.area_code, out.la_number)) == {"E08000013": 342, "E06000047": 840}


def test_defects_raise_with_file_line_and_column():
    bad_total = [r if r[6] != "Lewisham" else (*r[:3], 4, *r[4:]) for r in TINY]  # counts sum to 3, total 4
    with pytest.raises(RawDataError, match=r"ofsted.csv, lines 19, 21, column 'grand_total_schools'"):
        ofsted.to_tidy(_csv(bad_total), [_school_ofsted()], AreaRegistry(), "ofsted.csv")
    bad_region = TINY + [(2023, MAIN, "Good", 1, "Regional", "Atlantis", "", "1.0")]
    with pytest.raises(RawDataError, match=r"ofsted.csv, line 25, column 'Region': 'Atlantis'"):
        ofsted.to_tidy(_csv(bad_region), [_school_ofsted()], AreaRegistry(), "ofsted.csv")
    bad_year = [(r if r[6] != "Lewisham" else ("latest", *r[1:])) for r in TINY]
    with pytest.raises(RawDataError, match=r"ofsted.csv, line 19, column 'Year': expected a year"):
        ofsted.to_tidy(_csv(bad_year), [_school_ofsted()], AreaRegistry(), "ofsted.csv")
    with pytest.raises(RawDataError, match="appear more than once"):
        ofsted.to_tidy(_csv(TINY + TINY[:1]), [_school_ofsted()], AreaRegistry(), "ofsted.csv")
    with pytest.raises(RawDataError, match=r"missing column\(s\) 'Measure'"):
        ofsted.to_tidy(_csv(TINY).drop(columns="Measure"), [_school_ofsted()], AreaRegistry(), "ofsted.csv")


def test_area_codes_and_years_for_validation():
    df = _csv(TINY + [(2023, MAIN, "Good", 1, "Local authority", "London", "Atlantis", "1.0")])
    codes = ofsted.area_codes(df, AreaRegistry())
    assert set(codes.dropna()) == {"E92000001", "E09000023", "E12000007"} and codes.isna().sum() == 2
    assert set(ofsted.period_years(df)) == {2023}


# ---------------------------------------------------------------- real published file

def _independent(path, year, level, name, types=(MAIN, SPECIAL, AP)):
    """Good + outstanding and all judged schools, with the csv module alone (no cypp code)."""
    good = judged = 0.0
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if (row["Year"], row["geographic_level"], row["Measure"]) != (str(year), level, NUM):
                continue
            if row["school_type"] not in types or (row["la_name"] if level == "Local authority" else row["Region"]) != name:
                continue
            judged += float(row["Value"])
            good += float(row["Value"]) if row["Overall effectiveness"] in ("Outstanding", "Good") else 0.0
    return good, judged


@pytest.fixture(scope="module")
def real_tidy():
    path = SHARED_PUBLIC / FILE
    if not path.is_file():
        pytest.skip(f"{FILE} absent")
    registry = AreaRegistry()
    # as in a build: the EES files teach the registry every LA's codes (SEN2 first: its older
    # spellings, "St Helens", "Durham", are the ones the registry keeps)
    ees_files = [SHARED_PUBLIC / "dfe_sen2_ehcp_stock/SEN2_AGE_STOCK.csv",
                 SHARED_PUBLIC / "dfe_childrens_social_care/cla_number_and_rate_per_10k_children.csv"]
    for ees_file in ees_files:
        if ees_file.is_file():
            ees = read_raw_csv(ees_file)
            for num, code, name in ees[["old_la_code", "new_la_code", "la_name"]].drop_duplicates().itertuples(index=False):
                registry.learn(num, code, name)
    cla = ees_files[1]
    df = read_raw_csv(path, FILE)
    with warnings.catch_warnings():
        if cla.is_file():
            warnings.simplefilter("error", ofsted.UnknownAreaWarning)  # every LA name must resolve
        else:
            warnings.simplefilter("ignore", ofsted.UnknownAreaWarning)
        main = ofsted.to_tidy(df, [_school_ofsted(filter={"school_type": MAIN})], registry, FILE)
        return path, ofsted.to_tidy(df, [_school_ofsted()], registry, FILE), main


@needs_real
@pytest.mark.realdata
@pytest.mark.parametrize("year", [2019, 2021, 2023])
@pytest.mark.parametrize("level,name,code", [("Local authority", "Lewisham", "E09000023"),
                                             ("National", "England", "E92000001"),
                                             ("Regional", "London", "E12000007")])
def test_real_values_match_plain_csv_arithmetic(real_tidy, year, level, name, code):
    path, out, _ = real_tidy
    good, judged = _independent(path, year, level, name)
    row = out[(out.area_code == code) & (out.year == year)]
    assert len(row) == 1
    row = row.iloc[0]
    assert (row.numerator, row.denominator, row.status) == (good, judged, "ok")
    assert row.value == pytest.approx(100 * good / judged)


@needs_real
@pytest.mark.realdata
def test_real_mainstream_values_match_source_md(real_tidy):
    # dfe_send_ap_inclusion/SOURCE.md: mainstream good or outstanding, Lewisham 89.9% (2019),
    # 91.1% (2020), 97.4% (2023); England 85.8%, 86.0%, 88.9%; London 92.5%, 92.5%, 95.1%
    _, _, main = real_tidy
    got = {(a, y): round(v, 1) for a, y, v in main[["area_name", "year", "value"]].itertuples(index=False)}
    assert [got["Lewisham", y] for y in (2019, 2020, 2023)] == [89.9, 91.1, 97.4]
    assert [got["England", y] for y in (2019, 2020, 2023)] == [85.8, 86.0, 88.9]
    assert [got["London", y] for y in (2019, 2020, 2023)] == [92.5, 92.5, 95.1]


@needs_real
@pytest.mark.realdata
def test_real_file_covers_every_la_and_region(real_tidy):
    _, out, _ = real_tidy
    per_year = out.groupby(["year", "area_level"]).size().unstack()
    assert (per_year["National"] == 1).all() and (per_year["Regional"] == 9).all()
    assert per_year["Local authority"].min() >= 150
    assert out.value.between(0, 100).all() and (out.status == "ok").all()


# ---------------------------------------------------------------- demonstration file

def test_demo_file_gives_lewisham_london_and_england_every_year(demo_raw):
    df = read_raw_csv(demo_raw / FILE, FILE)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ofsted.UnknownAreaWarning)
        out = ofsted.to_tidy(df, [_school_ofsted()], AreaRegistry(), FILE)
        main = ofsted.to_tidy(df, [_school_ofsted(filter={"school_type": MAIN})], AreaRegistry(), FILE)
    for code in ("E09000023", "E12000007", "E92000001"):
        rows = out[out.area_code == code].sort_values("year")
        assert rows.year.tolist() == [2019, 2020, 2021, 2022, 2023], code
        assert rows.value.notna().all() and (rows.status == "ok").all() and (rows.denominator > 0).all(), code
    by = main.set_index(["area_code", "year"]).value
    assert all(by["E09000023", y] > by["E92000001", y] for y in range(2019, 2024))  # as the plan describes


def test_demo_file_is_consistent_like_the_real_one(demo_raw):
    df = pd.read_csv(demo_raw / FILE, dtype=str, keep_default_na=False)
    assert list(df.columns) == HEADER.strip().split(",")
    key = ["Year", "school_type", "Overall effectiveness", "geographic_level", "Region", "la_name"]
    wide = df.pivot_table(index=key, columns="Measure", values="Value", aggfunc="first").astype(float)
    wide["total"] = df[df.Measure == NUM].set_index(key)["grand_total_schools"].astype(float)
    assert (wide[PCT] - 100 * wide[NUM] / wide["total"]).abs().max() < 0.006  # % rows agree with counts
    sums = df[df.Measure == NUM].assign(n=lambda d: d.Value.astype(float)).groupby(key[:2] + key[3:]).agg(
        n=("n", "sum"), total=("grand_total_schools", "first"))
    assert (sums.n == sums.total.astype(float)).all()


def test_suite_catches_a_corrupted_file(demo_raw):
    from cypp_lib.validation import validate_frames

    df = read_raw_csv(demo_raw / FILE, FILE)
    pct = df.index[df.Measure == PCT][0]
    num = df.index[df.Measure == NUM][1]
    df.loc[pct, "Value"] = "104.5"
    df.loc[num, "Value"] = str(int(df.loc[num, "grand_total_schools"]) + 1)
    df.loc[5, "Overall effectiveness"] = "Very good"
    report = validate_frames({FILE: (df, "ofsted")})
    msgs = " | ".join(f.message() for f in report.findings)
    assert f"line {pct + 2}, column 'Value': expected a percentage from 0 to 100" in msgs, msgs
    assert f"line {num + 2}, column 'grand_total_schools and Value'" in msgs, msgs
    assert "line 7, column 'Overall effectiveness'" in msgs, msgs

"""Local extracts (CAMHS, early help, participation log): hand-calculated annual values from tiny
files, refusals that name file, line and column, templates that match the adapter, demo files that
validate, and builds that work without them."""

import csv
import json
import re
import shutil

import numpy as np
import pytest

from cypp_lib.catalogue import load_catalogue
from cypp_lib.catalogue.manifest import load_manifest
from cypp_lib.errors import RawDataError
from cypp_lib.geography import AreaRegistry
from cypp_lib.paths import EXPECTATIONS, ROOT
from cypp_lib.sources import ADAPTERS, local
from cypp_lib.sources.common import read_raw_csv

CAT = load_catalogue()
HEAD = "area_code,area_name,period_start,period_end,measure,group,numerator,denominator,notes\n"
LOG_HEAD = ("area_code,activity_date,activity,service,participants_group,participant_type,participants,outcome,"
            "you_said,we_did,notes\n")
FILES = {"camhs_waiting_times": ["camhs_18_weeks", "camhs_18_weeks_looked_after", "camhs_18_weeks_not_looked_after",
                                 "camhs_referrals"],
         "early_help": ["early_help", "early_help_assessments"],
         "participation_log": ["participation_change"]}


def _month_rows(measure, counts, fy=2024, area="E09000023"):
    """One row per month of financial year fy (ending in), April first: counts = [(num, den), ...]."""
    out = []
    for k, (num, den) in enumerate(counts):
        y, m = (fy - 1, 4 + k) if k < 9 else (fy, k - 8)
        last = {2: 29 if y % 4 == 0 else 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(m, 31)
        out.append(f"{area},Lewisham,{y}-{m:02d}-01,{y}-{m:02d}-{last},{measure},{num},{'' if den is None else den},\n")
    return out


def _with_group(text: str) -> str:
    """Rows written without the group column (8 fields) get a blank group: all children."""
    out = []
    for line in text.splitlines(keepends=True):
        fields = line.rstrip("\n").split(",")
        out.append(",".join(fields[:5] + [""] + fields[5:]) + "\n" if len(fields) == 8 else line)
    return "".join(out)


def _run(tmp_path, text, ids, name="early_help"):
    if name != "participation_log":
        text = _with_group(text)
    path = tmp_path / "local" / f"{name}.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    label = f"local/{name}.csv"
    return local.to_tidy(read_raw_csv(path, label), [CAT[i] for i in ids], AreaRegistry(), label)


# ------------------------------------------------------------------ hand-calculated aggregation

def test_twelve_months_give_a_financial_year_from_summed_counts(tmp_path):
    # April 45 of 60 (75%), May 10 of 40 (25%), ten more months of 50 of 100 (50%).
    counts = [(45, 60), (10, 40)] + [(50, 100)] * 10
    text = HEAD + "".join(_month_rows("closed_needs_met", counts) + _month_rows("assessments_started", [(100 + k, None) for k in range(12)]))
    out = _run(tmp_path, text, ["early_help", "early_help_assessments"]).set_index("indicator")
    eh = out.loc["early_help"]
    assert (eh["numerator"], eh["denominator"]) == (555, 1100)
    assert eh["value"] == pytest.approx(100 * 555 / 1100)  # 50.4545...
    assert eh["value"] != pytest.approx(np.mean([75, 25] + [50] * 10))  # not the mean of percentages (50)
    assert (eh["year"], eh["period"], eh["status"], eh["area_code"], eh["area_name"]) == (
        2024, "2023-24", "ok", "E09000023", "Lewisham")
    assert eh["la_number"] == 209
    count = out.loc["early_help_assessments"]
    assert count["value"] == sum(100 + k for k in range(12)) == 1266 and count["status"] == "ok"


def test_18_week_percentage_is_sum_of_numerators_over_sum_of_denominators(tmp_path):
    counts = [(9, 10)] + [(1, 90)] + [(30, 50)] * 10  # 90%, 1.1%, 60% x 10
    text = HEAD + "".join(_month_rows("seen_within_18_weeks", counts, fy=2025))
    row = _run(tmp_path, text, ["camhs_18_weeks"], "camhs_waiting_times").iloc[0]
    assert row["value"] == pytest.approx(100 * 310 / 600)  # 51.67%, not the 57.6% mean of percentages
    assert row["period"] == "2024-25"


def test_quarters_and_months_mix_into_one_year(tmp_path):
    text = HEAD + ("E09000023,Lewisham,2023-04-01,2023-06-30,assessments_started,300,,\n"
                   "E09000023,Lewisham,2023-07-01,2023-12-31,assessments_started,600,,\n"
                   + "".join(_month_rows("assessments_started", [(100, None)] * 12)[9:]))
    row = _run(tmp_path, text, ["early_help_assessments"]).iloc[0]
    assert (row["value"], row["status"], row["period"]) == (1200, "ok", "2023-24")


def test_an_incomplete_year_is_flagged_not_summed(tmp_path):
    rows = _month_rows("closed_needs_met", [(50, 100)] * 12)
    del rows[8]  # December 2023
    text = HEAD + "".join(rows + _month_rows("closed_needs_met", [(40, 80)] * 7, fy=2025)[:7])
    out = _run(tmp_path, text, ["early_help"]).sort_values("year")
    assert list(out["status"]) == ["x", "x"]
    assert out["value"].isna().all() and out["numerator"].isna().all() and out["denominator"].isna().all()
    assert list(out["period"]) == ["2023-24 (incomplete: 11 of 12 months, Apr-Nov 2023, Jan-Mar 2024; missing Dec 2023)",
                                   "2024-25 (incomplete: 7 of 12 months, Apr-Oct 2024)"]


@pytest.mark.parametrize("measure,ids,counts,status", [
    ("assessments_started", ["early_help_assessments"], [(0, None)] * 11 + [(3, None)], "c"),  # count of 3
    ("closed_needs_met", ["early_help"], [(10, 10)] * 11 + [(10, 12)], "c"),  # 2 not met: recoverable
    ("closed_needs_met", ["early_help"], [(10, 10)] * 11 + [(10, 15)], "ok"),  # 5 not met
])
def test_small_counts_stay_real_in_the_processed_table_and_are_hidden_when_published(tmp_path, measure, ids,
                                                                                     counts, status):
    from cypp_lib.disclosure import control

    tidy = _run(tmp_path, HEAD + "".join(_month_rows(measure, counts)), ids)
    row = tidy.iloc[0]
    assert row["status"] == "ok" and not np.isnan(row["numerator"])  # the analyst's own table keeps the count
    shown = control(tidy, CAT).table.iloc[0]
    assert shown["status"] == status
    assert np.isnan(shown["value"]) == (status == "c") and np.isnan(shown["numerator"]) == (status == "c")


def test_a_group_reads_its_own_rows_and_the_total_reads_the_blank_group(tmp_path):
    # 12 months of: all 50 of 100; looked after 3 of 4; not looked after 47 of 96
    rows = []
    for group, (num, den) in (("", (50, 100)), ("Looked after", (3, 4)), ("Not looked after", (47, 96))):
        rows += [r.replace("seen_within_18_weeks,,", f"seen_within_18_weeks,{group},")
                 for r in _with_group("".join(_month_rows("seen_within_18_weeks", [(num, den)] * 12))).splitlines(True)]
    ids = ["camhs_18_weeks", "camhs_18_weeks_looked_after", "camhs_18_weeks_not_looked_after"]
    out = _run(tmp_path, HEAD + "".join(rows), ids, "camhs_waiting_times").set_index("indicator")
    assert out.loc["camhs_18_weeks", ["numerator", "denominator"]].tolist() == [600, 1200]
    assert out.loc["camhs_18_weeks_looked_after", ["numerator", "denominator"]].tolist() == [36, 48]
    assert out.loc["camhs_18_weeks_not_looked_after", ["numerator", "denominator"]].tolist() == [564, 1152]


def test_log_counts_activities_and_completes_a_year_once_the_log_moves_on(tmp_path):
    text = LOG_HEAD + (
        "E09000023,2023-05-02,Budget vote,Youth Service,Young Advisors,young people,20,11,More drop-ins,Two drop-ins funded,\n"
        "E09000023,2023-09-12,Tender panel,Commissioning,Leaving Care Young Ambassadors,young people,5,12,Tenancy help,Written into contract,\n"
        "E09000023,2024-01-20,SEND workshop,SEND Service,Parent and Carer Forum,parents and carers,30,13,Late reviews,,\n"
        "E09000023,2024-03-31,Play review,Public Health,Primary school councils,children,40,11,Water fountains,Fountains installed,\n"
        "E09000023,2024-06-01,Youth survey,Youth Service,Young people aged 11-19,young people,412,11,Safer routes,,\n")
    out = _run(tmp_path, text, ["participation_change"], "participation_log").sort_values("year")
    done, part = out.iloc[0], out.iloc[1]
    assert (done["numerator"], done["denominator"], done["status"], done["period"]) == (3, 4, "ok", "2023-24")
    assert done["value"] == pytest.approx(75.0)
    assert part["status"] == "x" and np.isnan(part["value"])
    assert part["period"] == "2024-25 (incomplete: log to 01 Jun 2024, year ends 31 Mar 2025)"


# ------------------------------------------------------------------ refusals name file, line, column

GOOD = "E09000023,Lewisham,2024-04-01,2024-04-30,closed_needs_met,5,10,\n"


@pytest.mark.parametrize("row,line,column,found", [
    ("E09000023,Lewisham,2024-02-30,2024-02-29,closed_needs_met,5,10,", 3, "period_start", "'2024-02-30'"),
    ("E09000023,Lewisham,01/04/2024,2024-04-30,closed_needs_met,5,10,", 3, "period_start", "'01/04/2024'"),
    ("E09000023,Lewisham,2024-05,2024-05-31,closed_needs_met,5,10,", 3, "period_start", "'2024-05'"),
    ("E09000023,Lewisham,2024-05-01,2024-05-30,closed_needs_met,5,10,", 3, "period_end", "'2024-05-30'"),
    ("E09000023,Lewisham,2024-05-01,2024-05-31,closed_needs_met,11,10,", 3, "numerator", "'11'"),
    ("E09000023,Lewisham,2024-05-01,2024-05-31,closed_needs_met,-3,10,", 3, "numerator", "'-3'"),
    ("E09000023,Lewisham,2024-05-01,2024-05-31,closed_needs_met,5,-10,", 3, "denominator", "'-10'"),
    ("E09000023,Lewisham,2024-05-01,2024-05-31,assessments_started,5,10,", 3, "denominator", "'10'"),
    ("E09000023,Lewisham,2024-05-01,2024-05-31,assesments_started,5,,", 3, "measure", "'assesments_started'"),
    ("209,Lewisham,2024-05-01,2024-05-31,closed_needs_met,5,10,", 3, "area_code", "'209'"),
    ("E09000023,Lewisham,2024-04-01,2024-06-30,closed_needs_met,5,10,", 3, "period_start", "'2024-04-01'"),  # overlap
    ("E09000023,Lewisham,2023-03-01,2023-04-30,closed_needs_met,5,10,", 3, "period_end", "'2023-04-30'"),  # crosses 31 March
])
def test_bad_rows_are_refused_with_file_line_column_expected_and_found(tmp_path, row, line, column, found):
    with pytest.raises(RawDataError) as exc:
        _run(tmp_path, HEAD + GOOD + row + "\n", ["early_help", "early_help_assessments"])
    msg = str(exc.value)
    assert msg.startswith("local/early_help.csv: ")
    assert f"line {line}, column '{column}': expected " in msg and f"found {found}" in msg, msg


def test_every_problem_is_listed_at_once(tmp_path):
    text = HEAD + GOOD + "E09000023,Lewisham,2024-05-01,2024-05-31,closed_needs_met,-3,10,\n" + \
        "E09000023,Lewisham,2024-06-01,2024-06-30,closed_needs_met,130,120,\n"
    with pytest.raises(RawDataError, match=r"local/early_help.csv: 2 problems: line 3, column 'numerator'.*"
                                           r"found '-3'; line 4, column 'numerator': expected no more than the "
                                           r"denominator \(120\); found '130'"):
        _run(tmp_path, text, ["early_help"])


@pytest.mark.parametrize("row,column,found", [
    ("E09000023,2024-13-01,Panel,Commissioning,Young Advisors,young people,5,12,x,y,", "activity_date", "'2024-13-01'"),
    ("E09000023,2024-05-01,Panel,Commissioning,Young Advisors,young people,0,12,x,y,", "participants", "'0'"),
    ("E09000023,2024-05-01,Panel,Commissioning,Young Advisors,young people,-2,12,x,y,", "participants", "'-2'"),
    ("E09000023,2024-05-01,Panel,Commissioning,Young Advisors,young people,5,4,x,y,", "outcome", "'4'"),
    ("E09000023,2024-05-01,Panel,Commissioning,Young Advisors,teenagers,5,11,x,y,", "participant_type", "'teenagers'"),
    ("E09000023,2024-05-01,Panel,Commissioning,,young people,5,11,x,y,", "participants_group", "''"),
    ("E09000023,2024-05-01,Panel,Commissioning,Young Advisors,young people,5,11,x,N/A,", "we_did", "'N/A'"),
])
def test_bad_log_rows_are_refused(tmp_path, row, column, found):
    with pytest.raises(RawDataError) as exc:
        _run(tmp_path, LOG_HEAD + row + "\n", ["participation_change"], "participation_log")
    msg = str(exc.value)
    assert msg.startswith("local/participation_log.csv: line 2, column " + repr(column) + ": expected ")
    assert msg.endswith(f"found {found}"), msg


def test_missing_and_extra_columns_are_refused(tmp_path):
    with pytest.raises(RawDataError, match=r"local/early_help.csv, line 1 \(header\), column\(s\) 'denominator': "
                                           r"expected the columns of docs/templates"):
        _run(tmp_path, HEAD.replace(",denominator", "") + "E09000023,Lewisham,2024-04-01,2024-04-30,"
             "closed_needs_met,5,\n", ["early_help"])
    with pytest.raises(RawDataError, match=r"column\(s\) 'child_id': expected only the columns"):
        _run(tmp_path, HEAD.strip() + ",child_id\n" + GOOD.strip() + ",123\n", ["early_help"])


# ------------------------------------------------------------------ templates, docs, catalogue, manifest

def _header(path):
    with open(path, encoding="utf-8-sig") as f:
        return next(csv.reader(f))


@pytest.mark.parametrize("stem", list(FILES))
def test_blank_templates_have_exactly_the_columns_the_adapter_and_suite_require(stem):
    template = ROOT / "docs" / "templates" / f"{stem}.csv"
    assert template.read_text(encoding="utf-8").count("\n") == 1  # a header row and nothing else
    header = _header(template)
    assert header == (local.LOG_COLUMNS if stem == "participation_log" else local.COUNT_COLUMNS)
    suite = json.loads((EXPECTATIONS / f"local_{stem}.json").read_text())
    columns = next(e for e in suite["expectations"] if e["type"] == "expect_table_columns_to_match_set")
    assert columns["kwargs"]["column_set"] == header and columns["kwargs"]["exact_match"] is True
    doc = (ROOT / "docs" / "local-extracts.md").read_text(encoding="utf-8")
    assert all(f"| `{c}` |" in doc for c in header), "every column documented"
    blank = local.to_tidy(read_raw_csv(template), [CAT[i] for i in FILES[stem]], AreaRegistry(), stem)
    assert blank.empty  # the blank template is read without error and gives no values


def test_catalogue_and_manifest_name_the_local_files():
    manifest = load_manifest()
    for stem, ids in FILES.items():
        entry = manifest[f"local/{stem}.csv"]
        assert (entry.adapter, entry.publisher, entry.required) == ("local", "Lewisham (local extract)", ("la",))
        assert sorted(i.id for i in CAT.files()[f"local/{stem}.csv"]) == sorted(ids)
        for i in ids:
            assert CAT[i].source.measure in {**local.MEASURES, **local.LOG_MEASURES}
            assert CAT[i].year_type == "financial" and CAT[i].value_type in ("proportion", "count")
    assert "local" in ADAPTERS
    for still_evidence in ("early_help_reach", "participation", "coproduction", "send_voice"):
        assert not CAT[still_evidence].is_statistic


def test_the_documented_example_rows_are_accepted(tmp_path):
    doc = (ROOT / "docs" / "local-extracts.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```csv\n(.*?)```", doc, flags=re.S)
    assert len(blocks) == 3
    for n, block in enumerate(blocks):
        stem = "participation_log" if block.startswith("area_code,activity_date") else f"example{n}"
        ids = ["participation_change"] if stem == "participation_log" else (
            ["camhs_18_weeks", "camhs_referrals"] if "referrals_received" in block else ["early_help", "early_help_assessments"])
        out = _run(tmp_path, block, ids, stem)
        assert set(out["status"]) == {"x"}  # a few months or days: never a complete year


# ------------------------------------------------------------------ demo files and builds

def test_demo_files_are_lewisham_only_marked_and_validate(demo_raw):
    from cypp_lib.validation import validate_raw

    for stem in FILES:
        rows = list(csv.DictReader(open(demo_raw / "local" / f"{stem}.csv", encoding="utf-8")))
        assert rows and {r["area_code"] for r in rows} == {"E09000023"}
        assert all(r["notes"].startswith("DEMONSTRATION") for r in rows)
    report, _ = validate_raw(demo_raw, CAT)
    checked = {c["file"]: c for c in report.checked}
    for stem in FILES:
        c = checked[f"local/{stem}.csv"]
        assert c["suite"] == f"local_{stem}" and c["failed"] == 0, report.summary()
    assert not [f for f in report.findings if f.file.startswith("local/")], report.summary()


def test_demo_gives_complete_years_and_flags_the_incomplete_one(demo_processed):
    import pandas as pd

    t = pd.read_parquet(demo_processed / "indicators.parquet")
    for ids in FILES.values():
        for i in ids:
            s = t[(t.indicator == i) & (t.area_code == "E09000023")].sort_values("year")
            assert list(s["year"]) == list(range(2020, 2027)), i
            assert set(s[s.year < 2026]["status"]) == {"ok"} and s.iloc[-1]["status"] == "x", i
            assert "incomplete" in s.iloc[-1]["period"]
    camhs = t[(t.indicator == "camhs_18_weeks") & (t.year == 2025)].iloc[0]
    assert 50 < camhs["value"] < 90 and camhs["lower_95"] < camhs["value"] < camhs["upper_95"]


def test_corrupted_demo_extract_fails_validation_with_line_and_column(demo_copy):
    from cypp_lib.validation import validate_raw

    path = demo_copy / "local" / "camhs_waiting_times.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = lines[2].split(",")  # line 3: seen_within_18_weeks for April 2019
    assert fields[4] == "seen_within_18_weeks"
    fields[6] = str(int(fields[7]) + 1)  # numerator above denominator
    lines[2] = ",".join(fields)
    fields = lines[1].split(",")  # line 2: referrals_received, a count
    fields[7] = "9999"  # a denominator on a count
    lines[1] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, _ = validate_raw(demo_copy, CAT)
    msgs = [f.message() for f in report.findings]
    assert any(m.startswith("local/camhs_waiting_times.csv, line 3, column 'denominator and numerator': expected "
                            "numerator no larger than denominator") for m in msgs), msgs
    assert any(m.startswith("local/camhs_waiting_times.csv, line 2, column 'denominator'") and "blank" in m
               for m in msgs), msgs


def test_build_without_local_folder_records_the_files_as_missing(demo_copy):
    from cypp_lib.prepare import prepare

    shutil.rmtree(demo_copy / "local")
    table, prov = prepare(demo_copy, CAT)
    missing = {m["file"] for m in prov["missing"]}
    assert {f"local/{s}.csv" for s in FILES} <= missing
    assert not set(table["indicator"]) & {i for ids in FILES.values() for i in ids}

"""Great Expectations validation: the demo passes; corrupted files fail with the file, line and
column named and a non-zero exit."""

import pytest

from cypp_lib.catalogue import load_catalogue
from cypp_lib.cli import main
from cypp_lib.validation import validate_raw

LAIT = "lait/lait_kpi_subset_long.csv"


def test_demo_data_passes(demo_raw):
    from cypp_lib.catalogue.manifest import load_manifest

    report, raw_set = validate_raw(demo_raw, load_catalogue())
    assert report.success, report.summary()
    expected = sum(len(e.expand(demo_raw)) for e in load_manifest().values())
    assert len(report.checked) == expected >= 14 and LAIT in raw_set.inputs
    assert not report.missing and not report.warnings


def test_a_plan_knows_the_report_of_a_passing_validation_before_it_runs(demo_raw, demo_copy):
    from cypp_lib.validation import plan_raw, run_plan

    plan = plan_raw(demo_raw, load_catalogue())
    expected = plan.checked_if_passed
    assert expected and all(c["failed"] == 0 for c in expected)
    assert run_plan(plan).checked == expected  # what the papers state while GX is still running
    path = demo_copy / LAIT
    path.write_text(path.read_text().replace(",209,", ",20X,", 1))
    plan = plan_raw(demo_copy, load_catalogue())
    if_passed = plan.checked_if_passed
    report = run_plan(plan)
    assert if_passed == expected and not report.success and report.checked != if_passed


def test_bad_value_is_reported_with_file_line_and_column(demo_copy):
    path = demo_copy / LAIT
    lines = path.read_text().splitlines()
    fields = lines[9].split(",")
    fields[4] = "twelve"
    lines[9] = ",".join(fields)  # line 10 of the file (header is line 1)
    path.write_text("\n".join(lines) + "\n")
    report, _ = validate_raw(demo_copy, load_catalogue())
    assert not report.success
    msgs = [f.message() for f in report.findings]
    assert any(m.startswith(f"{LAIT}, line 10, column 'Values'") and "'twelve'" in m for m in msgs), msgs


def test_renamed_column_is_reported(demo_copy):
    path = demo_copy / LAIT
    text = path.read_text()
    path.write_text(text.replace("LA Number", "LA Code", 1))
    report, _ = validate_raw(demo_copy, load_catalogue())
    msgs = " | ".join(f.message() for f in report.findings)
    assert "LA Number" in msgs and LAIT in msgs


def test_count_above_population_is_reported(demo_copy):
    path = demo_copy / "dfe_childrens_social_care/cla_number_and_rate_per_10k_children.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    fields = lines[5].split(",")
    fields[-2] = str(int(fields[-3]) + 1)  # children_count above population_estimate
    lines[5] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, _ = validate_raw(demo_copy, load_catalogue())
    msgs = [f.message() for f in report.findings]
    assert any("line 6" in m and "population_estimate and children_count" in m for m in msgs), msgs


def test_validate_command_exits_non_zero_and_writes_report(demo_copy, tmp_path, capsys):
    (demo_copy / LAIT).write_text((demo_copy / LAIT).read_text().replace(",209,", ",20X,"))
    out = tmp_path / "out"
    assert main(["validate", "--raw", str(demo_copy), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "column 'LA Number'" in printed and "a 3-digit DfE LA number" in printed
    page = (out / "checks" / "validation.html").read_text()
    assert '<html lang="en-GB">' in page and "Failed" in page


@pytest.mark.parametrize("content", ["", "not,a\n\x00\x01"])
def test_broken_files_fail_with_file_named(demo_copy, capsys, content, tmp_path):
    (demo_copy / LAIT).write_text(content)
    assert main(["validate", "--raw", str(demo_copy), "--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "lait_kpi_subset_long.csv" in captured.err + captured.out


def test_one_great_expectations_context_validates_every_file(demo_raw, monkeypatch):
    import great_expectations as gx

    calls = []
    real_get_context = gx.get_context
    monkeypatch.setattr(gx, "get_context", lambda *a, **k: calls.append(1) or real_get_context(*a, **k))
    report, raw_set = validate_raw(demo_raw, load_catalogue())
    assert len(report.checked) >= 14 and len(calls) == 1

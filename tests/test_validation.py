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


NEET = "nccis_neet/neet_la_{}.csv"


def _findings(report):
    return [f.message() for f in report.findings], report.checked


def _bad_percent(folder):
    path = folder / NEET.format(2023)
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    fields = lines[9].split(",")
    fields[header.index("NEET_percent")] = "150.0"
    lines[9] = ",".join(fields)  # line 10 of the file
    path.write_text("\n".join(lines) + "\n")
    return f"{NEET.format(2023)}, line 10, column 'NEET_percent'"


def _no_lewisham(folder):
    path = folder / NEET.format(2024)
    path.write_text("".join(ln for ln in path.read_text().splitlines(keepends=True) if "E09000023" not in ln))
    return NEET.format(2024)


def _same_year_twice(folder):
    (folder / NEET.format(2025)).write_text((folder / NEET.format(2024)).read_text())
    return None  # each file is unique on its own: rows repeated across files are no finding of these checks


@pytest.mark.parametrize("corrupt", [_bad_percent, _no_lewisham, _same_year_twice])
def test_files_checked_together_are_reported_as_when_checked_alone(demo_copy, monkeypatch, corrupt):
    """The NEET files share a suite, so their row-by-row checks run once over all their rows; the
    report must be what checking each file on its own gives."""
    from cypp_lib import validation

    expected_finding = corrupt(demo_copy)
    together, _ = validate_raw(demo_copy, load_catalogue())
    monkeypatch.setattr(validation, "TOGETHER", frozenset())  # every file on its own
    alone, _ = validate_raw(demo_copy, load_catalogue())
    assert _findings(together) == _findings(alone)
    msgs = _findings(together)[0]
    if expected_finding is None:
        assert not any("neet_la" in m for m in msgs), msgs
    else:
        assert any(m.startswith(expected_finding) for m in msgs), msgs
        if corrupt is _no_lewisham:  # the check all four files' rows together would pass
            assert any("E09000023" in m for m in msgs if m.startswith(expected_finding)), msgs
    others = [NEET.format(y) for y in (2021, 2022, 2025)]
    assert not any(m.startswith(tuple(others)) for m in msgs), msgs


def test_the_neet_files_alike_are_checked_together(demo_raw, monkeypatch):
    from cypp_lib import validation

    passed = []
    real = validation._checked_together

    def spy(files, whole):
        together = real(files, whole)
        passed.append(sorted(files[n].raw.rel for n in together))
        return together

    monkeypatch.setattr(validation, "_checked_together", spy)
    report, _ = validate_raw(demo_raw, load_catalogue())
    assert report.success
    # the five NEET files share one suite; their headers differ (2021 has four quintile columns,
    # 2024-2025 lack two of 2022-2023's), but not in the columns the suite's row checks read
    assert passed == [[NEET.format(y) for y in range(2021, 2026)]]

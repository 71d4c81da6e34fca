"""The build is reproducible and safe to re-run (slow: builds papers).

- Two builds of the same inputs in fresh folders publish byte-identical files, and their
  executed notebooks are byte-identical too (no paths, timestamps or random ids).
- A rebuild with nothing changed executes nothing and writes nothing.
- A failing notebook leaves the previous papers and processed data untouched, names the paper,
  the cell and the error, and the papers that built are cached so they are not executed again.
- Papers execute while Great Expectations validates; when validation then fails, nothing they
  made is kept, cached or published.
"""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from cypp_lib import pipeline, render
from cypp_lib.errors import RenderError
from cypp_lib.paths import NOTEBOOKS
from cypp_lib.pipeline import BuildOptions, build

pytestmark = pytest.mark.slow


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


def _data(folder: Path) -> dict[str, bytes]:
    """The processed data itself (not the executed notebooks kept for debugging)."""
    return {n: b for n, b in _files(folder).items() if not n.startswith("executed")}


def _copy_build(demo_build, tmp_path) -> BuildOptions:
    """A private copy of the session's demo build (outputs, processed data and cache)."""
    out, processed = tmp_path / "out", tmp_path / "processed"
    shutil.copytree(demo_build.out_dir, out)
    shutil.copytree(demo_build.processed_dir, processed)
    return BuildOptions(raw_dir=demo_build.raw_dir, out_dir=out, processed_dir=processed, jobs=1)


def test_two_builds_in_fresh_folders_are_byte_identical(demo_build, tmp_path):
    opts = BuildOptions(raw_dir=demo_build.raw_dir, out_dir=tmp_path / "out", processed_dir=tmp_path / "p", jobs=2)
    build(opts, log=lambda *a: None)
    first, second = _files(demo_build.out_dir), _files(opts.out_dir)
    published = [n for n in first if n.endswith((".html", ".csv"))]
    assert len(published) >= 10 and set(first) == set(second)
    assert [n for n in published if first[n] != second[n]] == []
    executed_a = _files(demo_build.processed_dir / "executed")
    executed_b = _files(opts.processed_dir / "executed")
    assert len(executed_a) == 6 and executed_a == executed_b
    for text in (b.decode() for b in executed_a.values()):
        assert str(tmp_path) not in text and "/tmp/" not in text  # no machine paths in the notebooks
    record = json.loads((opts.out_dir / "build.json").read_text())
    assert {p["status"] for p in record["papers"]} == {"executed"}


def test_a_rebuild_with_nothing_changed_executes_and_writes_nothing(demo_build, tmp_path):
    opts = _copy_build(demo_build, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in opts.out_dir.rglob("*")}
    lines = []
    build(opts, log=lines.append)
    assert any(line.startswith("Nothing changed since the last build") for line in lines), lines
    assert {p: p.stat().st_mtime_ns for p in opts.out_dir.rglob("*")} == before
    assert not (opts.processed_dir / ".staging").exists()


def test_a_failing_notebook_leaves_everything_published_and_caches_the_papers_that_built(
        demo_build, tmp_path, monkeypatch):
    opts = _copy_build(demo_build, tmp_path)
    published_before = _files(opts.out_dir)
    processed_before = opts.processed_dir.parent / "processed-before"
    shutil.copytree(opts.processed_dir, processed_before)
    # a copy of the notebooks: the overview fails in its last cell, the annual report changes harmlessly
    nbs = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, nbs)
    overview = nbformat.read(nbs / "overview.ipynb", as_version=4)
    overview.cells.append(nbformat.v4.new_code_cell("1 / 0"))
    overview.cells[-1].id = "broken"
    nbformat.write(overview, nbs / "overview.ipynb")
    annual = nbformat.read(nbs / "annual_report.ipynb", as_version=4)
    annual.cells[3].source += " "
    nbformat.write(annual, nbs / "annual_report.ipynb")
    monkeypatch.setattr(pipeline, "NOTEBOOKS", nbs)
    monkeypatch.setattr(render, "NOTEBOOKS", nbs)
    lines = []
    with pytest.raises(RenderError) as err:
        build(opts, log=lines.append)
    message = str(err.value)
    assert "lewisham-overview" in message and "ZeroDivisionError" in message and "cell" in message
    assert "executed notebook is kept at" in message and "Traceback" not in message
    assert "1 of 6 papers failed. Nothing was published" in message
    assert _files(opts.out_dir) == published_before  # the last good papers are untouched
    assert _data(opts.processed_dir) == _data(processed_before)  # and the last good processed data
    assert not (opts.out_dir / ".staging").exists()
    assert any("lewisham-annual-report: executed" in line for line in lines), lines  # the others still built
    # mend the overview (back to the original): nothing is executed now. The overview is the one
    # cached by the last good build; the changed annual report was cached by the failed build.
    shutil.copy(NOTEBOOKS / "overview.ipynb", nbs / "overview.ipynb")
    build(opts, log=lambda *a: None)
    record = json.loads((opts.out_dir / "build.json").read_text())
    assert {p["file"]: p["status"] for p in record["papers"]} == {
        f"lewisham-{n}.html": "cached" for n in ("overview", "priority-1", "priority-2", "priority-3",
                                                   "priority-4", "annual-report")}
    assert record["inputs"] != json.loads(published_before["build.json"])["inputs"]  # a real rebuild, published


def test_papers_started_before_validation_failed_leave_no_trace(demo_build, tmp_path):
    from cypp_lib.errors import ValidationFailed

    opts = _copy_build(demo_build, tmp_path)
    raw = tmp_path / "raw"
    shutil.copytree(demo_build.raw_dir, raw)
    cla = raw / "dfe_childrens_social_care/cla_number_and_rate_per_10k_children.csv"
    lines = cla.read_text(encoding="utf-8-sig").splitlines()
    fields = lines[5].split(",")
    fields[-2] = str(int(fields[-3]) + 1)  # children_count above population_estimate: only GX sees it
    lines[5] = ",".join(fields)
    cla.write_text("\n".join(lines) + "\n", encoding="utf-8")
    opts.raw_dir, opts.jobs = raw, 2
    processed_before, published_before = _files_all(opts.processed_dir), _files(opts.out_dir)
    lines = []
    with pytest.raises(ValidationFailed):
        build(opts, log=lines.append)
    assert any("6 to execute" in line for line in lines), lines  # the papers had started
    assert any("population_estimate and children_count" in line for line in lines), lines
    assert _files(opts.out_dir) == published_before
    assert _files_all(opts.processed_dir) == processed_before  # no paper, prepared data or notebook kept


def _files_all(folder: Path) -> dict[str, bytes]:
    """Every file, the cache's papers, prepared data and chart images included."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_preparation_error_on_data_that_pass_validation_is_reported_as_itself(demo_build, tmp_path,
                                                                                 monkeypatch):
    import cypp_lib.prepare
    from cypp_lib.errors import RawDataError

    def broken(*args, **kwargs):
        raise RawDataError("lait/lait_kpi_subset_long.csv: something preparation could not handle")

    monkeypatch.setattr(cypp_lib.prepare, "prepare", broken)
    opts = BuildOptions(raw_dir=demo_build.raw_dir, out_dir=tmp_path / "out", processed_dir=tmp_path / "p", jobs=2)
    lines = []
    with pytest.raises(RawDataError, match="something preparation could not handle"):
        build(opts, log=lines.append)
    assert any(line.startswith("Validated ") for line in lines), lines  # validation ran first
    assert not (opts.out_dir / "build.json").exists()


def test_a_paper_scanned_in_its_worker_that_holds_a_machine_path_is_not_published(demo_build, tmp_path):
    """Each paper's publication scan runs in its worker as soon as it is rendered; what it finds
    stops the build at the last gate as a scan there would (nothing published)."""
    import csv

    from cypp_lib.errors import PublicationRefused

    opts = _copy_build(demo_build, tmp_path)
    raw = tmp_path / "raw"
    shutil.copytree(demo_build.raw_dir, raw)
    log = raw / "local" / "participation_log.csv"
    rows = list(csv.DictReader(log.open(encoding="utf-8")))
    latest = [r for r in rows if r["we_did"] and "2024-04" <= r["activity_date"] < "2025-04"][-1]  # the
    # paper lists the changes of the latest complete year (2024-25; the log runs into 2025-26)
    latest["we_did"] += " (minutes: /home/jbloggs/minutes/2025.docx)"  # pasted from a file manager
    with log.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    opts.raw_dir, opts.jobs = raw, 2
    published_before = _files(opts.out_dir)
    with pytest.raises(PublicationRefused) as exc:
        build(opts, log=lambda *a: None)
    assert "lewisham-priority-4.html, line" in str(exc.value) and "/home/jbloggs/" in str(exc.value)
    assert _files(opts.out_dir) == published_before

"""The build: validate raw data -> prepare the processed table -> execute and render papers ->
publish them with an index. Nothing is published unless every step succeeds: papers are written
to a staging folder and moved into the output folder only at the end; a failure leaves the last
good processed data and papers in place.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from cypp_lib import __version__, parameters
from cypp_lib._version import code_version
from cypp_lib.catalogue import load_catalogue
from cypp_lib.errors import ParameterError, RenderError, ValidationFailed
from cypp_lib.geography import NEIGHBOUR_MODELS
from cypp_lib.paths import NOTEBOOKS
from cypp_lib.render import PaperSpec, render_paper
from cypp_lib.site import accessibility_html, index_html


@dataclass
class BuildOptions:
    raw_dir: Path
    out_dir: Path
    processed_dir: Path
    area: str = "Lewisham"
    period: str = "latest"
    neighbour_model: str = "2025"
    meeting_date: str = ""
    priorities: str = "1,2,3,4"  # the annual report's priorities
    jobs: int = 2


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


PAPER_DESCRIPTIONS = {
    "overview": "The context behind the plan: poverty, safeguarding, health, education, looked-after children, "
                "young carers and SEND, with the growth in EHC plans.",
    "priority": "Summary, scorecard, each indicator against England, London and the statistical neighbours, "
                "equity gaps and a spine chart.",
    "annual_report": "Every indicator of the outcomes framework: summaries, scorecards, participation and "
                     "engagement, and trends.",
    "priority-4": "How children, young people and parents were involved: the participation and co-production "
                  "log ('you said, we did') and the share of activities that led to a change.",
}


def paper_specs(opts: BuildOptions, processed_dir: Path, area_name: str | None = None) -> list[PaperSpec]:
    """One spec per paper. Parameter values are checked (ParameterError) before any notebook runs."""
    cat = load_catalogue()
    area = area_name or opts.area
    common = {"area": area, "period": opts.period, "neighbour_model": opts.neighbour_model,
              "meeting_date": parameters.meeting_date(opts.meeting_date), "processed_dir": str(processed_dir.resolve()),
              "raw_dir": str(Path(opts.raw_dir).resolve())}
    a = slugify(area)
    chosen = parameters.priorities(opts.priorities, cat.priorities)
    specs = [PaperSpec(f"{a}-overview", "overview.ipynb", f"Needs analysis overview: {area}", common,
                       PAPER_DESCRIPTIONS["overview"])]
    for p, name in sorted(cat.priorities.items()):
        specs.append(PaperSpec(f"{a}-priority-{p}", "priority.ipynb", f"Priority {p}: {name} ({area})",
                               {**common, "priority": p},
                               PAPER_DESCRIPTIONS.get(f"priority-{p}", PAPER_DESCRIPTIONS["priority"])))
    specs.append(PaperSpec(f"{a}-annual-report", "annual_report.ipynb", f"Annual report: {area}",
                           {**common, "priorities": chosen},
                           PAPER_DESCRIPTIONS["annual_report"]
                           + ("" if chosen == sorted(cat.priorities) else f" Priorities {', '.join(map(str, chosen))}.")))
    for spec in specs:
        parameters.check_notebook(NOTEBOOKS / spec.notebook, spec.parameters)
    return specs


def check_options(opts: BuildOptions) -> None:
    """The checks that need no data (run before validation)."""
    if opts.neighbour_model not in NEIGHBOUR_MODELS:
        raise ParameterError(f"--neighbours {opts.neighbour_model!r}: use one of {', '.join(NEIGHBOUR_MODELS)}")
    try:
        parameters.period(opts.period)
        parameters.meeting_date(opts.meeting_date)
        parameters.priorities(opts.priorities, load_catalogue().priorities)
    except ParameterError as exc:
        raise ParameterError(f"--{str(exc)}") from None
    if opts.jobs < 1:
        raise ParameterError("--jobs must be at least 1")
    if not Path(opts.raw_dir).is_dir():
        raise ParameterError(f"--raw {opts.raw_dir}: no such folder")


def validate_step(opts: BuildOptions, log=print):
    """Validate raw files and, when they pass, prepare the table in memory (its domain checks add
    warnings). Returns (report, (table, provenance) or None, validation page HTML)."""
    from cypp_lib.prepare import prepare
    from cypp_lib.validation import report_html, validate_raw

    catalogue = load_catalogue()
    report, raw_set = validate_raw(opts.raw_dir, catalogue, opts.area)
    prepared = None
    if report.success:
        prepared = prepare(opts.raw_dir, catalogue, raw_set)
        report.warnings += [w for w in prepared[1]["warnings"] if w not in report.warnings]
    log(report.summary())
    return report, prepared, report_html(report)


def build(opts: BuildOptions, log=print) -> list[Path]:
    """Run the whole pipeline. Returns the published files."""
    from cypp_lib.prepare import read_previous, write_processed
    from cypp_lib.revisions import build_revisions
    from cypp_lib.revisions import page as revisions_page

    check_options(opts)
    t0 = time.perf_counter()
    out_dir, processed_dir = Path(opts.out_dir), Path(opts.processed_dir)
    report, prepared, validation_page = validate_step(opts, log)
    if not report.success:
        raise ValidationFailed("validation failed: nothing was built; the last good processed data "
                               "and papers are unchanged", report)
    table, provenance = prepared
    area = parameters.resolve_area(table, opts.area)  # parameters are checked before anything is written
    parameters.check_period_has_data(table, area, parameters.period(opts.period))
    provenance["validation"] = {"success": report.success, "checked": report.checked}
    provenance["raw_dir"] = Path(opts.raw_dir).name  # folder name only: no machine paths in outputs
    provenance["code"] = code_version()
    _add_retrieval_dates(provenance, Path(opts.raw_dir))
    previous = read_previous(processed_dir)
    provenance["revisions"] = build_revisions(previous, table)
    # stage the processed data too, so a failed render leaves the last good processed data in place
    staged_processed = processed_dir / ".staging"
    shutil.rmtree(staged_processed, ignore_errors=True)
    write_processed(table, provenance, staged_processed)
    log(f"Prepared {len(table):,} rows for {table['indicator'].nunique()} indicators "
        f"({'demonstration data' if provenance['demo'] else 'supplied data'}); "
        f"{len(provenance['vintage_revisions'])} value(s) revised between deliveries"
        + (f", {provenance['revisions']['count']} change(s) since the last build." if previous is not None else "."))

    specs = paper_specs(opts, staged_processed, area.name)
    staging = out_dir / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    executed = processed_dir / "executed"
    errors = _render_all(specs, executed, staging, opts.jobs, log)
    if errors:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(staged_processed, ignore_errors=True)
        raise RenderError("\n".join(errors) + "\nNo papers were published; the previous papers are unchanged.")
    (staging / "validation.html").write_text(validation_page, encoding="utf-8")
    (staging / "revisions.html").write_text(revisions_page(provenance, area.name), encoding="utf-8")
    (staging / "index.html").write_text(
        index_html([(f"{s.slug}.html", s.title, s.description) for s in specs], provenance, parameters.meeting_date(opts.meeting_date)),
        encoding="utf-8")
    (staging / "accessibility.html").write_text(accessibility_html(provenance), encoding="utf-8")
    (staging / "build.json").write_text(json.dumps(
        {"cypp_version": __version__, "papers": [s.slug + ".html" for s in specs],
         "demo": provenance["demo"], "raw_files": provenance["files"]}, indent=2, sort_keys=True), encoding="utf-8")
    for f in staged_processed.iterdir():
        os.replace(f, processed_dir / f.name)
    staged_processed.rmdir()
    published = []
    for f in sorted(staging.iterdir()):
        os.replace(f, out_dir / f.name)
        published.append(out_dir / f.name)
    staging.rmdir()
    log(f"Built {len(specs)} papers in {time.perf_counter() - t0:.1f} s: open {out_dir / 'index.html'}")
    return published


def _add_retrieval_dates(provenance: dict, raw_dir: Path) -> None:
    """Copy each file's download date from `cypp fetch`'s fetch-record.json, when there is one."""
    record = raw_dir / "fetch-record.json"
    if not record.is_file():
        return
    try:
        entries = {e["path"]: e for e in json.loads(record.read_text(encoding="utf-8")).get("files", [])}
    except (ValueError, KeyError, TypeError, AttributeError):
        provenance["warnings"].append("fetch-record.json could not be read; download dates are not shown.")
        return
    for f in provenance["files"]:
        e = entries.get(f["file"])
        if e and e.get("sha256") == f["sha256"]:  # only when the file is the one downloaded
            f["retrieved"] = str(e.get("retrieved_at", ""))[:10]


def _render_all(specs, executed: Path, staging: Path, jobs: int, log) -> list[str]:
    args = (specs, [str(executed)] * len(specs), [str(staging)] * len(specs))
    if jobs == 1:
        return _collect(map(render_paper, *args), log)
    with ProcessPoolExecutor(max_workers=min(jobs, len(specs)), mp_context=get_context("spawn")) as pool:
        return _collect(pool.map(render_paper, *args), log)


def _collect(results, log) -> list[str]:
    """Log each paper as it finishes; return the error messages of those that failed."""
    errors = []
    for slug, err in results:
        log(f"  {slug}: {'FAILED' if err else 'done'}")
        if err:
            errors.append(err)
    return errors

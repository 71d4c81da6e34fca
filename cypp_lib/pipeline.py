"""The build: validate raw data -> prepare the processed table -> execute and render papers ->
publish them with an index. Nothing is published unless every step succeeds: papers are written
to a staging folder and moved into the output folder only at the end; a failure leaves the last
good processed data and papers in place.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from cypp_lib import __version__, fingerprint, parameters, paths, scheduler
from cypp_lib._version import code_version
from cypp_lib.cache import Cache, read_json
from cypp_lib.catalogue import load_catalogue
from cypp_lib.document import mark_not_for_publication
from cypp_lib.errors import ParameterError, PublicationRefused, RenderError, ValidationFailed
from cypp_lib.geography import NEIGHBOUR_MODELS
from cypp_lib.paths import NOTEBOOKS
from cypp_lib.render import PaperSpec
from cypp_lib.scheduler import run_papers
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
    suppression: bool = True  # False: internal working papers without disclosure control (NOT FOR PUBLICATION)


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


def paper_specs(opts: BuildOptions, processed_dir: Path, area_name: str | None = None,
                chart_cache: Path | None = None, new_charts: Path | None = None) -> list[PaperSpec]:
    """One spec per paper. Parameter values are checked (ParameterError) before any notebook runs."""
    cat = load_catalogue()
    area = area_name or opts.area
    common = {"area": area, "period": opts.period, "neighbour_model": opts.neighbour_model,
              "meeting_date": parameters.meeting_date(opts.meeting_date), "suppression": bool(opts.suppression)}
    # folders reach the kernels through the environment, so executed notebooks hold no machine paths
    env = {"CYPP_PROCESSED_DIR": str(processed_dir.resolve()), "CYPP_RAW_DIR": str(Path(opts.raw_dir).resolve())}
    if chart_cache is not None:  # charts drawn by one paper are reused by the next (cypp_lib/report/charts.py)
        env["CYPP_CHART_CACHE"] = str(Path(chart_cache).resolve())
    if new_charts is not None:  # charts this build draws, moved into the cache once validation has passed
        env["CYPP_CHART_NEW"] = str(Path(new_charts).resolve())
    a = slugify(area)
    chosen = parameters.priorities(opts.priorities, cat.priorities)

    def charts(priorities, per_indicator):  # a trend chart (and a neighbour chart) per statistic
        return per_indicator * sum(1 for i in cat if i.priority in priorities and i.is_statistic)

    specs = [PaperSpec(f"{a}-overview", "overview.ipynb", f"Needs analysis overview: {area}", common,
                       PAPER_DESCRIPTIONS["overview"], env, charts([0], 2))]
    for p, name in sorted(cat.priorities.items()):
        specs.append(PaperSpec(f"{a}-priority-{p}", "priority.ipynb", f"Priority {p}: {name} ({area})",
                               {**common, "priority": p},
                               PAPER_DESCRIPTIONS.get(f"priority-{p}", PAPER_DESCRIPTIONS["priority"]), env,
                               charts([p], 2)))
    specs.append(PaperSpec(f"{a}-annual-report", "annual_report.ipynb", f"Annual report: {area}",
                           {**common, "priorities": chosen},
                           PAPER_DESCRIPTIONS["annual_report"]
                           + ("" if chosen == sorted(cat.priorities) else f" Priorities {', '.join(map(str, chosen))}."),
                           env, len(chosen)))  # its own charts: a spine chart per priority; its trend and
    # neighbour charts are the priority papers', so it is scheduled after them and reads those from the
    # chart cache (demo data, 2 jobs: it executes in 2.2 s instead of 8.2 s; builds 13.7 s instead of 14.1 s,
    # means of 6 alternating pairs, within this machine's noise)
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
    if not opts.suppression and Path(opts.out_dir).resolve() == paths.OUTPUTS.resolve():
        raise ParameterError(f"--no-suppression: papers without disclosure control are NOT FOR PUBLICATION, so "
                             f"they are never written into outputs/, the folder that is published; use the "
                             f"default (--out {paths.INTERNAL.name}/) or another folder")


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
    """Run the whole pipeline. Returns the published files.

    Each step is skipped when nothing it depends on changed (cypp_lib/cache.py): the whole build
    when the raw files, library, notebooks and options are those of the last build and its
    outputs are intact; validation and preparation when the raw files and library are
    unchanged; a paper's execution when its notebook, data, parameters and library are.
    """
    check_options(opts)
    t0 = time.perf_counter()
    out_dir, processed_dir = Path(opts.out_dir), Path(opts.processed_dir)
    cache = Cache(processed_dir / ".cache")
    raw_fp = fingerprint.tree(Path(opts.raw_dir))
    inputs = fingerprint.digest("build", raw_fp, fingerprint.code(), fingerprint.tree(NOTEBOOKS),
                                _options(opts))
    last = read_json(out_dir / RUN_RECORD)
    if last and last.get("inputs") == inputs and _intact(out_dir, last.get("outputs", {})):
        log(f"Nothing changed since the last build ({len(last.get('papers', []))} papers up to date in "
            f"{out_dir}): no validation, preparation or execution. {time.perf_counter() - t0:.2f} s.")
        return sorted(out_dir / name for name in last["outputs"])
    if opts.jobs > 1:
        scheduler.warm_workers()  # papermill and nbconvert imported once, also on the other core
    with kernel_server():  # warms up on the other core while the data are read and prepared
        return _build(opts, log, t0, cache, raw_fp, inputs)


def kernel_server():
    """The warm kernel server papers' kernels are forked from (cypp_lib/kernels.py), or nothing
    where forking is unavailable or CYPP_KERNELS=plain."""
    import contextlib

    from cypp_lib import kernels

    if not kernels.available():
        return contextlib.nullcontext()
    preload = kernels.notebook_imports(sorted(NOTEBOOKS.glob("*.ipynb"))) + REPORT_MODULES
    env = {k: os.environ.get(k, v) for k, v in (("MPLBACKEND", "Agg"), ("SOURCE_DATE_EPOCH", "0"))}
    return kernels.KernelServer(preload, NOTEBOOKS, env)


# what the notebooks' kernels import while a paper runs, besides the notebooks' own imports
REPORT_MODULES = ["cypp_lib.report.charts", "cypp_lib.report.appendix", "cypp_lib.report.spine",
                  "cypp_lib.report.equity", "cypp_lib.report.send", "cypp_lib.report.participation"]


def _build(opts: BuildOptions, log, t0: float, cache: Cache, raw_fp: str, inputs: str) -> list[Path]:
    out_dir, processed_dir = Path(opts.out_dir), Path(opts.processed_dir)
    pkey = fingerprint.digest("prepared", raw_fp, fingerprint.code(), opts.area)
    table, provenance, validation = _prepared(opts, cache, pkey, log)
    area = parameters.resolve_area(table, opts.area)  # parameters are checked before anything is written
    parameters.check_period_has_data(table, area, parameters.period(opts.period))
    provenance["code"] = code_version()
    previous_meta = read_json(processed_dir / "provenance.json")
    if previous_meta and previous_meta.get("prepared") == pkey:  # the same data as last time
        provenance["revisions"] = {**previous_meta.get("revisions", {}), "count": 0, "rows": [], "by_change": {},
                                   "compared": True}
    else:
        from cypp_lib.prepare import read_previous
        from cypp_lib.revisions import build_revisions

        provenance["revisions"] = build_revisions(read_previous(processed_dir), table)
    # stage the processed data too, so a failed render leaves the last good processed data in place
    from cypp_lib.prepare import write_processed

    staged_processed = processed_dir / ".staging"
    shutil.rmtree(staged_processed, ignore_errors=True)
    write_processed(table, provenance, staged_processed)

    charts = cache.charts_dir(fingerprint.code())
    new_charts = processed_dir / ".staging-charts"
    shutil.rmtree(new_charts, ignore_errors=True)
    specs = paper_specs(opts, staged_processed, area.name, charts, new_charts)
    staging = out_dir / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    keys = {s.slug: _paper_key(s, pkey, provenance) for s in specs}
    results = {}
    todo = []
    for s in specs:
        hit = cache.paper(keys[s.slug])
        if hit:
            shutil.copyfile(hit, staging / f"{s.slug}.html")
            results[s.slug] = {"status": "cached", "seconds": 0.0}
        else:
            todo.append(s)
    log(f"Papers: {len(specs) - len(todo)} unchanged (from the cache), {len(todo)} to execute"
        + (f" with {min(opts.jobs, len(todo))} job(s)" if todo else "") + ".")
    from cypp_lib.values import values_for_build, write_values

    values = []

    def meanwhile():  # the build's own work, on this process's core while the papers execute
        validation.finish()  # Great Expectations, when the data are not from the cache
        values.append(values_for_build(staged_processed, area.name, opts.period, opts.neighbour_model, opts.raw_dir,
                                        opts.suppression))

    # executed notebooks are staged too: papers may run before validation has passed
    executed, staged_executed = processed_dir / "executed", processed_dir / ".staging-executed"
    shutil.rmtree(staged_executed, ignore_errors=True)
    from cypp_lib import outputscan

    extra = _scan_extra(opts, staged_processed)
    scanned = {}  # each page's publication scan, done in its worker as it finishes (reused if unchanged)
    try:
        errors = run_papers(todo, staged_executed, staging, opts.jobs, log, results, meanwhile=meanwhile,
                            check=functools.partial(outputscan.scan_file, extra=extra), checked=scanned)
    except BaseException:  # validation failed (or was interrupted): nothing is kept, cached or published
        for folder in (staging, staged_processed, staged_executed, new_charts):
            shutil.rmtree(folder, ignore_errors=True)
        raise
    _keep(staged_executed, executed)  # validation passed: they are for the analyst to read
    _keep(new_charts, charts)  # and the charts drawn are safe to reuse
    for s in todo:
        if results[s.slug]["status"] == "executed":
            cache.store_paper(keys[s.slug], staging / f"{s.slug}.html")
    if errors:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(staged_processed, ignore_errors=True)
        ok = [s for s in results if results[s]["status"] != "failed"]
        errors = [e.replace(str(staged_executed), str(executed)) for e in errors]  # where they are kept now
        raise RenderError("\n\n".join(errors) + f"\n\n{len(errors)} of {len(specs)} papers failed. Nothing was "
                          f"published: the previous papers in {out_dir} and the processed data are unchanged. "
                          + (f"The {len(ok)} papers that built are cached and will not be executed again."
                             if ok else ""))
    write_values(values[0], staging / "values.csv")  # what the papers state, for `cypp diff OLD NEW`
    (staging / "validation.html").write_text(validation.page, encoding="utf-8")
    (staging / "revisions.html").write_text(_revisions_page(provenance, area.name, opts.suppression),
                                                encoding="utf-8")
    (staging / "index.html").write_text(
        index_html([(f"{s.slug}.html", s.title, s.description) for s in specs], provenance,
                   parameters.meeting_date(opts.meeting_date)), encoding="utf-8")
    (staging / "accessibility.html").write_text(accessibility_html(provenance), encoding="utf-8")
    if not opts.suppression:  # every page of an internal build says so, in its title and at the top
        for f in staging.glob("*.html"):
            f.write_text(mark_not_for_publication(f.read_text(encoding="utf-8")), encoding="utf-8")
    _check_publishable(staging, opts, staged_processed, extra, scanned)
    outputs = {f.name: fingerprint.file_digest(f) for f in sorted(staging.iterdir())}
    for f in staged_processed.iterdir():
        os.replace(f, processed_dir / f.name)
    staged_processed.rmdir()
    published = []
    for f in sorted(staging.iterdir()):
        os.replace(f, out_dir / f.name)
        published.append(out_dir / f.name)
    staging.rmdir()
    seconds = time.perf_counter() - t0
    record = {"cypp_version": __version__, "code": provenance["code"], "inputs": inputs, "prepared": pkey,
              "demo": provenance["demo"], "area": area.name, "options": _options(opts),
              "papers": [{"file": f"{s.slug}.html", "title": s.title, **results[s.slug]} for s in specs],
              "outputs": outputs, "raw_files": provenance["files"], "seconds": round(seconds, 2)}
    (out_dir / RUN_RECORD).write_text(json.dumps(record, indent=2, sort_keys=True), encoding="utf-8")
    published.append(out_dir / RUN_RECORD)
    log(summary_table(record, out_dir))
    log(f"Built {len(specs)} papers in {seconds:.1f} s: open {out_dir / 'index.html'}")
    return sorted(published)


RUN_RECORD = "build.json"


def _scan_extra(opts: BuildOptions, staged_processed: Path) -> tuple[str, ...]:
    """The build's own folders, which no published file may name (besides outputscan's own list)."""
    folders = [opts.raw_dir, opts.out_dir, opts.processed_dir, staged_processed]
    return tuple(str(Path(f).resolve()) for f in folders)


def _check_publishable(staging: Path, opts: BuildOptions, staged_processed: Path, extra: tuple[str, ...],
                       scanned: dict | None = None) -> None:
    """The last gate before anything is published (cypp_lib/outputscan.py): no machine path,
    user or host name, stack trace, terminal code or personal identifier in any staged file or
    CSV download. Disclosure control and validation should make this never fire; if it does,
    nothing is published and the findings are listed (identifiers by kind only). `scanned`
    (slug -> outputscan.Scanned): pages already scanned in their workers; any file whose bytes
    differ from those scanned (and every other file) is scanned here."""
    from cypp_lib.outputscan import scan

    leaks = scan(staging, extra=extra, scanned={f"{slug}.html": s for slug, s in (scanned or {}).items()})
    if leaks:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(staged_processed, ignore_errors=True)
        shown = "\n".join(f"  - {leak}" for leak in leaks[:20]) + (
            f"\n  ... and {len(leaks) - 20} more" if len(leaks) > 20 else "")
        raise PublicationRefused(
            f"nothing was published: {len(leaks)} thing(s) that must never be published were found in the "
            f"papers about to be published (personal identifiers are shown by kind only):\n{shown}\n"
            f"The previous papers in {opts.out_dir} and the processed data are unchanged.")


def _keep(staged: Path, folder: Path) -> None:
    """Move what this build staged (executed notebooks, charts drawn) into `folder`, once
    validation has passed (files of cached papers stay as they are)."""
    if staged.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        for f in staged.iterdir():
            os.replace(f, folder / f.name)
        staged.rmdir()


def _options(opts: BuildOptions) -> dict:
    return {"area": opts.area, "period": str(opts.period), "neighbour_model": opts.neighbour_model,
            "meeting_date": parameters.meeting_date(opts.meeting_date), "priorities": str(opts.priorities),
            "raw_dir": Path(opts.raw_dir).name, "suppression": bool(opts.suppression)}


def _intact(out_dir: Path, outputs: dict) -> bool:
    """Every file the last build published is still there, unchanged."""
    return bool(outputs) and all((out_dir / n).is_file() and fingerprint.file_digest(out_dir / n) == h
                                 for n, h in outputs.items())


@dataclass
class Validation:
    """This build's validation: already passed (data from the cache) or still to run. `finish()`
    runs Great Expectations on a plan whose data is already prepared (the build calls it while the
    papers execute), raises ValidationFailed when a check fails, and stores the validated data in
    the cache only then. Nothing is cached or published before it has passed."""

    page: str = ""  # the validation page (HTML), known once validation has run
    plan: object = None  # validation.Plan still to run, or None
    store: object = None  # callable(report, page): cache the prepared data once validation passed
    log: object = print

    def finish(self) -> None:
        if self.plan is None:
            return
        from cypp_lib.validation import report_html, run_plan

        plan, self.plan = self.plan, None
        report = run_plan(plan)
        self.log(report.summary())
        self.page = report_html(report)
        if not report.success:
            raise ValidationFailed("validation failed: nothing was built; the last good processed data "
                                   "and papers are unchanged", report)
        if self.store is not None:  # None when preparation failed: nothing to cache
            self.store(report, self.page)


def _prepared(opts: BuildOptions, cache: Cache, pkey: str, log):
    """(table, provenance, Validation). From the cache when the raw files and library are
    unchanged (validation already passed); else the raw files are read, their expectations
    planned and the data prepared, and Great Expectations is left to run (Validation.finish)
    while the papers execute. If preparation fails, validation runs first: a file that fails
    its checks is reported as such, not as the error it caused downstream."""
    import pandas as pd

    entry = cache.prepared_dir(pkey)
    if entry is not None:
        provenance = json.loads((entry / "provenance.json").read_text(encoding="utf-8"))
        log((entry / "summary.txt").read_text(encoding="utf-8"))
        log("Raw files and library unchanged since an earlier build: validation and preparation reused.")
        return (pd.read_parquet(entry / "indicators.parquet"), provenance,
                Validation(page=(entry / "validation.html").read_text(encoding="utf-8")))
    from cypp_lib.prepare import prepare
    from cypp_lib.validation import plan_raw

    catalogue = load_catalogue()
    plan = plan_raw(opts.raw_dir, catalogue, opts.area)
    pending = Validation(plan=plan, log=log)
    if not plan.report.success:  # unreadable files or columns the catalogue needs are missing
        pending.finish()
    try:
        table, provenance = prepare(opts.raw_dir, catalogue, plan.raw_set)
    except Exception:
        pending.finish()  # raises ValidationFailed when the files fail their checks
        raise
    plan.report.warnings += [w for w in provenance["warnings"] if w not in plan.report.warnings]
    provenance["validation"] = {"success": True, "checked": plan.checked_if_passed}
    provenance["raw_dir"] = Path(opts.raw_dir).name  # folder name only: no machine paths in outputs
    provenance["prepared"] = pkey
    _add_retrieval_dates(provenance, Path(opts.raw_dir))
    log(f"Prepared {len(table):,} rows for {table['indicator'].nunique()} indicators "
        f"({'demonstration data' if provenance['demo'] else 'supplied data'}); "
        f"{len(provenance['vintage_revisions'])} value(s) revised between deliveries.")

    def store(report, page):
        import io

        buf = io.BytesIO()
        table.to_parquet(buf, index=False)
        cache.store_prepared(pkey, {"indicators.parquet": buf.getvalue(), "summary.txt": report.summary(),
                                    "provenance.json": json.dumps(provenance, indent=2, sort_keys=True),
                                    "validation.html": page})

    pending.store = store
    return table, provenance, pending


def _paper_key(spec: PaperSpec, pkey: str, provenance: dict) -> str:
    """What a paper's bytes depend on: the prepared data, its notebook, its parameters (not the
    machine paths), the library and the package versions. Not the git commit or the revisions
    since the last build, which the papers do not show."""
    params = {k: v for k, v in spec.parameters.items() if k not in ("processed_dir", "raw_dir")}
    return fingerprint.digest("paper", pkey, fingerprint.code(), spec.notebook, spec.title, params,
                              fingerprint.file_digest(NOTEBOOKS / spec.notebook), provenance.get("raw_dir"))


def _revisions_page(provenance: dict, area: str, suppression: bool = True) -> str:
    from cypp_lib.revisions import page

    cat = load_catalogue()
    withheld = frozenset(i.id for i in cat.statistics() if suppression and cat.disclosure_rules[i.disclosure].hides)
    return page(provenance, area, withheld)


def summary_table(record: dict, out_dir: Path) -> str:
    """The build summary: one line per paper (cached or executed, time, where it went)."""
    lines = ["", f"  {'paper':<34} {'status':<9} {'seconds':>7}  file"]
    for p in record["papers"]:
        lines.append(f"  {p['title'][:34]:<34} {p['status']:<9} {p.get('seconds', 0):>7.1f}  {out_dir / p['file']}")
    return "\n".join(lines) + "\n"


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

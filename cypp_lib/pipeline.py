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

from cypp_lib import __version__
from cypp_lib.catalogue import load_catalogue
from cypp_lib.errors import ParameterError, RenderError, ValidationFailed
from cypp_lib.geography import NEIGHBOUR_MODELS
from cypp_lib.render import PaperSpec, render_paper


@dataclass
class BuildOptions:
    raw_dir: Path
    out_dir: Path
    processed_dir: Path
    area: str = "Lewisham"
    period: str = "latest"
    neighbour_model: str = "2025"
    meeting_date: str = ""
    jobs: int = 2


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def paper_specs(opts: BuildOptions, processed_dir: Path) -> list[PaperSpec]:
    cat = load_catalogue()
    common = {"area": opts.area, "period": opts.period, "neighbour_model": opts.neighbour_model,
              "meeting_date": opts.meeting_date, "processed_dir": str(processed_dir.resolve()),
              "raw_dir": str(Path(opts.raw_dir).resolve())}
    a = slugify(opts.area)
    specs = [PaperSpec(f"{a}-overview", "overview.ipynb", f"Needs analysis overview: {opts.area}", common)]
    for p, name in sorted(cat.priorities.items()):
        specs.append(PaperSpec(f"{a}-priority-{p}", "priority.ipynb", f"Priority {p}: {name} ({opts.area})",
                               {**common, "priority": p}))
    specs.append(PaperSpec(f"{a}-annual-report", "annual_report.ipynb", f"Annual report: {opts.area}",
                           {**common, "priorities": sorted(cat.priorities)}))
    return specs


def check_options(opts: BuildOptions) -> None:
    if opts.neighbour_model not in NEIGHBOUR_MODELS:
        raise ParameterError(f"--neighbours {opts.neighbour_model!r}: use one of {', '.join(NEIGHBOUR_MODELS)}")
    if opts.period != "latest" and not str(opts.period).isdigit():
        raise ParameterError(f"--period {opts.period!r}: use 'latest' or the year a period ends in, e.g. 2024")
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
    provenance["validation"] = {"success": report.success, "checked": report.checked}
    provenance["raw_dir"] = Path(opts.raw_dir).name  # folder name only: no machine paths in outputs
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

    specs = paper_specs(opts, staged_processed)
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
    (staging / "revisions.html").write_text(revisions_page(provenance, opts.area), encoding="utf-8")
    (staging / "index.html").write_text(index_html(specs, provenance), encoding="utf-8")
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


def index_html(specs: list[PaperSpec], provenance: dict) -> str:
    from html import escape

    items = "".join(f'<li><a href="{escape(s.slug)}.html">{escape(s.title)}</a></li>' for s in specs)
    banner = ('<div class="banner" role="note"><p>Demonstration data: these papers were built from cypp\'s '
              'synthetic demonstration data set. The numbers are invented and are not official statistics.</p></div>'
              if provenance.get("demo") else "")
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Children and Young People's Plan: board papers</title>
<style>body{{font-family:system-ui,Arial,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#0b0c0c;line-height:1.5}}
a{{color:#1d70b8}}.banner{{border:4px solid #d4351c;background:#fff4f2;padding:.5rem 1rem;font-weight:600}}
.skip{{position:absolute;left:-999px}}.skip:focus{{left:.5rem;background:#ffdd00}}</style></head>
<body><a class="skip" href="#main">Skip to main content</a>
<main id="main"><h1>Children and Young People's Plan 2019-22: board papers</h1>{banner}
<p>Needs-analysis papers for the Children and Young People's Strategic Partnership Board, produced by cypp {escape(__version__)}.</p>
<h2>Papers</h2><ul>{items}</ul>
<h2>Data quality</h2><ul><li><a href="validation.html">Data validation report</a></li>
<li><a href="revisions.html">Revisions: what later deliveries changed</a></li></ul>
</main></body></html>
"""

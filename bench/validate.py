"""Benchmark section `validate`: Great Expectations validation of every raw file, on the demo
data and (when ../shared is present) the real published files.

Measured in one run of this script: the GX import (in a fresh interpreter, as `cypp validate`
pays it), then for each data set `validate_raw` (one GX context for all files: what cypp does)
against a baseline that gives every file its own context (what a per-file loop would do), best
of `repeat` calls after one warm-up. Reading the files is included in both.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from cypp_lib import paths


def _import_seconds() -> float:
    code = "import time; t = time.perf_counter(); import great_expectations; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _one_context_per_file(raw_dir: Path) -> None:
    from cypp_lib import validation
    from cypp_lib.catalogue import load_catalogue

    original = validation._run

    def per_file(runs, registry, report):
        for run in runs:
            original([run], registry, report)
        return report

    validation._run = per_file
    try:
        validation.validate_raw(raw_dir, load_catalogue())
    finally:
        validation._run = original


def _best(fn, repeat: int) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_validate(repeat: int = 3) -> dict:
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    from cypp_lib.catalogue import load_catalogue
    from cypp_lib.demo import generate
    from cypp_lib.validation import validate_raw

    res = {"when": datetime.now().strftime("%Y-%m-%d %H:%M"), "repeat": repeat, "import_s": _import_seconds(),
           "sets": []}
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        generate(demo)
        sets = [("demo", demo)] + ([("real", paths.SHARED_PUBLIC)] if paths.SHARED_PUBLIC.is_dir() else [])
        for name, raw in sets:
            report, raw_set = validate_raw(raw, load_catalogue())
            rows = sum(len(r.frame) for r in raw_set.inputs.values())
            one = _best(lambda raw=raw: validate_raw(raw, load_catalogue()), repeat)
            per = _best(lambda raw=raw: _one_context_per_file(raw), repeat)
            res["sets"].append({"name": name, "files": len(report.checked), "rows": rows,
                                "checks": sum(c["expectations"] for c in report.checked),
                                "success": report.success, "one_context_s": one, "per_file_s": per})
    return res


def table(res: dict) -> str:
    lines = [f"GX import (fresh interpreter): {res['import_s']:.2f} s",
             f"{'data':6} {'files':>5} {'rows':>9} {'checks':>6} {'one context':>12} {'per file':>9} {'ratio':>6}"]
    for s in res["sets"]:
        lines.append(f"{s['name']:6} {s['files']:>5} {s['rows']:>9,} {s['checks']:>6} {s['one_context_s']:>10.2f} s "
                     f"{s['per_file_s']:>7.2f} s {s['one_context_s'] / s['per_file_s']:>6.2f}")
    return "\n".join(lines)


def markdown(res: dict) -> str:
    import os
    import platform

    out = ["## Validation: all raw files, one Great Expectations context", "",
           f"Run {res['when']} on {platform.system()} {platform.machine()}, {os.cpu_count()} cores; "
           f"Python {platform.python_version()}.", "",
           "| data | files | rows | checks | `validate_raw` (one context) | one context per file | ratio |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for s in res["sets"]:
        out.append(f"| {s['name']} | {s['files']} | {s['rows']:,} | {s['checks']} | {s['one_context_s']:.2f} s | "
                   f"{s['per_file_s']:.2f} s | {s['one_context_s'] / s['per_file_s']:.2f} |")
    out += ["", f"- Importing Great Expectations in a fresh interpreter: {res['import_s']:.2f} s; `cypp validate` "
            "pays it once, then the times above.",
            f"- Best of {res['repeat']} calls after a warm-up, in one process; reading the CSV files is included. "
            "The baseline runs the same expectations but creates a context, data source and suite store per file.",
            "- `demo` is the generated demonstration set; `real` is ../shared/data/public (all files the catalogue "
            "names; local extracts are absent there)."]
    return "\n".join(out)

"""Benchmark measurement (f) of section `build`: the papers' own work, without any machinery.

Every paper's code cells run in one Python process, one paper after another, after the imports
(untimed): no kernel, no papermill, no nbconvert, no validation, no preparation (the processed
folder of the benchmark's setup build is read). The parameters a build would inject follow each
notebook's `parameters` cell; what a cell displays is rendered as a kernel would render it
(`_repr_html_`), so the charts are drawn and encoded and the tables written. Charts go to a fresh
chart cache, so a chart that several papers show is drawn once, as in a build.

The total is the CPU a build cannot avoid spending on the papers themselves on this machine:
divided by the cores, it is the least time any build could execute them in, however it starts
its kernels. Run as a script by bench/build.py: `python bench/work.py SPEC.json`.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import tempfile
import time
from pathlib import Path

#: What the papers import while they run (the notebooks' own imports come with their first cell).
IMPORTS = ("cypp_lib.report", "cypp_lib.report.charts", "cypp_lib.report.appendix", "cypp_lib.report.spine",
           "cypp_lib.report.equity", "cypp_lib.report.send", "cypp_lib.report.participation",
           "cypp_lib.catalogue", "IPython.display")


def _render(shown: list, obj) -> None:
    for method in ("_repr_html_", "_repr_markdown_"):
        if hasattr(obj, method):
            shown.append(getattr(obj, method)())
            return
    shown.append(repr(obj))


def run_cells(notebook: Path, parameters: dict, shown: list) -> None:
    """Execute a notebook's code cells in a fresh namespace, `parameters` after its parameters
    cell; a cell's last expression is displayed, as IPython does."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    ns: dict = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        tree = ast.parse(src)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, str(notebook), "exec"), ns)  # noqa: S102 (the project's own notebooks)
        if "parameters" in (cell.get("metadata", {}).get("tags") or []):
            ns.update(parameters)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), str(notebook), "eval"), ns)  # noqa: S307
            if value is not None:
                _render(shown, value)


def main(spec_file: str) -> None:
    import importlib

    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    os.environ.update(spec["env"])
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["CYPP_CHART_CACHE"] = tempfile.mkdtemp(prefix="cypp-bench-charts-")
    os.environ.pop("CYPP_CHART_NEW", None)
    for name in IMPORTS:
        importlib.import_module(name)
    import IPython.display

    shown: list = []
    IPython.display.display = lambda *objs, **_: [_render(shown, o) for o in objs]
    os.chdir(spec["cwd"])
    papers = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for paper in spec["papers"]:
        t0, c0 = time.perf_counter(), time.process_time()
        run_cells(Path(paper["notebook"]), paper["parameters"], shown)
        papers.append({"slug": paper["slug"], "seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0})
    result = {"seconds": time.perf_counter() - wall0, "cpu": time.process_time() - cpu0, "papers": papers,
              "html_bytes": sum(len(s) for s in shown)}
    Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/work.py SPEC.json   (bench/build.py runs it)")
    main(sys.argv[1])

"""Execute a paper notebook with papermill and render it to HTML with nbconvert (as libraries).

Output is made reproducible: fixed cell ids, no papermill/execution timestamps, a fixed title,
SOURCE_DATE_EPOCH for any date the kernel would stamp. Executed notebooks (with full detail,
for debugging) are kept beside the processed data, never in the published outputs.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from cypp_lib import __version__
from cypp_lib.errors import RenderError
from cypp_lib.kernels import kernel_manager_class
from cypp_lib.paths import NOTEBOOKS, TEMPLATES


@dataclass(frozen=True)
class PaperSpec:
    slug: str  # output file stem, e.g. "lewisham-priority-1"
    notebook: str  # file in notebooks/
    title: str
    parameters: dict = field(default_factory=dict)
    description: str = ""  # one line for the index
    env: dict = field(default_factory=dict)  # environment for the kernel (CYPP_PROCESSED_DIR, CYPP_RAW_DIR)
    charts: int = 0  # how many charts it will draw, roughly: its cost, for scheduling before it is timed


def execute_notebook(spec: PaperSpec, executed_dir: Path):
    """Run the notebook with its parameters; returns the executed notebook node."""
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    os.environ.setdefault("MPLBACKEND", "Agg")
    executed_dir.mkdir(parents=True, exist_ok=True)
    out_path = executed_dir / f"{spec.slug}.ipynb"
    # a kernel forked from the build's warm server when there is one; encrypted either way
    manager = kernel_manager_class()
    try:
        nb = pm.execute_notebook(
            str(NOTEBOOKS / spec.notebook), str(out_path), parameters=spec.parameters,
            kernel_name="python3", progress_bar=False, log_output=False, record_timing=False,
            cwd=str(NOTEBOOKS), shutdown_kernel="immediate", report_mode=False,
            request_save_on_cell_execute=False,  # written once at the end (and on failure), not per cell
            kernel_manager_class=manager,
        )
    except PapermillExecutionError as exc:
        raise RenderError(
            f"paper '{spec.slug}' ({spec.notebook}): cell {exc.exec_count} failed with "
            f"{exc.ename}: {exc.evalue}\n  the executed notebook is kept at {out_path}") from None
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nb.metadata.pop("papermill", None)
    nb.metadata["title"] = spec.title
    nb.metadata["cypp"] = {"version": __version__}
    nbformat.write(nb, out_path)
    return nb


@functools.cache  # one class per process (nbconvert imported only when a paper is rendered)
def paper_exporter_class():
    """nbconvert's HTMLExporter without its BeautifulSoup pass over the rendered page.

    That pass (nbconvert 7) parses and re-serialises the whole page, a paper's charts included
    (0.15 s for a 3 MB paper), only to give `<img>` elements without `alt` a placeholder and to make
    JupyterLab cell wrappers focusable. The cypp template gives every image its alt text and has no
    JupyterLab wrappers, so the pass changes nothing but the serialisation: the pages are the same
    document (tests/test_pipeline.py compares both exporters' output as parsed trees)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PaperExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to its template render, then return (no soup)
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PaperExporter


def paper_exporter(exporter_class=None):
    """The exporter for papers: the cypp template, no code, no prompts, British English."""
    cls = exporter_class or paper_exporter_class()
    exporter = cls(template_name="cypp", extra_template_basedirs=[str(TEMPLATES)],
                   exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.language_code = "en-GB"
    return exporter


def notebook_to_html(nb) -> str:
    """Render an executed notebook to self-contained HTML with no code shown."""
    from cypp_lib.document import finish

    body, _ = paper_exporter().from_notebook_node(nb)
    return finish(body)


def render_paper(spec: PaperSpec, executed_dir: str, staging_dir: str) -> tuple[str, str | None, float]:
    """Worker entry point: returns (slug, error message or None, seconds). Writes staging/<slug>.html."""
    import time

    t0 = time.perf_counter()
    before = {k: os.environ.get(k) for k in spec.env}
    os.environ.update(spec.env)  # the kernel inherits it (and is put back after: a worker may be this process)
    try:
        nb = execute_notebook(spec, Path(executed_dir))
        html = notebook_to_html(nb)
        Path(staging_dir, f"{spec.slug}.html").write_text(html, encoding="utf-8")
        return spec.slug, None, time.perf_counter() - t0
    except RenderError as exc:
        return spec.slug, str(exc), time.perf_counter() - t0
    except Exception as exc:  # keep other papers building; report this one clearly
        return spec.slug, f"paper '{spec.slug}' ({spec.notebook}): {type(exc).__name__}: {exc}", time.perf_counter() - t0
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

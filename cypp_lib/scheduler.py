"""Run papers in parallel worker processes while the build goes on with other work.

Papers start longest first (by the charts they draw: most of a paper's time), the usual way to
finish a batch of jobs soonest on a few cores. While they execute, the main process does the
build's own remaining work (`meanwhile`: Great Expectations validation); if that fails, papers
not yet started are cancelled and the error is raised once the running ones have stopped. Each
paper is logged as it finishes.

Workers are forked from a multiprocessing fork server that has imported papermill and nbconvert
once (`warm_workers`, called as the build starts, so the imports run on the other core while
the data are read); where there is no fork server (Windows), they are spawned and import them
each. Either way a worker takes this process's environment and working folder with each paper,
so it runs exactly as it would have here. A paper's page can be checked in its worker too
(`check`: the build's publication scan), so that work is not left for the end of the build.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

from cypp_lib.render import PaperSpec, render_paper

#: What a worker imports to execute and render a paper (preloaded by the fork server).
WORKER_MODULES = ["cypp_lib.render", "cypp_lib.kernels", "cypp_lib.document", "cypp_lib.outputscan",
                  "nbformat", "papermill", "papermill.exceptions", "jupyter_client", "nbconvert", "nbconvert.filters.highlight",
                  "nbconvert.filters.widgetsdatatypefilter"]


def worker_context():
    """The multiprocessing context for paper workers: a fork server with WORKER_MODULES
    preloaded where the platform has one, else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(WORKER_MODULES)
        return ctx
    return multiprocessing.get_context("spawn")


def warm_workers() -> None:
    """Start the fork server now, so its imports are done by the time papers are ready to run."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _in_worker(environ: dict, cwd: str, spec: PaperSpec, executed: str, staging: str, check=None):
    """render_paper in a worker, with the build's environment and working folder (a forked
    worker would otherwise have the fork server's, from when it started)."""
    os.environ.clear()
    os.environ.update(environ)
    os.chdir(cwd)
    return _render_and_check(spec, executed, staging, check)


def _render_and_check(spec: PaperSpec, executed: str, staging: str, check):
    """render_paper, then `check(page)` on the page it wrote: (slug, error, seconds, what check
    returned, or None when there is no page, no check, or the check raised: the caller then does
    that work itself)."""
    slug, err, secs = render_paper(spec, executed, staging)
    checked = None
    if err is None and check is not None:
        try:
            checked = check(Path(staging) / f"{slug}.html")
        except Exception:  # noqa: BLE001  (the build's own check, run again in the build process, reports it)
            pass
    return slug, err, secs, checked


def longest_first(specs: list[PaperSpec]) -> list[PaperSpec]:
    """Papers by how many charts they draw (most of a paper's time), most first."""
    return sorted(specs, key=lambda s: -s.charts)


def _unguarded_script_hint(exc: BaseException) -> str:
    """A hint for the commonest cause of a broken pool: a script that builds at top level, without
    `if __name__ == "__main__":`. Workers start by importing the main script (Python's rule for
    forkserver and spawn), so such a script starts building again in each worker, which stops it."""
    import sys
    from concurrent.futures.process import BrokenProcessPool

    script = getattr(sys.modules.get("__main__"), "__file__", None)
    if not isinstance(exc, BrokenProcessPool) or not script or not Path(script).is_file():
        return ""
    try:
        guarded = "__main__" in Path(script).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "" if guarded else (f". {script} builds without `if __name__ == \"__main__\":`; put the build under it "
                               "(each worker process starts by importing that script)")


def run_papers(specs: list[PaperSpec], executed: Path, staging: Path, jobs: int, log, results: dict,
               meanwhile=lambda: None, check=None, checked: dict | None = None) -> list[str]:
    """Execute and render papers, `jobs` at a time; fill results[slug] with status and seconds;
    return the error blocks of the papers that failed (the others still build). `meanwhile()` runs
    in this process while they execute; an exception from it is raised after the running papers
    stop, and papers not yet started are not run. `check(page)` (picklable) runs on each page
    written, in its worker as soon as the paper is done; its results go into checked[slug]."""
    checked = {} if checked is None else checked
    errors: list[str] = []
    lock = threading.Lock()
    done = 0

    def record(slug: str, err: str | None, secs: float, result=None) -> None:
        nonlocal done
        with lock:
            done += 1
            if result is not None:
                checked[slug] = result
            results[slug] = {"status": "failed" if err else "executed", "seconds": round(secs, 1)}
            log(f"  [{done}/{len(specs)}] {slug}: {'FAILED' if err else 'executed'} in {secs:.1f} s")
            if err:
                errors.append(err)

    ordered = longest_first(specs)
    if jobs == 1 or not specs:
        meanwhile()  # one job: the build's own work first, then the papers here
        for s in ordered:
            record(*_render_and_check(s, str(executed), str(staging), check))
        return errors

    def finished(spec: PaperSpec):
        def callback(future):
            if future.cancelled():
                return
            exc = future.exception()
            if exc is not None:  # the worker process itself died (killed, out of memory)
                record(spec.slug, f"paper '{spec.slug}' ({spec.notebook}): the worker process stopped: "
                                  f"{type(exc).__name__}: {str(exc).rstrip('.')}{_unguarded_script_hint(exc)}", 0.0)
            else:
                record(*future.result())
        return callback

    here = (dict(os.environ), os.getcwd())
    with ProcessPoolExecutor(max_workers=min(jobs, len(specs)), mp_context=worker_context()) as pool:
        futures = []
        for s in ordered:
            futures.append(pool.submit(_in_worker, *here, s, str(executed), str(staging), check))
            futures[-1].add_done_callback(finished(s))
        try:
            meanwhile()
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        wait(futures)
    return errors

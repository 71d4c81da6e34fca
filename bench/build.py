"""Benchmark section `build`: the papers of one `cypp build`, six ways, on the same demo data.

(a) naive: per paper, the `papermill` CLI then `jupyter nbconvert --to html --no-input`, one
    paper after another, against processed data prepared beforehand (untimed);
(b) cold: `cypp build --jobs 2` into fresh output and processed folders (so an empty cache);
(c) no-op: the same command again, nothing changed;
(d) touch: the same command after appending a space to the first markdown cell of
    overview.ipynb (content changes, so a content-addressed cache sees it; only the overview
    paper uses that notebook);
(e) floor: one `python3` kernel per paper that only runs the paper notebook's import lines (plus
    the modules the report imports lazily), two at a time, end to end (start, imports, shut down);
(b2) cold with CYPP_KERNELS=plain: (b) without the warm kernel server (a new kernel per paper);
(f) work: the papers' own code run in one process after its imports (bench/work.py): what any
    build must spend on the papers themselves, whatever machinery runs them.

Every build runs on a copy of the project root (CYPP_ROOT: notebooks/, expectations/,
pyproject.toml, tests/a11y/package.json) in a temporary folder, so the project is never touched.
Run alone: `.venv/bin/python bench/run.py --only build [--repeat N]`. As a script, this module is
also the floor's worker: `python bench/build.py --floor-worker SPEC.json`.
"""

from __future__ import annotations

import ast
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the venv's bin/: cypp, papermill, jupyter
JOBS = 2
AREA = "Lewisham"
TOUCHED = "overview.ipynb"
KERNEL = "python3"  # what cypp_lib/render.py passes to papermill
# the files of the project root that cypp reads through cypp_lib.paths (ROOT-relative)
ROOT_FILES = ("notebooks", "expectations", "pyproject.toml", "tests/a11y/package.json")
# imported lazily by the report while a paper runs (charts: matplotlib + seaborn; every paper has charts)
LAZY_IMPORTS = ("import cypp_lib.report.charts", "import cypp_lib.report.appendix")
SAMPLE_SECONDS = 0.2  # process-tree sampling interval (memory, kernels started)

CHANGED = ("cypp_lib changed while the benchmark ran ({}), so the builds did not all run the same code (a "
           "content-addressed cache is invalidated by such a change); run it again.")
# the lines of `cypp build`'s output that say what it skipped or did (shown with the results)
SAID = re.compile(r"^\s*(Nothing changed|Papers: |Raw files and library unchanged|Built \d+ papers)")
TARGETS = {"cold_naive": 0.35, "cold_floor": 1.5, "noop_seconds": 1.0}


class BuildBenchError(RuntimeError):
    """A build or command the benchmark needs failed (not a missed timing target)."""


# --------------------------------------------------------------------------- measuring commands


class TreeSampler(threading.Thread):
    """Samples a process tree every SAMPLE_SECONDS: the peak of the summed RSS of its processes
    (shared pages counted once per process) and the distinct Jupyter kernels it started."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_bytes, self.kernels = pid, 0, set()
        self._stop_event, self._seen = threading.Event(), {}
        self._cpu: dict[int, tuple[str, float]] = {}  # pid -> (role, user + system seconds last seen)

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds by role (as last sampled: up to SAMPLE_SECONDS of each process's end is missed)."""
        out: dict[str, float] = {}
        for role, seconds in self._cpu.values():
            out[role] = out.get(role, 0.0) + seconds
        return out

    def _role(self, p, cmd: str) -> str:
        if p.pid == self.pid:
            return "build process"
        if "ipykernel_launcher" in cmd:
            return "kernels"
        if "kernels import serve" in cmd:  # the warm server, or a kernel forked from it
            return "kernel server" if p.ppid() == self.pid else "kernels"
        return "workers and helpers"

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop_event.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    total += p.memory_info().rss
                    if p.pid not in self._seen:
                        cmd = " ".join(p.cmdline())  # a kernel, or the stand-in of a forked one
                        self._seen[p.pid] = ("ipykernel_launcher" in cmd or "_forkstub.py" in cmd, self._role(p, cmd))
                    if self._seen[p.pid][0]:
                        self.kernels.add(p.pid)
                    t = p.cpu_times()
                    self._cpu[p.pid] = (self._seen[p.pid][1], t.user + t.system)
                except psutil.Error:
                    continue
            self.peak_bytes = max(self.peak_bytes, total)
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def run_measured(cmd: list[str], env: dict, log: Path, cwd: Path | None = None) -> dict:
    """Run a command to completion: wall seconds, exit code, the largest max RSS of any single
    process in its tree (os.wait4 rusage: the command plus every descendant it reaped), the
    sampled peak of the tree's summed RSS, and how many kernels it started."""
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
        out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": seconds, "rc": proc.returncode, "maxrss_kib": usage.ru_maxrss,
            "tree_peak_kib": sampler.peak_bytes // 1024, "kernels": len(sampler.kernels),
            "cpu": sampler.cpu_by_role(), "cpu_total": usage.ru_utime + usage.ru_stime}


def _check(res: dict, what: str, log: Path) -> dict:
    if res["rc"] != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
        raise BuildBenchError(f"{what} exited {res['rc']}; last lines of {log.name}:\n{tail}")
    return res


# --------------------------------------------------------------------------- the project copy


def copy_root(dest: Path) -> Path:
    """The minimal project root cypp reads through CYPP_ROOT (see cypp_lib/paths.py)."""
    for rel in ROOT_FILES:
        src, dst = ROOT / rel, dest / rel
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        elif src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    return dest


def touch_notebook(path: Path) -> None:
    """Append a space to the first markdown cell's source: new bytes, same paper."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    src = cell["source"]
    if isinstance(src, list):
        src[-1 if src else 0:] = [(src[-1] if src else "") + " "]
    else:
        cell["source"] = src + " "
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def import_lines(notebook: Path) -> list[str]:
    """The top-level import statements of a notebook's code cells, in order, plus LAZY_IMPORTS."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    lines = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        try:
            tree = ast.parse(src)
        except SyntaxError:  # IPython magics: not in these notebooks, but harmless to skip
            continue
        lines += [ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    return list(dict.fromkeys([*lines, *LAZY_IMPORTS]))


# --------------------------------------------------------------------------- what a build did


def build_counts(out_dir: Path, record_before: bytes | None, log_text: str) -> dict:
    """Papers executed / cached by one `cypp build`, from its run record (OUT/build.json, when it
    was rewritten and lists per-paper statuses) or else its printed output. None when unknown."""
    record = out_dir / "build.json"
    data = record.read_bytes() if record.is_file() else None
    if data is not None and data != record_before:
        try:
            papers = json.loads(data).get("papers", [])
        except (ValueError, AttributeError):
            papers = []
        statuses = {p.get("file", "?"): p.get("status") for p in papers if isinstance(p, dict)}
        if statuses and all(statuses.values()):
            return {"executed": sum(s == "executed" for s in statuses.values()),
                    "cached": sum(s == "cached" for s in statuses.values()),
                    "executed_papers": sorted(f.removesuffix(".html") for f, s in statuses.items() if s == "executed"),
                    "source": "build.json"}
    if re.search(r"^Nothing changed since the last build", log_text, re.M):
        m = re.search(r"\((\d+) papers up to date", log_text)
        return {"executed": 0, "cached": int(m.group(1)) if m else None, "executed_papers": [],
                "source": "build output (nothing changed; run record not rewritten)"}
    m = re.search(r"^Papers: (\d+) unchanged.*?, (\d+) to execute", log_text, re.M)
    if m:
        executed = re.findall(r"^\s+(?:\[\d+/\d+\] )?(\S+): executed", log_text, re.M)
        return {"executed": int(m.group(2)), "cached": int(m.group(1)), "executed_papers": sorted(executed),
                "source": "build output"}
    return {"executed": None, "cached": None, "executed_papers": [], "source": "not reported by the build"}


# --------------------------------------------------------------------------- the five measurements


def naive(specs, notebooks: Path, work: Path, env: dict, log: Path) -> dict:
    """(a) papermill CLI then jupyter nbconvert CLI, per paper, in sequence."""
    work.mkdir(parents=True)
    runs = []
    start = time.perf_counter()
    for spec in specs:
        out = work / f"{spec.slug}.ipynb"
        pm = _check(run_measured([BIN / "papermill", notebooks / spec.notebook, out, "-k", KERNEL,
                                  "--cwd", notebooks, "-y", json.dumps(spec.parameters)], _env(env, spec), log),
                    f"papermill ({spec.slug})", log)
        nbc = _check(run_measured([BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", out], env, log),
                     f"jupyter nbconvert ({spec.slug})", log)
        runs.append({"paper": spec.slug, "papermill_seconds": pm["seconds"], "nbconvert_seconds": nbc["seconds"],
                     "pm": pm, "nbc": nbc})
    seconds = time.perf_counter() - start
    procs = [r[k] for r in runs for k in ("pm", "nbc")]
    return {"seconds": seconds, "maxrss_kib": max(p["maxrss_kib"] for p in procs),
            "tree_peak_kib": max(p["tree_peak_kib"] for p in procs), "kernels": sum(p["kernels"] for p in procs),
            "executed": len(runs), "cached": 0, "source": "one papermill run per paper",
            "papermill_mean": statistics.mean(r["papermill_seconds"] for r in runs),
            "nbconvert_mean": statistics.mean(r["nbconvert_seconds"] for r in runs)}


def _env(env: dict, spec) -> dict:
    """The environment a paper's kernel gets from cypp: the folders may come as parameters
    (processed_dir, raw_dir) or as PaperSpec.env (CYPP_PROCESSED_DIR, CYPP_RAW_DIR)."""
    return {**env, **(getattr(spec, "env", None) or {})}


def cypp_build(raw: Path, out: Path, proc: Path, env: dict, log: Path, what: str) -> dict:
    """(b), (c), (d): one `cypp build` subprocess."""
    record = out / "build.json"
    before = record.read_bytes() if record.is_file() else None
    offset = log.stat().st_size if log.exists() else 0
    res = _check(run_measured([BIN / "cypp", "build", "--raw", raw, "--out", out, "--processed", proc,
                               "--jobs", str(JOBS)], env, log), f"cypp build ({what})", log)
    with open(log, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", errors="replace")
    said = [ln.strip().replace(str(out), "OUT").replace(str(proc), "PROC").removesuffix(": open OUT/index.html")
            for ln in text.splitlines() if SAID.match(ln)]
    return {**res, **build_counts(out, before, text), "said": said}


def floor(specs, notebooks: Path, work: Path, env: dict, log: Path) -> dict:
    """(e) one kernel per paper running only its imports, JOBS at a time, in a worker process
    (so that os.wait4 gives the peak RSS of the worker and its kernels)."""
    work.mkdir(parents=True)
    spec_file, result_file = work / "floor.json", work / "floor-result.json"
    papers = [{"slug": s.slug, "code": "\n".join(import_lines(notebooks / s.notebook))} for s in specs]
    spec_file.write_text(json.dumps({"cwd": str(notebooks), "jobs": JOBS, "result": str(result_file),
                                     "papers": papers}), encoding="utf-8")
    res = _check(run_measured([sys.executable, Path(__file__), "--floor-worker", spec_file], _env(env, specs[0]), log),
                 "floor worker", log)
    inner = json.loads(result_file.read_text(encoding="utf-8"))
    return {**res, "process_seconds": res["seconds"], "seconds": inner["seconds"], "kernel_times": inner["kernels"],
            "imports": {p["slug"]: p["code"].splitlines() for p in papers}}


def work(specs, notebooks: Path, work_dir: Path, env: dict, log: Path) -> dict:
    """(f) every paper's code in one process (bench/work.py), one paper after another."""
    work_dir.mkdir(parents=True)
    spec_file, result_file = work_dir / "work.json", work_dir / "work-result.json"
    papers = [{"slug": s.slug, "notebook": str(notebooks / s.notebook), "parameters": s.parameters} for s in specs]
    spec_file.write_text(json.dumps({"cwd": str(notebooks), "env": _env({}, specs[0]), "result": str(result_file),
                                     "papers": papers}), encoding="utf-8")
    res = _check(run_measured([sys.executable, Path(__file__).with_name("work.py"), spec_file], env, log),
                 "work (papers in one process)", log)
    inner = json.loads(result_file.read_text(encoding="utf-8"))
    return {**res, "process_seconds": res["seconds"], "seconds": inner["seconds"], "work_cpu": inner["cpu"],
            "per_paper": inner["papers"], "kernels": 0}


def _floor_worker(spec_file: str) -> None:
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    os.environ.setdefault("MPLBACKEND", "Agg")  # as cypp_lib/render.py sets for its kernels
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")

    async def one(paper: dict, slots: asyncio.Semaphore) -> dict:
        async with slots:
            t0 = time.perf_counter()
            km = AsyncKernelManager(kernel_name=KERNEL)
            await km.start_kernel(cwd=spec["cwd"])
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=120)
                t1 = time.perf_counter()
                reply = await kc.execute_interactive(paper["code"], timeout=600, output_hook=lambda _msg: None)
                t2 = time.perf_counter()
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"{paper['slug']}: {reply['content'].get('ename')}: "
                                       f"{reply['content'].get('evalue')}")
            finally:
                kc.stop_channels()
                await km.shutdown_kernel(now=True)  # papermill's shutdown_kernel="immediate"
            t3 = time.perf_counter()
            return {"slug": paper["slug"], "start": t1 - t0, "imports": t2 - t1, "shutdown": t3 - t2,
                    "total": t3 - t0}

    async def main() -> dict:
        slots = asyncio.Semaphore(spec["jobs"])
        t0 = time.perf_counter()
        kernels = await asyncio.gather(*(one(p, slots) for p in spec["papers"]))
        return {"seconds": time.perf_counter() - t0, "kernels": kernels}

    result = asyncio.run(main())
    Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")


# --------------------------------------------------------------------------- the section


def environment() -> dict:
    from cypp_lib._version import code_version, describe

    def v(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "-"

    return {"date": datetime.now().strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(),
            "machine": f"{platform.system()} {platform.machine()}", "python": platform.python_version(),
            "cypp": describe(code_version()),
            **{n: v(n) for n in ("papermill", "nbconvert", "nbclient", "jupyter_client", "ipykernel")}}


def _median(runs: list[dict]) -> dict:
    """Medians of the timings over repeats; memory is the largest seen; counts from the last run."""
    out = dict(runs[-1])
    for key in ("seconds", "process_seconds", "papermill_mean", "nbconvert_mean", "work_cpu"):
        if key in out:
            out[key] = statistics.median(r[key] for r in runs)
    for key in ("maxrss_kib", "tree_peak_kib"):
        out[key] = max(r[key] for r in runs)
    out["all_seconds"] = [r["seconds"] for r in runs]
    return out


def bench_build(repeat: int = 1) -> dict:
    """Run (a)-(e) `repeat` times (fresh folders each time) and report the medians."""
    from cypp_lib.demo import generate
    from cypp_lib.pipeline import BuildOptions, paper_specs

    runs: dict[str, list[dict]] = {k: [] for k in ("naive", "cold", "noop", "touch", "floor", "cold_plain", "work")}
    load_start = os.getloadavg()[0]
    library = {"digest": library_digest(), "changes": []}  # cypp_lib edited by someone while we run?
    with tempfile.TemporaryDirectory(prefix="cypp-bench-build-") as tmp:
        tmp = Path(tmp)
        raw, log = tmp / "raw", tmp / "bench.log"
        generate(raw)
        env = {**os.environ, "CYPP_ROOT": str(copy_root(tmp / "setup-root"))}
        setup_out, setup_proc = tmp / "setup" / "out", tmp / "setup" / "processed"
        print(f"build: setup build (untimed) into {tmp / 'setup'} ...", flush=True)
        setup = _check(run_measured([BIN / "cypp", "build", "--raw", raw, "--out", setup_out, "--processed",
                                     setup_proc, "--jobs", str(JOBS)], env, log), "cypp build (setup)", log)
        specs = paper_specs(BuildOptions(raw_dir=raw, out_dir=setup_out, processed_dir=setup_proc), setup_proc, AREA)
        for i in range(repeat):
            rep = tmp / f"run-{i + 1}"
            root = copy_root(rep / "root")
            notebooks = root / "notebooks"
            env = {**os.environ, "CYPP_ROOT": str(root)}
            out, proc = rep / "out", rep / "processed"
            step = _stepper(runs, i, repeat, library)
            step("naive", naive, specs, notebooks, rep / "naive", env, log)
            step("cold", cypp_build, raw, out, proc, env, log, "cold")
            step("noop", cypp_build, raw, out, proc, env, log, "no-op")
            touch_notebook(notebooks / TOUCHED)
            step("touch", cypp_build, raw, out, proc, env, log, "touched")
            step("floor", floor, specs, notebooks, rep / "floor", env, log)
            step("cold_plain", cypp_build, raw, rep / "out-plain", rep / "processed-plain",
                 {**env, "CYPP_KERNELS": "plain"}, log, "cold, plain kernels")
            step("work", work, specs, notebooks, rep / "work", env, log)
            shutil.rmtree(rep, ignore_errors=True)
    res = {"env": environment(), "repeat": repeat, "jobs": JOBS, "papers": [s.slug for s in specs],
           "notebooks": sorted({s.notebook for s in specs}), "setup_seconds": setup["seconds"],
           "library_changes": library["changes"], "load": (load_start, os.getloadavg()[0]),
           **{k: _median(v) for k, v in runs.items()}}
    res["ratios"] = {"cold_naive": res["cold"]["seconds"] / res["naive"]["seconds"],
                     "cold_floor": res["cold"]["seconds"] / res["floor"]["seconds"],
                     "noop_seconds": res["noop"]["seconds"]}
    res["met"] = {k: v <= TARGETS[k] for k, v in res["ratios"].items()}
    cores = res["env"]["cores"] or 1
    res["work_bound"] = res["work"]["seconds"] / min(cores, JOBS)  # the papers' work, perfectly shared
    touched = slug_of(specs, TOUCHED)
    res["touched_paper"] = touched
    res["met"]["touch_one"] = _only(res["touch"], touched)
    res["met"]["noop_none"] = res["noop"]["kernels"] == 0 and res["noop"]["executed"] in (0, None)
    return res


def library_digest() -> str:
    """SHA-256 of cypp_lib's files: a change during the run makes the measurements inconsistent."""
    import hashlib

    h = hashlib.sha256()
    for f in sorted((ROOT / "cypp_lib").rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _stepper(runs: dict, i: int, repeat: int, library: dict):
    def changed(when: str) -> None:
        digest = library_digest()
        if digest != library["digest"]:
            library["digest"] = digest
            library["changes"].append(f"{when}{f' (run {i + 1})' if repeat > 1 else ''}")

    def step(name: str, fn, *args) -> None:
        changed(f"before {name}")
        print(f"build: run {i + 1}/{repeat}: {name} ...", end=" ", flush=True)
        runs[name].append(fn(*args))
        print(f"{runs[name][-1]['seconds']:.1f} s", flush=True)
        changed(f"during {name}")

    return step


def slug_of(specs, notebook: str) -> str:
    return ", ".join(s.slug for s in specs if s.notebook == notebook)


def _only(run: dict, slug: str) -> bool:
    """The touched build executed exactly the touched paper (by the build's record or output, and
    by the kernels it started)."""
    by_record = run["executed"] is None or (run["executed"] == 1 and run["executed_papers"] in ([], [slug]))
    return run["kernels"] == 1 and by_record


# --------------------------------------------------------------------------- output

ROWS = [
    ("naive", "(a) naive", "`papermill` CLI then `jupyter nbconvert --to html --no-input`, per paper, in sequence"),
    ("cold", "(b) cold build", "`cypp build --jobs 2`, fresh output and processed folders (empty cache)"),
    ("noop", "(c) no-op rebuild", "the same command again, nothing changed"),
    ("touch", "(d) one notebook touched", "after appending a space to a markdown cell of `overview.ipynb`"),
    ("floor", "(e) floor", "one `python3` kernel per paper running only its imports, 2 at a time"),
    ("cold_plain", "(b2) cold, plain kernels", "as (b) with `CYPP_KERNELS=plain`: a new `python3` kernel per "
     "paper instead of a fork of the warm kernel server"),
    ("work", "(f) papers' own work", "every paper's code in one process after its imports, one after another: "
     "no kernels, papermill, nbconvert, validation or preparation"),
]


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def _counts(r: dict) -> str:
    if r.get("executed") is None:
        return "not reported"
    return f"{r['executed']} / {'?' if r.get('cached') is None else r['cached']}"


def _cpu_words(r: dict, cores: int) -> str:
    """One sentence: CPU seconds by process role, against what the cores could give in the wall time."""
    parts = ", ".join(f"{role} {secs:.1f} s" for role, secs in sorted(r["cpu"].items(), key=lambda x: -x[1]))
    return (f"{r['cpu_total']:.1f} s of CPU in {r['seconds']:.1f} s wall on {cores} cores "
            f"({r['cpu_total'] / (r['seconds'] * cores):.0%} of what they could give); sampled by process: {parts}. "
            "The kernels' share is the papers' own work (the charts, most of it, and the statistics); the build "
            "process's is reading and preparing the data, Great Expectations (import and checks) and values.csv.")


def _floor_words(res: dict) -> str:
    """Whether the floor target leaves room for the work a cold build must do, from the measurements:
    the papers' own work (f), the build process's own (data, Great Expectations, values.csv,
    publication checks) and importing the papers' libraries once (the warm kernel server)."""
    cores = min(res["env"]["cores"] or 1, res["jobs"])
    target = TARGETS["cold_floor"] * res["floor"]["seconds"]
    budget = target * cores
    cold = res["cold"]
    build_cpu = cold["cpu"].get("build process", 0.0)
    server_cpu = cold["cpu"].get("kernel server", 0.0)
    helpers = cold["cpu"].get("workers and helpers", 0.0)
    need = res["work"]["work_cpu"] + build_cpu + server_cpu
    busy = cold["cpu_total"] / (cold["seconds"] * cores)
    words = (f"The floor target, cold <= {TARGETS['cold_floor']} x (e) = {target:.1f} s, lets a build spend at most "
             f"{budget:.1f} s of CPU on {cores} cores. The papers' own work ({res['work']['work_cpu']:.1f} s), the "
             f"build process's own work (reading and preparing the data, Great Expectations, values.csv, the "
             f"publication checks: {build_cpu:.1f} s in (b)'s last run) and importing the papers' libraries once "
             f"(the kernel server: {server_cpu:.1f} s) come to {need:.1f} s, {need / budget:.0%} of that, before any "
             "kernel starts or papermill and nbconvert run. (e) counts kernel start-up and imports, which forking "
             "from the warm server all but removes, and none of the papers' own work: ")
    if need >= budget:
        return words + ("no machinery can meet that target with these papers on this machine; measured against "
                        f"that work, (b) / (that CPU per core) = {cold['seconds'] / (need / cores):.2f}.")
    return words + (f"meeting it leaves {budget - need:.1f} s of CPU for everything else (workers and helpers took "
                    f"{helpers:.1f} s in (b)) with both cores busy all the time ((b) kept them {busy:.0%} busy); "
                    f"measured against that work, (b) / (that CPU per core) = {cold['seconds'] / (need / cores):.2f}.")


def _ok(flag: bool) -> str:
    return "met" if flag else "NOT met"


def table(res: dict) -> str:
    e, r, m = res["env"], res["ratios"], res["met"]
    n = len(res["papers"])
    how = "once" if res["repeat"] == 1 else f"median of {res['repeat']}"
    lines = [f"build: {n} papers, demo data, {e['cores']} cores, --jobs {res['jobs']}, "
             f"{how}; load {res['load'][0]:.1f} -> {res['load'][1]:.1f}; {e['cypp']}",
             f"{'measurement':<25} {'wall':>8} {'kernels':>8} {'exec/cached':>12} {'max RSS 1 proc':>15} "
             f"{'peak RSS tree':>14}"]
    for key, label, _ in ROWS:
        x = res[key]
        counts = _counts(x) if key not in ("floor", "work") else "-"
        lines.append(f"{label:<25} {x['seconds']:>6.1f} s {x['kernels']:>8} {counts:>12} "
                     f"{_mib(x['maxrss_kib']):>15} {_mib(x['tree_peak_kib']):>14}")
    t = res["touch"]
    lines += [
        f"cold / naive  {r['cold_naive']:.2f}  (target <= {TARGETS['cold_naive']}: {_ok(m['cold_naive'])})",
        f"cold / floor  {r['cold_floor']:.2f}  (target <= {TARGETS['cold_floor']}: {_ok(m['cold_floor'])})",
        f"no-op wall    {r['noop_seconds']:.2f} s (target <= {TARGETS['noop_seconds']:g} s: {_ok(m['noop_seconds'])}; "
        f"kernels started {res['noop']['kernels']})",
        f"touched {TOUCHED}: executed {', '.join(t['executed_papers']) or t['executed']} "
        f"(source: {t['source']}; kernels started {t['kernels']}); only {res['touched_paper']}: {_ok(m['touch_one'])}",
        f"papers' own work {res['work']['seconds']:.1f} s in one process: at best {res['work_bound']:.1f} s on "
        f"{min(e['cores'] or 1, res['jobs'])} cores, against the floor target {TARGETS['cold_floor']} x floor = "
        f"{TARGETS['cold_floor'] * res['floor']['seconds']:.1f} s",
        f"naive per paper: papermill {res['naive']['papermill_mean']:.1f} s + nbconvert "
        f"{res['naive']['nbconvert_mean']:.1f} s (means). Timings are informational only.",
    ]
    for key, label, _ in ROWS[1:4]:
        lines.append(f"{label}: " + (" / ".join(res[key].get("said", [])) or "-"))
    if res["library_changes"]:
        lines.append(f"WARNING: {CHANGED.format(', '.join(res['library_changes']))}")
    return "\n".join(lines)


def markdown(res: dict) -> str:
    e, r, m = res["env"], res["ratios"], res["met"]
    n = len(res["papers"])
    fl = res["floor"]
    kt = fl["kernel_times"]
    how = "each measurement once" if res["repeat"] == 1 else f"medians of {res['repeat']} runs (memory: largest)"
    out = [
        "## Build: naive CLIs vs `cypp build` (cold, no-op, one notebook touched) vs the kernel floor",
        "",
        f"Run {e['date']} on {e['machine']}, {e['cores']} cores (`os.cpu_count()`); Python {e['python']}, "
        f"{e['cypp']}, papermill {e['papermill']}, nbconvert {e['nbconvert']}, nbclient {e['nbclient']}, "
        f"jupyter_client {e['jupyter_client']}, ipykernel {e['ipykernel']}. {how[0].upper() + how[1:]}. "
        f"Load average (1 min) at the start and end: {res['load'][0]:.1f}, {res['load'][1]:.1f}.",
        "",
        f"Data: the demo data (`cypp_lib.demo.generate`), area {AREA}; the {n} papers of a build "
        f"({', '.join(f'`{p}`' for p in res['papers'])}) from {', '.join(f'`{nb}`' for nb in res['notebooks'])}.",
        "",
        "| measurement | what | wall | kernels started | papers executed / cached | max RSS, one process "
        "| peak RSS, process tree |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for key, label, what in ROWS:
        x = res[key]
        out.append(f"| {label} | {what} | {x['seconds']:.1f} s | {x['kernels']} | "
                   f"{_counts(x) if key not in ('floor', 'work') else '-'} | {_mib(x['maxrss_kib'])} | "
                   f"{_mib(x['tree_peak_kib'])} |")
    t = res["touch"]
    yes = {True: "met", False: "**not met**"}
    out += [
        "",
        "| target (issue 6) | measured | |",
        "|---|---:|---|",
        f"| cold build <= {TARGETS['cold_naive']} x naive | {r['cold_naive']:.2f} x | {yes[m['cold_naive']]} |",
        f"| cold build <= {TARGETS['cold_floor']} x floor | {r['cold_floor']:.2f} x | {yes[m['cold_floor']]} |",
        f"| no-op rebuild <= {TARGETS['noop_seconds']:g} s wall | {r['noop_seconds']:.2f} s | "
        f"{yes[m['noop_seconds']]} |",
        f"| no-op rebuild executes nothing | {res['noop']['kernels']} kernels, {_counts(res['noop'])} | "
        f"{yes[m['noop_none']]} |",
        f"| touching `{TOUCHED}` re-executes only `{res['touched_paper']}` | {t['kernels']} kernel(s); executed: "
        f"{', '.join(f'`{p}`' for p in t['executed_papers']) or _counts(t)} | {yes[m['touch_one']]} |",
        "",
        f"- Setup (untimed, {res['setup_seconds']:.0f} s): the demo data is generated into a temporary folder and "
        "`cypp build` runs once into a setup folder; (a) and (e) use its processed folder and "
        "`cypp_lib.pipeline.paper_specs` for each paper's notebook and parameters. Every command runs with "
        "`CYPP_ROOT` pointing at a copy of the project root (`notebooks/`, `expectations/`, `pyproject.toml`, "
        "`tests/a11y/package.json`), so the touched notebook is a copy.",
        f"- (a) per paper, `papermill NB OUT.ipynb -k python3 --cwd notebooks -y PARAMETERS` then "
        "`jupyter nbconvert --to html --no-input OUT.ipynb` (parameters and the kernel's environment, e.g. "
        "`CYPP_PROCESSED_DIR`, from the paper's `PaperSpec`), the papers one after another; wall time of the "
        f"whole sequence. Means per paper: papermill {res['naive']['papermill_mean']:.1f} s, nbconvert "
        f"{res['naive']['nbconvert_mean']:.1f} s.",
        f"- (b)-(d) `cypp build --raw RAW --out OUT --processed PROC --jobs {res['jobs']}` as a subprocess, wall "
        "time from start to exit (interpreter start, validation, preparation, papers, publishing). (b) uses "
        "fresh OUT and PROC folders (the cache lives in PROC); (c) repeats it unchanged; (d) first appends a "
        f"space to the first markdown cell of `{TOUCHED}` (new bytes, same paper). Papers executed / cached: "
        f"from the run record `OUT/build.json` when the build rewrote it, else from its printed output "
        f"(touched build: {t['source']}; no-op: {res['noop']['source']}).",
        f"- (e) a worker process starts one `python3` kernel per paper with `jupyter_client`'s "
        f"`AsyncKernelManager`, {res['jobs']} at a time, and runs only the import lines of the paper's notebook "
        f"(parsed from its code cells) plus {', '.join(f'`{x}`' for x in LAZY_IMPORTS)}, which the report imports "
        "while a paper runs (matplotlib and seaborn come with the charts); then shuts it down immediately, as "
        f"papermill does. Wall time from the first start to the last shutdown: {fl['seconds']:.1f} s (the worker "
        f"process, with its interpreter start and `jupyter_client` import: {fl['process_seconds']:.1f} s). "
        f"Per kernel, means: ready {statistics.mean(k['start'] for k in kt):.1f} s, imports "
        f"{statistics.mean(k['imports'] for k in kt):.1f} s, shutdown "
        f"{statistics.mean(k['shutdown'] for k in kt):.1f} s.",
        "- Kernels started: distinct `ipykernel_launcher` processes, and stand-ins of kernels forked from the "
        "warm kernel server (`_forkstub.py`, one per kernel), seen in the command's process tree, sampled "
        f"every {SAMPLE_SECONDS:g} s (an independent check of what the build executed).",
        "- (b2) is (b) again in fresh folders with `CYPP_KERNELS=plain`, so each paper starts a new `python3` "
        "kernel that imports everything itself: (b2) - (b) is what forking from the warm server saves.",
        f"- (f) `bench/work.py`: one process imports what the papers import (untimed), then runs every paper's "
        "code cells in order, with its parameters after the `parameters` cell and each displayed object rendered "
        "to HTML as a kernel would (charts drawn and encoded, tables and CSV downloads written), against the "
        "setup build's processed folder, with a fresh chart cache (a chart shown by several papers is drawn "
        f"once, as in a build). {res['work']['seconds']:.1f} s ({res['work']['work_cpu']:.1f} s CPU); per paper: "
        + ", ".join(f"{p['slug'].removeprefix('lewisham-')} {p['seconds']:.1f} s" for p in res["work"]["per_paper"])
        + f". That is work any build must do: shared perfectly over {min(res['env']['cores'] or 1, res['jobs'])} "
        f"cores it takes at least {res['work_bound']:.1f} s, before validation, preparation and publishing. "
        + _floor_words(res),
        f"- Where (b)'s time goes (last run): {_cpu_words(res['cold'], res['env']['cores'])}",
        "- Max RSS, one process: `ru_maxrss` of the `os.wait4` resource usage of the command, i.e. the largest "
        "resident set of any single process in its tree (the command, its worker processes and kernels, each "
        f"reaped in turn): a maximum, not a sum; for (a) the largest over its {2 * len(res['papers'])} commands. "
        "Peak RSS, process tree: "
        f"the largest sum of the RSS of all processes in the tree, sampled every {SAMPLE_SECONDS:g} s (pages shared "
        "between processes are counted in each; short peaks can be missed).",
        "- Targets from issue 6 (on 2 cores). Informational: `make bench` never fails on timing. This is a "
        "shared machine; expect +-20-30 % between runs (`--repeat N` reports medians).",
    ]
    said = [f"{label} \"{' / '.join(res[key]['said'])}\"" for key, label, _ in ROWS[1:4] if res[key].get("said")]
    if said:
        out.append(f"- What the builds printed about their work: {'; '.join(said)}.")
    if res["library_changes"]:
        out.append(f"- **Warning**: {CHANGED.format(', '.join(res['library_changes']))}")
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--floor-worker":
        _floor_worker(sys.argv[2])
    else:
        sys.exit("usage: .venv/bin/python bench/run.py --only build   (this file is its section and floor worker)")

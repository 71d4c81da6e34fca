"""Kernels forked from the build's warm kernel server (cypp_lib/kernels.py).

- A forked kernel is a real, separate kernel: a child of the server (not a new interpreter), with
  the heavy modules already imported, the requesting process's environment and working folder.
- Killing it the way papermill does (immediate shutdown kills the kernel process) leaves no
  process behind, and stopping the server stops any kernel still running.
- A paper executed in a forked kernel is byte-identical to the same paper in a plain python3 kernel.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cypp_lib import kernels, render
from cypp_lib.paths import NOTEBOOKS
from cypp_lib.pipeline import BuildOptions, paper_specs

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not kernels.available(), reason="no os.fork / send_fds, or CYPP_KERNELS=plain")]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().split(") ")[1].split()[1])


def test_notebook_imports_are_read_from_the_code_cells():
    found = kernels.notebook_imports(sorted(NOTEBOOKS.glob("*.ipynb")))
    assert {"IPython.display", "cypp_lib.report", "cypp_lib.catalogue", "cypp_lib.report.spine"} <= set(found)
    assert "papermill" not in found  # only what the notebooks themselves import


def test_a_forked_kernel_is_a_warm_child_of_the_server_and_dies_with_its_stand_in(tmp_path, monkeypatch):
    monkeypatch.setenv("CYPP_TEST_MARKER", "from-the-requester")
    outputs = []
    with kernels.KernelServer(["pandas"], NOTEBOOKS) as server:
        km = kernels.kernel_manager_class(asynchronous=False)(kernel_name="python3")
        km.start_kernel(cwd=str(tmp_path))
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive(
            "import os, sys\nprint(os.getpid(), 'pandas' in sys.modules, os.getcwd(), os.environ['CYPP_TEST_MARKER'])",
            output_hook=outputs.append, timeout=30)
        assert reply["content"]["status"] == "ok"
        text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        pid, warm, cwd, marker = text.split()
        pid = int(pid)
        assert _parent(pid) == server.process.pid  # forked by the server, not started by jupyter_client
        assert warm == "True"  # pandas was imported before the notebook asked for it
        assert Path(cwd) == tmp_path and marker == "from-the-requester"
        kc.stop_channels()
        km.shutdown_kernel(now=True)  # papermill's shutdown_kernel="immediate": SIGKILL to the kernel command
        for _ in range(100):
            if not _alive(pid):
                break
            time.sleep(0.05)
        assert not _alive(pid), "the forked kernel outlived its stand-in"

        # a kernel still running when the build ends goes with the server
        km2 = kernels.kernel_manager_class(asynchronous=False)(kernel_name="python3")
        km2.start_kernel(cwd=str(tmp_path))
        kc2 = km2.client()
        kc2.start_channels()
        kc2.wait_for_ready(timeout=60)
        outputs.clear()
        kc2.execute_interactive("import os; print(os.getpid())", output_hook=outputs.append, timeout=30)
        pid2 = int("".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream"))
        kc2.stop_channels()
    for _ in range(100):
        if not _alive(pid2):
            break
        time.sleep(0.05)
    assert not _alive(pid2), "the server left a kernel running"
    assert kernels.SOCKET_ENV not in os.environ
    km2.cleanup_resources()


@pytest.mark.parametrize("forked", [True, False], ids=["forked", "plain"])
def test_kernel_traffic_is_encrypted_so_another_local_process_cannot_read_it(tmp_path, forked):
    """Kernels listen on loopback TCP, which any local user can connect to. With CurveZMQ keys
    (written by the kernel manager into the user's private connection file) the paper's client
    reads the kernel's output, and a subscriber without the keys receives nothing."""
    import contextlib
    import json

    import zmq

    if kernels.transport_encryption() != "required":
        pytest.skip("this pyzmq has no CurveZMQ")
    secret = "a-value-only-the-paper-should-see"
    server = kernels.KernelServer([], NOTEBOOKS) if forked else contextlib.nullcontext()
    with server:
        km = kernels.kernel_manager_class(asynchronous=False)(kernel_name="python3")
        km.start_kernel(cwd=str(tmp_path))
        try:
            info = json.loads(Path(km.connection_file).read_text())
            assert info["transport"] == "tcp" and info["curve_publickey"] and info["curve_secretkey"]
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=60)
            spy = zmq.Context.instance().socket(zmq.SUB)  # an eavesdropper on the same machine, no keys
            spy.setsockopt(zmq.SUBSCRIBE, b"")
            spy.setsockopt(zmq.LINGER, 0)
            spy.connect(f"tcp://{info['ip']}:{info['iopub_port']}")
            time.sleep(0.5)  # time to connect (and, without the keys, to fail the handshake)
            outputs = []
            for _ in range(3):
                kc.execute_interactive(f"print({secret!r})", output_hook=outputs.append, timeout=30)
            assert any(secret in m["content"].get("text", "") for m in outputs)  # the paper reads it
            heard = []
            while spy.poll(500):
                heard.append(spy.recv())
            assert heard == []
            spy.close()
            kc.stop_channels()
        finally:
            km.shutdown_kernel(now=True)


def test_a_paper_from_a_forked_kernel_is_byte_identical_to_one_from_a_plain_kernel(demo_build, tmp_path):
    spec = next(s for s in paper_specs(BuildOptions(raw_dir=demo_build.raw_dir, out_dir=tmp_path,
                                                    processed_dir=demo_build.processed_dir),
                                       demo_build.processed_dir) if s.slug.endswith("priority-4"))
    pages = {}
    for mode in ("plain", "forked"):
        out = tmp_path / mode
        out.mkdir()
        if mode == "forked":
            with kernels.KernelServer(kernels.notebook_imports([NOTEBOOKS / spec.notebook]), NOTEBOOKS):
                slug, err, _ = render.render_paper(spec, str(out / "executed"), str(out))
        else:
            slug, err, _ = render.render_paper(spec, str(out / "executed"), str(out))
        assert err is None, err
        pages[mode] = ((out / f"{slug}.html").read_bytes(), (out / "executed" / f"{slug}.ipynb").read_bytes())
    assert pages["forked"] == pages["plain"]


def test_papers_use_plain_kernels_when_the_server_cannot_start(tmp_path, monkeypatch):
    path = str(tmp_path / ("s" * 120))  # longer than a Unix socket address may be: bind fails
    with pytest.raises(OSError):
        kernels.serve(path, [])
    assert "OSError" in Path(path + ".failed").read_text()
    monkeypatch.setenv(kernels.SOCKET_ENV, path)
    assert kernels.kernel_manager_class().__name__ == "PlainKernelManager"  # the python3 kernelspec, at once
    monkeypatch.delenv(kernels.SOCKET_ENV)
    km = kernels.kernel_manager_class(asynchronous=False)(kernel_name="python3")
    assert km.kernel_spec.argv[1:3] == ["-m", "ipykernel_launcher"]
    assert km.transport_encryption == "auto"  # encrypted, as that kernelspec declares CurveZMQ support


def test_a_server_no_paper_needed_is_stopped_at_once(tmp_path):
    start = time.perf_counter()
    with kernels.KernelServer(["pandas", "matplotlib.pyplot", "scipy.stats"], NOTEBOOKS) as server:
        pass  # every paper came from the cache
    assert server.process.poll() is not None and time.perf_counter() - start < 1.5


def test_a_stand_in_that_goes_before_asking_does_not_stop_the_server(tmp_path):
    import socket

    with kernels.KernelServer([], NOTEBOOKS) as server:
        assert kernels._ready(server.socket, 60)
        for payload in (b"", b"\x00\x00\x00\x00\x00\x00\x10\x00{'argv'"):  # nothing; a request cut off
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(server.socket)
            s.sendall(payload)
            s.close()
        km = kernels.kernel_manager_class(asynchronous=False)(kernel_name="python3")
        km.start_kernel(cwd=str(tmp_path))  # the server still forks kernels
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        assert server.process.poll() is None

"""Kernels forked from a warm server, so that each paper does not pay for Python and its imports.

A paper's kernel spends about 2 s starting Python and importing pandas, matplotlib, seaborn
(and scipy) and cypp_lib before its first line of analysis. The build starts one kernel server
(`KernelServer`) that imports those once; every paper's kernel is then a fresh `os.fork()` of
it, with the paper's environment, working folder and standard streams: its own process and
memory, nothing shared with another paper but the pages of modules already imported.

jupyter_client and papermill drive these kernels as any other: the kernel command is a small
stand-in process (`_forkstub.py`) that asks the server for a kernel and lives as long as it, so
signals, kill and shutdown work unchanged (`ForkKernelManager`). Where forking is not possible
(no `os.fork`, the server fails to start: it says why in `<socket>.failed`) papers use ordinary
`python3` kernels; set CYPP_KERNELS=plain to choose those.

Either way a kernel's messages travel encrypted (CurveZMQ, `transport_encryption`): kernels
listen on loopback TCP, which any local user could otherwise read, and a paper's kernel sees
data about children before disclosure control (all of it, in a --no-suppression build).
"""

from __future__ import annotations

import ast
import functools
import gc
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SOCKET_ENV = "CYPP_KERNEL_SERVER"  # the server's socket, for the workers' kernel managers
STUB = Path(__file__).with_name("_forkstub.py")
IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import\s|import\s+([\w.]+))", re.M)


def notebook_imports(notebooks: list[Path]) -> list[str]:
    """The modules the notebooks' code cells import (what their kernels would import first)."""
    import json

    found = []
    for nb in notebooks:
        for cell in json.loads(Path(nb).read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                found += [a or b for a, b in IMPORT.findall("".join(cell["source"]))]
    return sorted(set(found))


class KernelServer:
    """A process that has imported `preload` and forks a kernel for each request.

    Use as a context manager; on entry it sets SOCKET_ENV in this process's environment (so that
    worker processes started afterwards use it) and on exit stops the server and its kernels.
    """

    def __init__(self, preload: list[str], cwd: Path, env: dict[str, str] | None = None):
        self.preload, self.cwd, self.env = preload, Path(cwd), env or {}
        self.process: subprocess.Popen | None = None
        self._dir = None

    def __enter__(self) -> KernelServer:
        self._dir = tempfile.TemporaryDirectory(prefix="cypp-kernels-")
        self.socket = str(Path(self._dir.name) / "server.sock")
        code = f"from cypp_lib.kernels import serve; serve({self.socket!r}, {self.preload!r})"
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=self.cwd, stdin=subprocess.PIPE,
                                        env={**os.environ, **self.env})
        os.environ[SOCKET_ENV] = self.socket
        return self

    def __exit__(self, *exc) -> None:
        os.environ.pop(SOCKET_ENV, None)
        if self.process is not None:
            if not os.path.exists(self.socket):  # still importing (no paper needed it): no need to wait
                self.process.kill()
            self.process.stdin.close()  # the server kills its kernels and exits
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._dir.cleanup()


def available() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and os.environ.get("CYPP_KERNELS") != "plain"


def serve(path: str, preload: list[str]) -> None:
    """The server's main loop: one thread (so forking is safe), one selector over the listening
    socket, each stand-in's connection, child exits (SIGCHLD) and the parent's pipe on stdin.
    If it cannot start, it says why in `<path>.failed` and the papers use plain kernels."""
    import importlib

    try:
        for name in preload:  # what every kernel would import first; one that fails is left to the kernel
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001
                pass
        from ipykernel.kernelapp import IPKernelApp  # noqa: F401  (imported once, for every kernel)

        # and what each kernel imported as it started (0.05 s of its 0.1 s): its shell and debugger,
        # whose debugpy notes on stderr that Python's frozen modules are on unless told, as
        # ipykernel's own kernelspec tells it
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        import ipykernel.debugger  # noqa: F401
        import ipykernel.ipkernel  # noqa: F401

        # Everything imported so far lives as long as any kernel: out of the garbage collector's
        # sight, so a kernel's collections do not walk (and copy, page by page, from this
        # process) the objects of pandas, matplotlib and seaborn (the usual prefork-server measure;
        # measured here, a few per cent of a paper's CPU, within this machine's run-to-run noise).
        gc.freeze()

        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        tmp = path + ".tmp"
        listener.bind(tmp)
        listener.listen(16)
        os.replace(tmp, path)  # the socket appears only once the server can fork warm kernels
    except BaseException as exc:
        Path(path + ".failed").write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
        raise
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, "accept")
    sel.register(sys.stdin.fileno(), selectors.EVENT_READ, "parent")
    sel.register(wake_r, selectors.EVENT_READ, "child")
    kernels: dict[int, socket.socket | None] = {}  # pid -> the stand-in's connection (None once gone)
    while True:
        for key, _ in sel.select():
            what = key.data
            if what == "accept":
                conn, _ = listener.accept()
                try:
                    pid = _fork_kernel(conn, [sel.fileno(), listener.fileno(), wake_r, wake_w,
                                              *[c.fileno() for c in kernels.values() if c is not None]])
                except (OSError, ValueError, SyntaxError):  # a stand-in that went before asking properly
                    conn.close()
                    continue
                kernels[pid] = conn
                sel.register(conn, selectors.EVENT_READ, pid)
            elif what == "child":
                os.read(wake_r, 4096)
                for pid, code in _reap():
                    conn = kernels.pop(pid, None)
                    if conn is not None:
                        sel.unregister(conn)
                        _send(conn, f"exit {code}\n")
                        conn.close()
            elif what == "parent":
                if not os.read(sys.stdin.fileno(), 4096):  # the build has finished (or died)
                    for pid in kernels:
                        _kill(pid, signal.SIGKILL)
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(0)  # nothing to clean up: skip tearing down pandas, matplotlib and scipy
            else:  # a stand-in: a signal to pass on, or gone (killed) so its kernel goes too
                data = _recv(key.fileobj)
                if not data:
                    _kill(what, signal.SIGKILL)
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
                    kernels[what] = None
                for line in data.decode().splitlines():
                    if line.startswith("signal "):
                        _kill(what, int(line.split()[1]))


def _fork_kernel(conn: socket.socket, close: list[int]) -> int:
    msg, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    try:
        if len(msg) < 8:
            raise ValueError("no request")
        size = int.from_bytes(msg[:8], "big")
        while len(msg) < 8 + size:
            more = conn.recv(8 + size - len(msg))
            if not more:
                raise ValueError("the request was cut off")
            msg += more
        request = ast.literal_eval(msg[8:].decode())
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        return pid
    try:  # the kernel
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in [*close, conn.fileno()]:
            os.close(fd)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # ipykernel exits if the server goes
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance(parent_handle=os.getppid())
        app.initialize(request["argv"])
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        yield pid, os.waitstatus_to_exitcode(status)


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _send(conn: socket.socket, text: str) -> None:
    try:
        conn.sendall(text.encode())
    except OSError:
        pass


def _recv(conn: socket.socket) -> bytes:
    try:
        return conn.recv(256)
    except OSError:
        return b""


def _ready(path: str, seconds: float = 120) -> bool:
    """Wait for the server to finish its imports: True once it listens, False if it failed."""
    import time

    for _ in range(int(seconds / 0.02)):
        if os.path.exists(path):
            return True
        if os.path.exists(path + ".failed"):
            return False
        time.sleep(0.02)
    return False


def transport_encryption() -> str:
    """The kernels' CurveZMQ policy: "required" where pyzmq has CurveZMQ (its wheels do), else
    "disabled". A kernel's messages (the paper's code, data and charts) then travel encrypted and
    authenticated between it and papermill, not in plain text over loopback TCP, which any local
    user can connect to (ipykernel warns "Kernel is running over TCP without encryption").
    "disabled" too with a jupyter_client older than the manager-provisioned keys (pyproject asks for
    8.10, the version tested)."""
    import zmq
    from jupyter_client import KernelManager

    able = zmq.has("curve") and KernelManager.class_traits().get("transport_encryption") is not None
    return "required" if able else "disabled"


#: How often a manager looks whether a killed kernel has gone (jupyter_client's default: 0.1 s,
#: which a paper's worker waits out after every paper; the stand-in dies within milliseconds)
EXIT_POLL_SECONDS = 0.01
#: How long a new kernel's reply may go without its IOPub messages before kernel_info is asked
#: again (jupyter_client's own figure: its IOPub socket may not have connected in time)
IOPUB_SECONDS = 0.2


@functools.cache
def ready_client_class():
    """jupyter_client's asynchronous kernel client, but ready as soon as the kernel is.

    jupyter_client's `wait_for_ready` asks for kernel_info until the reply comes and IOPub is seen
    to carry the request's messages, then waits until IOPub has been silent for 0.2 s: 0.2 s of
    idle time for every kernel started, with every paper. Here the wait ends with the request's
    last IOPub message, the kernel's "idle" status (a kernel sends busy, then idle, around every
    request it handles; messages of another request are told apart by their parent's id). The
    checks are the same: the kernel replies, IOPub is connected, the kernel is alive, the timeout.
    Measured with forked kernels: ready in 0.12-0.20 s instead of 0.33-0.35 s."""
    import time
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    if reply["msg_type"] == "kernel_info_reply" and await self._iopub_idle_after(reply):
                        self._handle_kernel_info_reply(reply)
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        async def _iopub_idle_after(self, reply: dict) -> bool:
            """Read IOPub up to the "idle" status of the request `reply` answers. False (ask again)
            when IOPub says it has only now connected (ipykernel's "iopub_welcome": the request's
            earlier messages were lost), or is silent for IOPUB_SECONDS (not connected yet)."""
            request = reply.get("parent_header", {}).get("msg_id")
            while True:
                try:
                    msg = await self.iopub_channel.get_msg(timeout=IOPUB_SECONDS)
                except Empty:
                    return False
                if msg["msg_type"] == "iopub_welcome":
                    return False
                if (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"
                        and msg.get("parent_header", {}).get("msg_id") == request):
                    return True

    return ReadyClient


def kernel_manager_class(asynchronous: bool = True):
    """The kernel manager for papermill (asynchronous, as nbclient uses) or for direct use, with
    transport encryption (transport_encryption()): forked kernels when this process knows a server
    (SOCKET_ENV), else the ordinary python3 kernel, encrypted where its kernelspec says it can be.
    The asynchronous one's clients are ready as soon as the kernel is (`ready_client_class`), and
    it looks every EXIT_POLL_SECONDS whether a kernel it has killed is gone."""
    from jupyter_client import AsyncKernelManager, KernelManager
    from jupyter_client.kernelspec import KernelSpec
    from traitlets import default

    policy = transport_encryption()

    class Base(AsyncKernelManager if asynchronous else KernelManager):
        if asynchronous:
            @default("client_factory")
            def _ready_client(self):
                return ready_client_class()

        async def _async_wait(self, pollinterval: float = EXIT_POLL_SECONDS) -> None:
            await super()._async_wait(pollinterval=min(pollinterval, EXIT_POLL_SECONDS))

    path = os.environ.get(SOCKET_ENV)
    if not path or not _ready(path):
        class PlainKernelManager(Base):
            """The python3 kernelspec's kernel, encrypted when the spec declares CurveZMQ support."""

            @default("transport_encryption")
            def _encrypted(self):
                return "auto" if policy == "required" else policy

        return PlainKernelManager

    class ForkKernelManager(Base):
        """Starts kernels by asking the build's kernel server to fork one (see cypp_lib.kernels)."""

        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-I", str(STUB), os.environ[SOCKET_ENV], "-f", "{connection_file}"],
                    display_name="Python 3 (ipykernel)", language="python", env={},
                    metadata={"supported_encryption": ["curve"]})  # ipykernel >= 7.4 (pyproject) applies the keys
            return self._kernel_spec

        @default("transport_encryption")
        def _encrypted(self):
            return policy

    return ForkKernelManager

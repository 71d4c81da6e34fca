"""Stand-in for a kernel process: asks cypp's kernel server to fork a kernel, then lives as long as it.

Run by jupyter_client as the kernel command (`python -I _forkstub.py SOCKET -f CONNECTION_FILE`),
so the kernel manager starts, signals and kills this small process as it would a kernel: its
standard streams, environment and working folder are handed to the forked kernel, the signals
it receives are passed on, and when it is killed the server kills the kernel. Standard library
only (it must start in milliseconds); cypp_lib/kernels.py is the other end.
"""

import os
import signal
import socket
import sys
import time


def main() -> int:
    path, argv = sys.argv[1], sys.argv[2:]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(6000):  # the server makes its socket once its imports are done: wait up to 2 minutes
        try:
            sock.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.02)
    else:
        print(f"cypp: no kernel server at {path}", file=sys.stderr)
        return 1
    request = repr({"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
    socket.send_fds(sock, [len(request).to_bytes(8, "big") + request], [0, 1, 2])
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, lambda n, _frame: sock.sendall(f"signal {n}\n".encode()))
    buf = b""
    while True:
        try:
            data = sock.recv(256)
        except InterruptedError:
            continue
        if not data:
            return 1  # the server went away
        buf += data
        for line in buf.split(b"\n")[:-1]:
            if line.startswith(b"exit "):
                return int(line.split()[1])
        buf = buf.rsplit(b"\n", 1)[-1]


if __name__ == "__main__":
    sys.exit(main())

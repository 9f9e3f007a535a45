"""A fork server for the many short pytest runs of a mutation score: torch and the other third-party
libraries are imported once, and each run is a fork of that process that imports the project afresh.

Importing torch is most of a mutant's cost on the shared 2-core machine (2.6 s of CPU of 4.6 s for a
test file of tiny models); a fork inherits it for nothing. The project itself is never imported by the
server, so every run reads the source as mutmut has just written it. A run whose caller goes away
(mutmut kills a runner past its timeout) is killed with it.

    python benchmarks/pytest_forkserver.py SOCKET      # serve (mutation_score.py starts and stops it)
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import socket
import sys
from collections.abc import Callable

# third-party modules only (never the project's): what the scored modules' tests import, the slowest first
# (the SigLIP model behind the tiny MoT's ViT costs 14 s of import under load, more than the tests that use it)
PRELOAD = ("torch", "transformers.models.siglip.modeling_siglip", "transformers.activations", "transformers.audio_utils",
           "torch.nn.attention.flex_attention", "torch.utils.checkpoint", "numpy", "safetensors.torch", "pydantic",
           "PIL.Image", "pytest", "pytest_timeout", "hypothesis", "_hypothesis_pytestplugin")


def serve(path: str, run: Callable[[list[str]], int]) -> None:
    """Answer each connection (one JSON line: cwd and pytest arguments) with `run(argv)`'s exit code, in a fork."""
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # finished handlers are reaped by the kernel
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path + ".part")
    server.listen(8)
    os.rename(path + ".part", path)  # the socket appears only once it accepts
    while True:
        conn, _ = server.accept()
        if os.fork() == 0:
            server.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os._exit(_handle(conn, run))
        conn.close()


def _handle(conn: socket.socket, run: Callable[[list[str]], int]) -> int:
    request = json.loads(conn.makefile("r").readline())
    pid = os.fork()
    if pid == 0:
        conn.close()
        os.chdir(request["cwd"])
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os._exit(run(request["argv"]))
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
            return 0
        readable, _, _ = select.select([conn], [], [], 0.2)
        if readable and not conn.recv(1):  # the caller is gone: so is its run
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return 0


def ask(path: str, argv: list[str]) -> int | None:
    """The exit code of a run of `argv` in the server at `path`; None when there is no server to ask."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(path)
            conn.sendall((json.dumps({"cwd": os.getcwd(), "argv": argv}) + "\n").encode())
            answer = conn.makefile("r").readline()
    except OSError:
        return None
    return int(answer) if answer.strip() else None


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from mutation_score import run_pytest

    serve(sys.argv[1], run_pytest)

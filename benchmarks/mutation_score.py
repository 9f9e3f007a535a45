"""Mutation score of one module at a time, with mutmut, in a scratch copy of the repository.

    nice -n 10 python benchmarks/mutation_score.py pipeline/cache.py [--budget 600] [--lines 102-113]

The modules and the tests that cover each are listed in `mutmut_config.py`. The tracked files are
copied to a temporary directory and imported from there (PYTHONPATH), so mutmut's in-place edits
never touch the working tree and the tests you run meanwhile see the real code. `--budget` caps the
seconds a module may take; mutants left untested are reported as such (a sample, not a score).
Prints the counts, the score (killed / tested) and every surviving mutant's diff.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "agents", "prompts", "pipeline", "models", "tools")


def scratch(dest: Path) -> Path:
    """The repository's files (tracked and new, not ignored) in `dest/repo`, importable as `auteur.*`."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.splitlines()
    repo = dest / "repo"
    for name in listed:
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    pkg = dest / "path" / "auteur"
    pkg.mkdir(parents=True)
    for name in PACKAGES:
        (pkg / name).symlink_to(repo / name, target_is_directory=True)
    return repo


def counts(repo: Path, module: str) -> dict[str, int]:
    db = sqlite3.connect(repo / ".mutmut-cache")
    rows = db.execute("SELECT m.status, COUNT(*) FROM Mutant m JOIN Line l ON m.line = l.id "
                      "JOIN SourceFile f ON l.sourcefile = f.id WHERE f.filename = ? GROUP BY m.status",
                      (module,)).fetchall()
    return dict(rows)


def survivors(repo: Path, module: str) -> list[int]:
    db = sqlite3.connect(repo / ".mutmut-cache")
    return [r[0] for r in db.execute(
        "SELECT m.id FROM Mutant m JOIN Line l ON m.line = l.id JOIN SourceFile f ON l.sourcefile = f.id "
        "WHERE f.filename = ? AND m.status = 'bad_survived' ORDER BY m.id", (module,))]


def working(pid: int) -> bool:
    """Whether mutmut (process `pid`) has a child at work: the baseline tests, or the worker that tests mutants
    (multiprocessing's resource tracker, which stays to the end, does not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid and b"resource_tracker" not in (stat.parent / "cmdline").read_bytes():
                return True
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
    return False


def run_mutmut(repo: Path, module: str, runner: str, env: dict[str, str], deadline: float) -> tuple[bool, int]:
    """Run mutmut until it has tested every mutant or the deadline passes; returns (capped, restarts).

    mutmut 2.5 sometimes loses a mutant's source line in its cache (`assert line` in cached_mutation_status,
    "Attribute Mutant.line is required" in update_mutant_status): the worker dies and mutmut waits for
    its results forever, or mutmut itself exits with mutants untested. Its cache keeps every result so
    far, so a run whose worker is gone, or that ended with mutants left, is started again in the same
    scratch copy (as long as the last start got further): it takes up the untested mutants where the
    last one left off.
    """
    restarts, left = 0, None
    while True:
        with open(repo / "mutmut.log", "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "mutmut", "run", "--paths-to-mutate", module,
                                     "--runner", runner, "--tests-dir", "tests/"],
                                    cwd=repo, env=env, stdout=log, stderr=log, start_new_session=True)
        missing = 0
        while proc.poll() is None and time.time() < deadline:
            time.sleep(2)
            missing = 0 if working(proc.pid) else missing + 1
            if missing >= 10:  # 20 s without a child: between two mutants it is a moment
                break
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
        shutil.copy2(ROOT / module, repo / module)  # the mutant under test when it stopped
        before, left = left, counts(repo, module).get("untested", 0)
        if left == 0:
            return False, restarts
        if time.time() >= deadline:
            return True, restarts
        if left == before:  # the last start got no further
            return False, restarts
        restarts += 1
        said = (repo / "mutmut.log").read_bytes()[-300:].decode(errors="replace").replace("\r", "\n").strip()
        print(f"{module}: mutmut stopped with {left} mutants untested; restart {restarts} "
              f"(its log ended: {said[-160:]!r})", file=sys.stderr, flush=True)


def score(module: str, budget: float, env: dict[str, str]) -> int:
    sys.path.insert(0, str(ROOT))
    from mutmut_config import MODULES, test_command

    if module not in MODULES:
        raise SystemExit(f"{module} has no entry in mutmut_config.py; add its tests there first")
    with tempfile.TemporaryDirectory(prefix="mutmut-") as tmp:
        repo = scratch(Path(tmp))
        env = {**env, "PYTHONPATH": str(Path(tmp) / "path")}
        start = time.time()
        with forkserver(Path(tmp), repo, env) as sock:
            capped, restarts = run_mutmut(repo, module, test_command(module), {**env, "MUTATION_FORKSERVER": sock},
                                          start + budget)
        seconds = time.time() - start
        found = counts(repo, module)
        killed, survived = found.get("ok_killed", 0), found.get("bad_survived", 0)
        timeout, suspicious = found.get("bad_timeout", 0), found.get("ok_suspicious", 0)
        untested, skipped = found.get("untested", 0), found.get("skipped", 0)
        tested = killed + survived + timeout + suspicious
        # "suspicious" mutants failed the tests, only slowly (load on a shared machine): killed too
        rate = (killed + timeout + suspicious) / tested if tested else float("nan")
        print(f"| {module} | {killed} | {survived} | {timeout} | {suspicious} | {skipped} | {untested} | "
              f"{100 * rate:.0f}% | {seconds:.0f}{' (capped)' if capped else ''}"
              f"{f' ({restarts} restarts)' if restarts else ''} |", flush=True)
        for ident in survivors(repo, module):
            diff = subprocess.run([sys.executable, "-m", "mutmut", "show", str(ident)], cwd=repo, env=env,
                                  capture_output=True, text=True).stdout
            print(f"\nsurvivor {ident}:\n{diff.strip()}", file=sys.stderr)
        return 1 if survived else 0


def run_pytest(argv: list[str]) -> int:
    """One test run for mutmut, which counts only exit code 1 as killed: a mutant that breaks collection
    (exit 2) is killed too."""
    # third-party plugins stay unloaded (langsmith's alone costs seconds a start, times every mutant)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    # one mutant at a time on a shared machine: the tiny models' threads only spin (4x slower under load)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import pytest

    plugins = ["-p", "pytest_timeout", "-p", "_hypothesis_pytestplugin"]
    # pyproject's addopts are xdist's (--dist loadfile ...), which is not loaded here: one process a mutant
    return 0 if pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *plugins, *argv]) == 0 else 1


@contextmanager
def forkserver(tmp: Path, repo: Path, env: dict[str, str]):
    """A pytest fork server for the mutants' test runs (see pytest_forkserver.py); yields its socket's path."""
    sock = tmp / "pytest.sock"
    server_env = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "OMP_NUM_THREADS": env.get("OMP_NUM_THREADS", "1"),
                  "PYTHONDONTWRITEBYTECODE": "1"}  # as mutmut's own runs: a mutant's bytecode is never cached
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("pytest_forkserver.py")), str(sock)],
                              cwd=repo, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        deadline = time.time() + 120
        while not sock.exists() and server.poll() is None and time.time() < deadline:
            time.sleep(0.2)
        yield str(sock)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--pytest":
        from pytest_forkserver import ask

        server = os.environ.get("MUTATION_FORKSERVER")
        code = ask(server, sys.argv[2:]) if server else None
        return run_pytest(sys.argv[2:]) if code is None else code
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+", help="paths as listed in mutmut_config.py")
    parser.add_argument("--budget", type=float, default=900.0, help="seconds per module at most")
    parser.add_argument("--lines", help="FIRST-LAST: mutate only these lines (1-based), e.g. a call's arguments")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.lines:
        env["MUTMUT_LINES"] = args.lines
    print("| module | killed | survived | timeout | suspicious | skipped | untested | score | s |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    return max(score(m, args.budget, env) for m in args.modules)


if __name__ == "__main__":
    sys.exit(main())

"""Property: any command line and any script.json, however broken, is a one-line error or a planned film.

Never a traceback, and nothing written outside the run directory (and the cache). Two fuzzers:

- command lines: any command, options in any order with any values (nan, 0, "", markup, escape
  sequences), the source a prompt or a broken script.json; run in-process through `main()`, as the
  `auteur` command runs. The profile always names a renderer that does not exist, so no example
  renders a film: every one ends in the CLI's own error path, which is what is being fuzzed.
- script.json: a valid script with one to four things changed anywhere (any field, any type, the
  top-level lists included), read as `make` reads it and planned by every role through the graph's
  own role nodes, so their error conversion is the one a run uses.

Both run derandomized (a fixed sequence of examples), so a failure reproduces on every machine.
"""

import contextlib
import copy
import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from auteur.agents.registry import load_roles
from auteur.core.errors import AuteurError
from auteur.models.director import load_director
from auteur.models.renderer import load_renderer
from auteur.pipeline.cache import Cache
from auteur.pipeline.cli import main
from auteur.pipeline.config import load_profile
from auteur.pipeline.crew import Crew
from auteur.pipeline.graph import _fan_out, _role_node
from auteur.pipeline.inputs import read_input
from auteur.pipeline.runs import RunDir
from test_schema import planned_film

VALID = json.loads(planned_film().to_json())
TINY = Path(__file__).with_name("tiny.toml")
PROFILE = load_profile(str(TINY))
FUZZ = settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def value_paths(node, prefix=()):
    yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from value_paths(child, (*prefix, key))


PATHS = list(value_paths(VALID))[1:]  # every field, the top-level ones ("characters", "scenes") included
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8)
hostile_text = st.sampled_from(["[/]", "[bold]x", "\x1b[2J", "a\x00b", "../../etc/passwd", "/etc/hosts", "",
                                "\u202e", "x" * 5000, "<script>", "%{pts}", "'\""])


@st.composite
def broken_scripts(draw):
    """A valid script.json with one to four things changed: new text, another type, a key dropped, an item repeated."""
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        try:
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            key = path[-1]
            action = draw(st.sampled_from(["retext", "retext", "replace", "drop", "repeat", "swap-type", "hostile"]))
            if action == "retext" and isinstance(parent[key], str):  # any text where text belongs
                parent[key] = draw(st.text(max_size=60))
            elif action == "hostile":
                parent[key] = draw(hostile_text)
            elif action == "replace":  # any type anywhere: a number for a list, a list for a string, ...
                parent[key] = draw(junk)
            elif action == "drop":
                del parent[key]
            elif action == "repeat" and isinstance(parent, list):
                parent.insert(key, copy.deepcopy(parent[key]))
            else:
                parent[key] = [parent[key]] if not isinstance(parent[key], list) else {"x": parent[key]}
        except (KeyError, IndexError, TypeError):
            pass  # an earlier change removed this path
    return data


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def run_cli(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """`auteur ARGS` in this process, exactly as the console script runs it; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["auteur", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(cwd):
            try:
                main()
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(code: int, out: str, err: str) -> str:
    assert "Traceback" not in out + err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code != 0 and len(lines) == 1 and lines[0].startswith("error: "), (code, out, err)
    assert not any(ch in out + err for ch in "\x00\x1b\x07"), err
    return lines[0]


# ---------------------------------------------------------------- command lines


@contextlib.contextmanager
def no_renderer_profile(tmp: Path):
    profile = tmp / "no-renderer.toml"
    profile.write_text(TINY.read_text().replace('backend = "draft"\nsettings', 'backend = "hologram"\nsettings'))
    assert 'backend = "hologram"' in profile.read_text()
    yield profile


option_values = st.one_of(
    st.text(max_size=12), hostile_text, st.integers(-10**9, 10**9).map(str), st.floats().map(str),
    st.sampled_from(["0", "-1", "401", "65", "nan", "inf", "-inf", "1e309", "0.1", "0x10", "ray", "ray:", "local",
                     "mot", "draft:", "hologram:x"]))
out_values = st.text(alphabet="abc[]/ .\x1b\x00-_", max_size=12).filter(
    lambda v: not v.startswith(("/", "~")) and ".." not in v)
commands = st.sampled_from(["make", "make", "make", "resume", "eval", "bench", "roles", "mak", "--version"])
options = st.sampled_from(["--shots", "--minutes", "--workers", "--seed", "--executor", "--director", "-p",
                           "--fail-under", "--json", "--bogus"])
flags = st.sampled_from(["--burn-subtitles", "--no-plugins", "--help", "--"])


@st.composite
def command_lines(draw):
    args = [draw(commands)]
    script = None
    if draw(st.booleans()):
        script = draw(st.one_of(broken_scripts(), junk))
        args.append("script.json")
    else:
        args.append(draw(st.one_of(st.text(max_size=40), hostile_text)))
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["option", "option", "out", "flag"]))
        if kind == "option":
            args += [draw(options), draw(option_values)]
        elif kind == "out":
            args += [draw(st.sampled_from(["--out", "-o"])), draw(out_values)]
        else:
            args.append(draw(flags))
    return draw(st.permutations(args[1:])) if draw(st.booleans()) else args[1:], args[0], script


@FUZZ
@given(example=command_lines())
def test_any_command_line_is_a_one_line_error_or_help_and_writes_nothing_outside_out(example, tmp_path_factory):
    rest, command, script = example
    tmp = tmp_path_factory.mktemp("cli")
    cwd = tmp / "cwd"
    cwd.mkdir()
    if script is not None:
        (cwd / "script.json").write_text(json.dumps(script, ensure_ascii=False), encoding="utf-8")
    before = files_under(cwd)
    with no_renderer_profile(tmp) as profile:
        # The profile comes first and, unless a `--` ends the options, last too, where it wins over any
        # fuzzed --profile: no example renders a film.
        mine = ["--profile", str(profile)] if command == "make" else []
        args = [command, *mine, *rest] + (mine if "--" not in rest else [])
        code, out, err = run_cli(args, cwd)
    if code == 0:  # --help, --version, `roles`: output, and nothing written at all
        event("exit 0")
        assert "Traceback" not in out + err and not err.strip()
        assert files_under(cwd) == before
        return
    event(assert_one_line_error(code, out, err).split(":")[1][:40])
    outs = {rest[i + 1] for i, a in enumerate(rest[:-1]) if a in ("--out", "-o")}
    written = files_under(cwd) - before
    assert all(any(w == o.strip("/") or w.startswith(o.rstrip("/") + "/") for o in outs) for w in written), written


# ---------------------------------------------------------------- script.json through the graph's role nodes


def plan(film, tmp: Path):
    """The planning chain exactly as the graph runs it (its role nodes, keyframes drawn), then its fan-out."""
    run = RunDir(tmp / "run")
    for sub in ("shots", "characters", "locations"):
        (run.root / sub).mkdir(parents=True, exist_ok=True)
    crew = Crew(director=load_director("draft", {}), renderer=load_renderer("draft", {}), profile=PROFILE, run=run,
                cache=Cache(tmp / "cache"), target_shots=3)
    runtime = SimpleNamespace(context=crew)
    state = {"film": film}
    for role in load_roles(False).roles:
        state.update(_role_node(role)(state, runtime))
    return state["film"], _fan_out(state)


@FUZZ
@given(script=st.one_of(broken_scripts(), broken_scripts(), junk))
def test_any_script_json_is_a_one_line_error_or_a_planned_film_inside_its_run(script, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    path = tmp / "script.json"
    path.write_text(json.dumps(script, ensure_ascii=False), encoding="utf-8")
    try:
        film, tasks = plan(read_input(str(path)).film, tmp)
    except AuteurError as err:
        message = str(err)
        assert message and "\n" not in message and "Traceback" not in message
        event("a one-line error")
        return
    event("a planned film")
    assert not film.missing()
    assert len(tasks) == len(film.shots())
    run = RunDir(tmp / "run")
    for shot in film.shots():
        assert run.holds(shot.keyframe)
    for item in (*film.characters, *film.locations):
        assert run.holds(item.reference_image)
    assert {p.name for p in tmp.iterdir()} <= {"script.json", "run", "cache"}

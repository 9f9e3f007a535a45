"""Property: any script.json, however broken, gets a clear one-line error or a planned film; never a traceback."""

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from auteur.agents.registry import load_roles
from auteur.models.director import load_director
from auteur.models.renderer import load_renderer
from auteur.pipeline.cache import Cache
from auteur.pipeline.config import load_profile
from auteur.pipeline.crew import Crew
from auteur.core.errors import AuteurError
from auteur.pipeline.inputs import read_input
from auteur.pipeline.runs import RunDir
from auteur.core.schema import Film, describe_validation_error
from test_schema import planned_film

VALID = json.loads(planned_film().to_json())
TINY = load_profile(str(Path(__file__).with_name("tiny.toml")))


def value_paths(node, prefix=()):
    yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from value_paths(child, (*prefix, key))


PATHS = list(value_paths(VALID))[1:]
junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8)


@st.composite
def broken_scripts(draw):
    """A valid script.json with one to four things changed: new text, a value replaced, a key dropped, an item repeated."""
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        try:
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            key = path[-1]
            action = draw(st.sampled_from(["retext", "retext", "replace", "drop", "repeat", "swap-type"]))
            if action == "retext" and isinstance(parent[key], str):  # any text where text belongs
                parent[key] = draw(st.text(max_size=60))
            elif action == "replace":
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


def plan(film: Film, tmp: Path) -> Film:
    """The planning chain exactly as the graph runs it (every role, keyframes drawn), without rendering."""
    run = RunDir(tmp / "run")
    for sub in ("shots", "characters", "locations"):
        (run.root / sub).mkdir(parents=True, exist_ok=True)
    crew = Crew(director=load_director("draft", {}), renderer=load_renderer("draft", {}), profile=TINY, run=run,
                cache=Cache(tmp / "cache"), target_shots=3)
    for role in load_roles(False).roles:
        try:
            film = role.act(film, crew)
        except ValidationError as err:  # the graph's role node turns these into AuteurError the same way
            raise AuteurError(f"{role.title}: {describe_validation_error(err)}") from None
    return film


@settings(max_examples=520, deadline=None, suppress_health_check=list(HealthCheck))
@given(script=st.one_of(broken_scripts(), broken_scripts(), junk))
def test_any_script_json_is_a_one_line_error_or_a_planned_film(script, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    path = tmp / "script.json"
    path.write_text(json.dumps(script, ensure_ascii=False), encoding="utf-8")
    try:
        film = plan(read_input(str(path)).film, tmp)
    except AuteurError as err:
        message = str(err)
        assert message and "\n" not in message and "Traceback" not in message
        event("a one-line error")
        return
    event("a planned film")
    assert not film.missing()
    assert all(shot.keyframe for shot in film.shots())

"""The LangGraph state machine: the planning roles in order, one render task per shot, assembly.

    START -> director -> screenwriter -> location_manager -> storyboard -> [plugin roles]
          -> review -> render_shot x N (fanned out with Send) -> assemble -> END

`review` passes straight through unless the run asked to stop there (`auteur plan`, `make --review`):
then it interrupts the graph with the storyboard drawn and nothing rendered, and on `auteur resume`
takes in whatever was edited in script.json meanwhile.
"""

from __future__ import annotations

import inspect
import sqlite3
from typing import Callable

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send, interrupt
from pydantic import BaseModel, ValidationError

from auteur.agents.registry import Role
from auteur.core import schema
from auteur.pipeline import state
from auteur.pipeline.assembly import assemble_film
from auteur.core.atomic import write_text
from auteur.pipeline.crew import Crew
from auteur.core.errors import AuteurError, InputError
from auteur.core.schema import Film, describe_validation_error
from auteur.pipeline.shots import ShotFailed, render_shot
from auteur.pipeline.state import FilmState, ShotTask


def checkpointer(path: str) -> SqliteSaver:
    """SQLite checkpoints that restore our pydantic types and nothing else (no pickle)."""
    allowed = [(mod.__name__, name) for mod in (schema, state) for name, obj in vars(mod).items()
               if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == mod.__name__]
    allowed += [(schema.__name__, name) for name in ("BeatName", "ShotType", "CameraMove", "TimeOfDay")]
    conn = sqlite3.connect(path, check_same_thread=False)
    return SqliteSaver(conn, serde=JsonPlusSerializer(pickle_fallback=False, allowed_msgpack_modules=allowed))


def _act(role: Role, film: Film, crew: Crew) -> Film:
    """One role's work on the film, written to script.json as soon as it is done."""
    crew.emit("stage", role.name, 0.0)
    try:
        film = role.act(film, crew)
    except ValidationError as err:
        raise AuteurError(f"{role.title}: {describe_validation_error(err)}") from None
    if not isinstance(film, Film):
        raise AuteurError(f"role {role.name} returned {type(film).__name__}, not a Film")
    write_text(crew.run.script, film.to_json())
    crew.emit("stage", role.name, 1.0)
    crew.emit("plan", "shots", len(film.shots()))
    return film


def _role_node(role: Role) -> Callable:
    def node(current: FilmState, runtime: Runtime[Crew]) -> dict:
        return {"film": _act(role, current["film"], runtime.context)}

    node.__name__ = role.name
    return node


def _review_node(roles: list[Role]) -> Callable:
    def review(current: FilmState, runtime: Runtime[Crew]) -> dict:
        if not current.get("review"):
            return {}
        crew = runtime.context
        # Stops the graph here the first time; on `auteur resume` the node runs again and this returns.
        interrupt({"run": str(crew.run.root), "stage": "storyboard"})
        film = current["film"]
        edited = read_edited_script(crew.run.script)
        if edited == film:
            return {"review": False}
        # Edited: the crew goes over it again. Every picture is drawn anew from the edited plan, and the
        # content-keyed cache hands back each one whose inputs did not change, so only edited shots (and
        # every shot of an edited character or place) are drawn again.
        film = without_pictures(edited)
        for role in roles:
            film = _act(role, film, crew)
        return {"film": film, "review": False, "edited": True}

    return review


def read_edited_script(path) -> Film:
    """script.json as a person left it during review; a broken one is named in one line."""
    try:
        text = path.read_text("utf-8")
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
    try:
        return Film.model_validate_json(text)
    except ValidationError as err:
        raise InputError(f"{path}: {describe_validation_error(err, _loose_json(text))}; fix it and run "
                         f"`auteur resume` again") from None


def _loose_json(text: str) -> object:
    import json

    try:
        return json.loads(text)
    except ValueError:
        return None


def without_pictures(film: Film) -> Film:
    """The film with every drawn picture forgotten (the cache gives back those whose inputs are unchanged)."""
    return film.revise(
        characters=[c.model_copy(update={"reference_image": None}) for c in film.characters],
        locations=[p.model_copy(update={"reference_image": None}) for p in film.locations],
        scenes=[s.model_copy(update={"shots": [sh.model_copy(update={"keyframe": None}) for sh in s.shots]})
                for s in film.scenes])


def _fan_out(current: FilmState) -> list[Send]:
    """One render task per shot not rendered yet (after failed shots, a resume re-sends only those)."""
    film = current["film"]
    missing = film.missing()
    if missing:
        raise AuteurError(f"the crew left the film without: {', '.join(missing)}")
    done = current.get("clips") or {}
    return [Send("render_shot", shot_task(film, shot.id)) for shot in film.shots() if shot.id not in done]


def shot_task(film: Film, shot_id: str) -> ShotTask:
    """What rendering one shot of the film needs (a retake renders one through this too)."""
    k, scene = next((k, s) for k, s in enumerate(film.scenes) if any(sh.id == shot_id for sh in s.shots))
    n, shot = next((n, sh) for n, sh in enumerate(scene.shots) if sh.id == shot_id)
    # a dip to black where one scene gives way to the next
    return ShotTask(shot=shot, cast=[film.character(t) for t in shot.characters], location=film.location(scene.location),
                    dip_in=k > 0 and n == 0, dip_out=k < len(film.scenes) - 1 and n == len(scene.shots) - 1,
                    language=film.treatment.language if film.treatment else "en")


def _render_node(task: ShotTask, runtime: Runtime[Crew]) -> dict:
    # A shot that fails for good is recorded rather than raised, so the other shots still render
    # (an exception would cancel every shot not yet started); assembly then reports it.
    try:
        record = render_shot(task, runtime.context)
    except ShotFailed as err:
        return {"failed": {err.shot_id: err.reason}}
    return {"clips": {record.shot_id: record}}


def _assemble_node(current: FilmState, runtime: Runtime[Crew]) -> dict:
    failed = current.get("failed") or {}
    if failed:
        kept = len(current.get("clips") or {})
        raise AuteurError(f"shot{'s' * (len(failed) > 1)} {', '.join(failed)} could not be rendered "
                          f"({next(iter(failed.values()))}); the other {kept} shots are kept")
    return {"output": assemble_film(current["film"], current.get("clips", {}), runtime.context)}


def retry_failed_shots(graph, config: dict) -> list[str]:
    """Before resuming a run whose shots failed: clear the failures and send those shots again."""
    snapshot = graph.get_state(config)
    failed = list((snapshot.values.get("failed") or {}))
    if failed and snapshot.next == ("assemble",):
        graph.update_state(config, {"failed": None}, as_node="review")
        return failed
    return []


def waiting_for_review(graph, config: dict) -> bool:
    """Whether the run stopped at the review node and waits for `auteur resume`."""
    snapshot = graph.get_state(config)
    return snapshot.next == ("review",) and bool(snapshot.interrupts)


def build_graph(roles: list[Role], saver: SqliteSaver | None = None):
    graph = StateGraph(FilmState, context_schema=Crew)
    previous = START
    for role in roles:
        graph.add_node(role.name, _role_node(role))
        graph.add_edge(previous, role.name)
        previous = role.name
    graph.add_node("review", _review_node(roles))
    graph.add_edge(previous, "review")
    graph.add_node("render_shot", _render_node)
    graph.add_node("assemble", _assemble_node)
    graph.add_conditional_edges("review", _fan_out, ["render_shot"])
    graph.add_edge("render_shot", "assemble")
    graph.add_edge("assemble", END)
    return graph.compile(checkpointer=saver)

"""The LangGraph state machine: the planning roles in order, one render task per shot, assembly.

    START -> director -> screenwriter -> location_manager -> storyboard -> [plugin roles]
          -> render_shot x N (fanned out with Send) -> assemble -> END
"""

from __future__ import annotations

import inspect
import sqlite3
from typing import Callable

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send
from pydantic import BaseModel, ValidationError

from auteur.agents.registry import Role
from auteur.core import schema
from auteur.pipeline import state
from auteur.pipeline.assembly import assemble_film
from auteur.core.atomic import write_text
from auteur.pipeline.crew import Crew
from auteur.core.errors import AuteurError
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


def _role_node(role: Role) -> Callable:
    def node(current: FilmState, runtime: Runtime[Crew]) -> dict:
        crew = runtime.context
        crew.emit("stage", role.name, 0.0)
        try:
            film = role.act(current["film"], crew)
        except ValidationError as err:
            raise AuteurError(f"{role.title}: {describe_validation_error(err)}") from None
        if not isinstance(film, Film):
            raise AuteurError(f"role {role.name} returned {type(film).__name__}, not a Film")
        write_text(crew.run.script, film.to_json())
        crew.emit("stage", role.name, 1.0)
        crew.emit("plan", "shots", len(film.shots()))
        return {"film": film}

    node.__name__ = role.name
    return node


def _fan_out(current: FilmState) -> list[Send]:
    """One render task per shot not rendered yet (after failed shots, a resume re-sends only those)."""
    film = current["film"]
    missing = film.missing()
    if missing:
        raise AuteurError(f"the crew left the film without: {', '.join(missing)}")
    done = current.get("clips") or {}
    tasks = []
    for k, scene in enumerate(film.scenes):
        for n, shot in enumerate(scene.shots):
            if shot.id in done:
                continue
            # a dip to black where one scene gives way to the next
            tasks.append(Send("render_shot", ShotTask(
                shot=shot, cast=[film.character(t) for t in shot.characters], location=film.location(scene.location),
                dip_in=k > 0 and n == 0, dip_out=k < len(film.scenes) - 1 and n == len(scene.shots) - 1,
                language=film.treatment.language if film.treatment else "en")))
    return tasks


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


def retry_failed_shots(graph, config: dict, last_role: str) -> list[str]:
    """Before resuming a run whose shots failed: clear the failures and send those shots again."""
    snapshot = graph.get_state(config)
    failed = list((snapshot.values.get("failed") or {}))
    if failed and snapshot.next == ("assemble",):
        graph.update_state(config, {"failed": None}, as_node=last_role)
        return failed
    return []


def build_graph(roles: list[Role], saver: SqliteSaver | None = None):
    graph = StateGraph(FilmState, context_schema=Crew)
    previous = START
    for role in roles:
        graph.add_node(role.name, _role_node(role))
        graph.add_edge(previous, role.name)
        previous = role.name
    graph.add_node("render_shot", _render_node)
    graph.add_node("assemble", _assemble_node)
    graph.add_conditional_edges(previous, _fan_out, ["render_shot"])
    graph.add_edge("render_shot", "assemble")
    graph.add_edge("assemble", END)
    return graph.compile(checkpointer=saver)

"""A finished run remembered under everything that made it, so an unchanged re-run is a copy.

Re-making an unchanged film through the graph would find every keyframe, clip, storyboard, film
and score in the cache, but would still load LangGraph and the models to learn that. Instead, a
finished run is recorded under a key of its whole input: the premise or script, the profile's
settings, the seed, the shot count, the roles, and the source code of auteur itself. A later
`make` with the same key places the recorded files into its run directory, each one checked
against its digest first; if any entry is missing or damaged, the run goes through the graph.
"""

from __future__ import annotations

import json
from importlib.metadata import version

from auteur.core.atomic import write_text
from auteur.pipeline.cache import Cache, code_digest
from auteur.pipeline.config import Profile
from auteur.pipeline.inputs import FilmInput
from auteur.pipeline.runs import RunDir

# What a run directory holds besides its own bookkeeping (run.json, input.json, run.log, state, lock).
_BOOKKEEPING = {"run.json", "input.json", "run.log", "state.sqlite", "state.sqlite-wal", "state.sqlite-shm", ".lock"}
_TEXT = {".json", ".srt", ".html", ".txt"}
SOURCES = ("auteur.core", "auteur.agents", "auteur.prompts", "auteur.pipeline", "auteur.models", "auteur.tools")


def run_key(film_input: FilmInput, profile: Profile, seed: int, target_shots: int | None,
            roles: list[tuple[str, str]]) -> str:
    # where shots render and how often a failure is retried change how a film is made, never what it is
    settings = profile.model_dump(mode="json", exclude={"executor", "workers", "retries", "retry_backoff_s",
                                                        "description"})
    return Cache.key("run", version("auteur"), code_digest(*SOURCES), film_input.to_json(), settings, seed,
                     target_shots, roles)


def remember(cache: Cache, key: str, run: RunDir, summary: dict) -> None:
    """Record a finished run: small text files inline, every other file as the cache entry it is a copy of."""
    files: dict[str, dict] = {}
    for path in sorted(p for p in run.root.rglob("*") if p.is_file()):
        rel = path.relative_to(run.root).as_posix()
        if rel in _BOOKKEEPING or rel.startswith(".") or "/." in rel:
            continue
        digest = Cache.file_digest(path)
        if path.suffix in _TEXT and path.stat().st_size < 4_000_000:
            files[rel] = {"text": path.read_text("utf-8"), "sha256": digest}
            continue
        entry = cache.placed.get(path.resolve())
        if entry is None or cache.recorded_digest(entry) != digest:
            entry = cache.keep("files", digest, path.suffix, path)
        files[rel] = {"entry": entry.relative_to(cache.root).as_posix(), "sha256": digest}
    record = cache.path("runs", key, ".json")
    write_text(record, json.dumps({"files": files, "summary": summary}, ensure_ascii=False))
    cache.record(record)


def recall(cache: Cache, key: str) -> dict | None:
    """The record of a finished run with this key, if it and every entry it names are intact."""
    record = cache.path("runs", key, ".json")
    if not cache.verified(record):
        return None
    try:
        data = json.loads(record.read_text("utf-8"))
        files = data["files"]
        for rel, item in files.items():
            # a record names only paths inside a run and entries inside the cache
            if RunDir.confined(rel) is None:
                return None
            if "entry" in item:
                entry = cache.root / item["entry"]
                if not (entry.resolve().is_relative_to(cache.root.resolve()) and cache.verified(entry)
                        and cache.recorded_digest(entry) == item["sha256"]):
                    return None
            elif not isinstance(item.get("text"), str):
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return data


def replay(cache: Cache, record: dict, run: RunDir) -> dict:
    """Place a recalled run's files into `run`; returns its summary."""
    for rel, item in record["files"].items():
        target = run.root / rel
        if "entry" in item:
            cache.put(cache.root / item["entry"], target)
        else:
            write_text(target, item["text"])
    if "eval.json" in record["files"]:
        data = json.loads((run.root / "eval.json").read_text("utf-8"))
        data["source"] = str(run.root)  # the scores name the run they are the scores of
        write_text(run.root / "eval.json", json.dumps(data, indent=2) + "\n")
    return dict(record.get("summary") or {})

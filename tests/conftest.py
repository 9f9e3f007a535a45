import os
from pathlib import Path

import pytest
from hypothesis import settings

# Every Hypothesis test draws the same examples on every run, so a failure seen in CI replays here;
# `HYPOTHESIS_PROFILE=explore` draws fresh examples when hunting for new bugs on purpose.
settings.register_profile("replayable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "replayable"))


# The suite runs on both cores with pytest-xdist (`-n auto`, the README's command), one test file per unit
# of work, handed out in collection order (`--dist loadfile --no-loadscope-reorder` in pyproject.toml:
# xdist would otherwise deal the files with the most tests first). So the longest go first (longest-
# processing-time-first): the two workers then finish together instead of one waiting on a film-making
# file dealt last. A file not listed runs after these, in its usual order.
SLOWEST_FIRST = (  # seconds per file, `--durations=0`, 2026-12-07 on a quiet machine (1643 tests, 13 min); the
    # files marked * were changed since (suite-speed: fewer films) and their figures scaled by the before/after
    # ratio measured back to back at one load (benchmarks/RESULTS.md, "Suite time: fewer films")
    "test_readme_cli.py",        # 146 s (makes the film test_ray_executor.py reuses: keep it first)
    "test_kill_resume.py",       # 113 s
    "test_mot_training.py",      # 100 s
    "test_ray_executor.py",      # * 90 s
    "test_mot_director.py",      # 69 s
    "test_film.py",              # 57 s
    "test_sources.py",           # * 50 s (makes the film test_run_report.py reuses)
    "test_shot_failures.py",     # 50 s
    "test_eval_judged.py",       # 50 s
    "test_uniavgen_renderer.py",  # 49 s
    "test_studio_end_to_end.py",  # 48 s
    "test_hardening.py",         # 46 s
    "test_creator_loop.py",      # 44 s (345 s at a load of 10)
    "test_story_planner.py",     # 37 s
    "test_same_film.py",         # 36 s
    "test_story_film.py",        # 34 s
    "test_resume.py",            # * 32 s
    "test_bad_input.py",         # * 30 s
    "test_fast_settings.py",     # 30 s
    "test_mot_training_init.py",  # 28 s
    "test_assemble.py",          # 28 s
    "test_eval_cli.py",          # 19 s
    "test_eval_premise.py",      # 17 s
    "test_run_report.py",        # * 2 s (test_sources.py's film)
)


def pytest_collection_modifyitems(items):
    rank = {name: k for k, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's own order is kept


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test module gets its own artifact cache, so no test sees another's renders."""
    monkeypatch.setenv("AUTEUR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield


@pytest.fixture(scope="session")
def shared_films_root(tmp_path_factory) -> Path:
    """Where tests/shared_films.py keeps its films: beside the xdist workers' own temporary folders, so all share them."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-films"


PREMISE = "A lighthouse keeper befriends a storm that wants to stop raining"

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
SLOWEST_FIRST = (  # seconds per file, `--durations=0` of the whole suite, 2026-12-08 00:57 UTC on a quiet machine (1825
    # tests, 9 min 13 s)
    "test_readme_cli.py",        # 78 s (makes the film test_ray_executor.py reuses: keep it first)
    "test_ray_executor.py",      # 74 s
    "test_kill_resume.py",       # 69 s
    "test_mot_training.py",      # 62 s
    "test_mot_director.py",      # 48 s
    "test_studio_end_to_end.py",  # 48 s
    "test_film.py",              # 46 s
    "test_eval_judged.py",       # 46 s
    "test_uniavgen_renderer.py",  # 39 s
    "test_mot_training_init.py",  # 37 s
    "test_story_planner.py",     # 37 s
    "test_assemble.py",          # 35 s
    "test_story_film.py",        # 34 s
    "test_shot_failures.py",     # 31 s
    "test_creator_loop.py",      # 28 s
    "test_sources.py",           # 27 s (makes the film test_run_report.py reuses)
    "test_same_film.py",         # 20 s
    "test_fast_settings.py",     # 20 s
    "test_draft_renderer.py",    # 16 s
    "test_script_fuzz.py",       # 15 s
    "test_mot_training_data.py",  # 15 s
    "test_hardening.py",         # 14 s
    "test_resume.py",            # 14 s
    "test_roles.py",             # 13 s
    "test_loudness.py",          # 13 s
    "test_bad_input.py",         # 12 s
    "test_wan_renderer.py",      # 11 s
    "test_mot_fast_paths.py",    # 11 s
    "test_run_report.py",        # 1 s (test_sources.py's film)
)


def pytest_configure(config):
    """A worker of `-n auto` has one core of its own: torch and the BLAS libraries get one thread, in this process
    and in every `auteur` process it starts. Tiny models gain nothing from a thread pool, and two workers' pools
    spinning on two cores cost far more (a tiny studio film: 34 s alone, 81 s beside the other worker)."""
    if hasattr(config, "workerinput"):  # set on xdist's workers only; a plain `pytest` keeps every core
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")


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

import os

import pytest
from hypothesis import settings

# Every Hypothesis test draws the same examples on every run, so a failure seen in CI replays here;
# `HYPOTHESIS_PROFILE=explore` draws fresh examples when hunting for new bugs on purpose.
settings.register_profile("replayable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "replayable"))


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test module gets its own artifact cache, so no test sees another's renders."""
    monkeypatch.setenv("AUTEUR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield


PREMISE = "A lighthouse keeper befriends a storm that wants to stop raining"

import os

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test module gets its own artifact cache, so no test sees another's renders."""
    monkeypatch.setenv("AUTEUR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield


PREMISE = "A lighthouse keeper befriends a storm that wants to stop raining"

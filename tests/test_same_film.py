"""A film is a function of its prompt, seed and profile: made twice from empty caches, the bytes agree."""

from pathlib import Path

import pytest

from clirun import auteur

pytestmark = pytest.mark.slow

TINY = str(Path(__file__).with_name("tiny.toml"))
PROMPT = "Two rival food-truck owners are snowed in before the festival"
ARTIFACTS = ("film.mp4", "film.srt", "storyboard.png", "script.json")


def make(tmp_path: Path, take: str, seed: int) -> Path:
    out = tmp_path / take
    done = auteur("make", PROMPT, "--profile", TINY, "--shots", "4", "--seed", str(seed), "--out", str(out),
                  cache=tmp_path / f"cache-{take}")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> Path:
    """The seed-3 film both tests compare against (made once: films are the slow part of this file)."""
    return make(tmp_path_factory.mktemp("same"), "first", 3)


def test_the_same_prompt_and_seed_make_the_same_film_bytes(first, tmp_path):
    second = make(tmp_path, "second", 3)  # its own empty cache: everything is made again
    for name in ARTIFACTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_another_seed_makes_another_film(first, tmp_path):
    other = make(tmp_path, "other", 4)
    assert (first / "script.json").read_bytes() != (other / "script.json").read_bytes()

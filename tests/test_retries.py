"""Retry back-off: a failing shot is tried again after retry_backoff_s, then twice that (2 s, then 4 s by default)."""

import errno
from types import SimpleNamespace

import pytest

from auteur.core.errors import InputError
from auteur.models.renderer import RenderedClip
from auteur.pipeline import shots
from auteur.pipeline.config import load_profile


class CrashingRenderer:
    """A renderer whose first `failures` renders raise `error`, as a crashed encoder would."""

    def __init__(self, failures: int, error=RuntimeError):
        self.failures, self.error, self.calls = failures, error, 0

    def render(self, request, out, progress=None):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error(f"encoder crash {self.calls}")
        out.write_bytes(b"clip")
        return RenderedClip(path=out, duration=1.0)


def attempt(tmp_path, monkeypatch, renderer, **profile_update):
    waits = []
    monkeypatch.setattr(shots.time, "sleep", waits.append)
    profile = load_profile("draft").model_copy(update=profile_update)
    crew = SimpleNamespace(renderer=renderer, profile=profile, emit=lambda *args: None)
    request = SimpleNamespace(shot=SimpleNamespace(id="sc1-sh02"))
    try:
        return shots._render_with_retries(request, tmp_path / "clip.mp4", crew), waits
    except Exception as err:
        err.waits = waits
        raise


def test_the_default_profile_waits_2_s_then_4_s_between_attempts(tmp_path, monkeypatch):
    clip, waits = attempt(tmp_path, monkeypatch, CrashingRenderer(2))
    assert waits == [2.0, 4.0]
    assert clip.path == tmp_path / "clip.mp4" and clip.path.read_bytes() == b"clip"


def test_the_back_off_doubles_from_the_profiles_first_wait(tmp_path, monkeypatch):
    _, waits = attempt(tmp_path, monkeypatch, CrashingRenderer(3), retries=3, retry_backoff_s=0.5)
    assert waits == [0.5, 1.0, 2.0]


def test_a_shot_failing_every_attempt_is_named_with_its_last_reason_and_no_wait_after(tmp_path, monkeypatch):
    with pytest.raises(shots.ShotFailed) as err:
        attempt(tmp_path, monkeypatch, CrashingRenderer(9))
    assert str(err.value) == "shot sc1-sh02 failed: encoder crash 3, after 3 attempts"
    assert err.value.waits == [2.0, 4.0] and not list(tmp_path.iterdir())  # no half-written clip left


def test_one_attempt_is_said_in_the_singular(tmp_path, monkeypatch):
    with pytest.raises(shots.ShotFailed, match=r"^shot sc1-sh02 failed: encoder crash 1, after 1 attempt$"):
        attempt(tmp_path, monkeypatch, CrashingRenderer(1), retries=0)


@pytest.mark.parametrize("error", [InputError, lambda msg: OSError(errno.ENOSPC, "No space left on device")])
def test_a_wrong_input_or_a_full_disk_is_not_retried(tmp_path, monkeypatch, error):
    renderer = CrashingRenderer(1, error)
    with pytest.raises((InputError, OSError)) as err:
        attempt(tmp_path, monkeypatch, renderer)
    assert renderer.calls == 1 and err.value.waits == []

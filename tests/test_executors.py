"""Choosing an executor: local by default, ray or ray:ADDRESS by profile or flag, anything else one line."""

import sys

import pytest

from auteur.pipeline.config import load_profile
from auteur.core.errors import InputError
from auteur.models.draft.renderer import DraftRenderer
from auteur.pipeline.executors import open_executor, parse_executor
from auteur.pipeline.executors.local import LocalExecutor
from clirun import auteur


@pytest.mark.parametrize("spec, parsed", [("local", ("local", None)), ("ray", ("ray", None)),
                                          ("ray:auto", ("ray", "auto")), ("ray:10.0.0.5:6379", ("ray", "10.0.0.5:6379"))])
def test_executor_specs_name_a_kind_and_an_address(spec, parsed):
    assert parse_executor(spec) == parsed


def test_the_default_executor_is_local_with_a_seat_per_worker():
    executor = open_executor(load_profile("preview").model_copy(update={"workers": 3}))
    try:
        # what only the in-process executor has: one warm renderer of this process behind three seats,
        # and no Ray session started for it
        assert isinstance(executor, LocalExecutor)
        assert len(executor.renderers) == 1 and isinstance(executor.renderers[0], DraftRenderer)
        assert executor.slots == 3 and executor._seats.qsize() == 3
        assert "ray" not in sys.modules or not sys.modules["ray"].is_initialized()
        assert executor.settings() == executor.renderers[0].settings()
    finally:
        executor.close()


def test_an_unknown_executor_is_one_line_naming_it(tmp_path):
    done = auteur("make", "A fox finds a key", "--executor", "spark", "--out", str(tmp_path / "run"),
                  cache=tmp_path / "cache")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: unknown executor 'spark'") and "\n" not in done.stderr.strip()
    assert not (tmp_path / "run").exists()


def test_a_profile_naming_an_unknown_executor_is_refused(tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text('executor = "dask"\n[director]\nbackend = "draft"\n[renderer]\nbackend = "draft"\n')
    with pytest.raises(InputError, match="unknown executor 'dask'"):
        load_profile(str(profile))

import subprocess
import sys
from pathlib import Path

import pytest

from auteur.agents.registry import Role, load_roles
from auteur.core.errors import AuteurError

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "examples" / "composer-role"


def test_built_in_roles_come_through_the_entry_point_registry_in_order():
    roster = load_roles(plugins=False)
    assert [r.name for r in roster.roles] == ["director", "screenwriter", "location_manager", "storyboard"]
    assert all(r.source == "built-in" for r in roster.roles)


def test_a_role_cannot_take_a_reserved_node_name():
    with pytest.raises(AuteurError, match="snake_case"):
        Role(name="assemble", title="x", summary="x", order=1, act=lambda film, crew: film)


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """Install the example plugin package for real (pip, into a folder put on sys.path)."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(PLUGIN)], check=True, capture_output=True)
    monkeypatch.syspath_prepend(str(target))
    monkeypatch.setenv("PYTHONPATH", str(target))
    return target


def test_installing_the_example_plugin_adds_its_role_after_the_storyboard(installed_plugin):
    names = [r.name for r in load_roles().roles]
    assert names == ["director", "screenwriter", "location_manager", "storyboard", "composer"]
    composer = load_roles().roles[-1]
    assert composer.source == "auteur-composer"


def test_plugins_can_be_switched_off(installed_plugin, monkeypatch):
    monkeypatch.setenv("AUTEUR_NO_PLUGINS", "1")
    assert "composer" not in [r.name for r in load_roles().roles]


def test_auteur_roles_lists_the_plugin(installed_plugin):
    out = subprocess.run([sys.executable, "-m", "auteur.pipeline.cli", "roles"], capture_output=True, text=True,
                         env={**__import__("os").environ, "COLUMNS": "160"})
    assert out.returncode == 0, out.stderr
    assert "composer" in out.stdout and "auteur-composer" in out.stdout

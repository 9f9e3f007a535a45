"""examples/ci: the GitHub Actions workflow and the GitLab job install auteur as the README says and gate on a suite."""

import re
import shlex
from pathlib import Path

import pytest
import typer

from auteur.pipeline.cli import app

yaml = pytest.importorskip("yaml")  # PyYAML comes with huggingface-hub
CI = Path("examples/ci")


def readme_install() -> str:
    line = next(ln for ln in Path("README.md").read_text("utf-8").splitlines() if "pip install -e ." in ln and "make" in ln)
    return line.split(" && .venv/bin/auteur")[0].strip()


def commands(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text("utf-8"))
    if "jobs" in data:  # GitHub Actions
        return [s["run"] for job in data["jobs"].values() for s in job["steps"] if "run" in s]
    return [line for job in data.values() if isinstance(job, dict) for line in job.get("script", [])]


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_example_installs_auteur_with_the_readme_command(name):
    assert readme_install() == "python3 -m venv .venv && .venv/bin/pip install -e ."
    assert readme_install() in commands(CI / name)


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_example_benches_a_committed_suite_with_junit_and_its_commands_parse(name):
    runs = [c for c in commands(CI / name) if c.startswith(".venv/bin/auteur ")]
    assert any(shlex.split(c)[1] == "bench" and "--junit" in c for c in runs)
    cli = typer.main.get_command(app)
    for command in runs:
        args = shlex.split(command)[1:]
        for suite in re.findall(r"examples/suites/\S+\.toml", command):
            assert Path(suite).is_file(), suite
        parent = cli.make_context("auteur", list(args))
        sub = cli.get_command(parent, args[0])
        assert sub is not None, command
        sub.make_context(args[0], list(args[1:]), parent=parent)  # raises on an unknown option or a bad value


def test_the_github_workflow_publishes_the_junit_report_even_when_the_gate_fails():
    steps = yaml.safe_load((CI / "github-actions.yml").read_text("utf-8"))["jobs"]["bench"]["steps"]
    publish = next(s for s in steps if "junit" in s.get("uses", ""))
    assert publish["if"] == "always()" and "junit.xml" in publish["with"]["report_paths"]


def test_the_gitlab_job_reports_junit_even_when_the_gate_fails():
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text("utf-8"))["auteur-bench"]
    assert job["artifacts"]["when"] == "always" and "runs/smoke/junit.xml" in job["artifacts"]["reports"]["junit"]

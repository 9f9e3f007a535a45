"""`auteur eval` and `auteur bench` as a CI job calls them: scores, JSON, exit codes, one-line errors."""

import json

import pytest

from auteur.pipeline.bench import Row, Suite, Thresholds, failures, load_suite, markdown
from auteur.core.errors import InputError
from clirun import auteur
from test_eval_metamorphic import with_orphan_speaker
from test_schema import planned_film


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    root = tmp_path_factory.mktemp("scripts")
    (root / "real.json").write_text(planned_film().to_json())
    (root / "orphan.json").write_text(with_orphan_speaker(planned_film()).to_json())
    return root


def test_eval_writes_json_and_fails_under_the_gate(scripts):
    out = scripts / "scores.json"
    done = auteur("eval", str(scripts / "orphan.json"), "--json", str(out), "--fail-under", "0.99")
    assert done.returncode == 1, done.stderr
    scores = json.loads(out.read_text())
    membership = next(m for m in scores["metrics"] if m["name"] == "membership")
    assert scores["overall"] < 0.99 and membership["score"] < 1.0
    assert "orphan speaker" in done.stdout and "below --fail-under 0.99" in done.stderr


def test_eval_of_a_missing_script_is_one_line(tmp_path):
    done = auteur("eval", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no script.json there" in done.stderr


def test_the_committed_smoke_suite_loads():
    suite = load_suite("examples/suites/smoke.toml")
    assert suite.profile == "preview" and suite.shots and len(suite.prompts) >= 2
    assert 0 < suite.thresholds.overall <= 1


def test_a_suite_without_thresholds_is_refused_by_name(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('prompts = ["A fox finds a key"]\n')
    with pytest.raises(InputError, match="thresholds"):
        load_suite(bad)


def test_a_film_below_any_threshold_fails_the_bench():
    gate = Thresholds(overall=0.8, metrics={"membership": 1.0})
    assert failures(0.9, {"membership": 1.0, "faithfulness": 0.1}, gate) == []
    assert failures(0.9, {"membership": 0.8}, gate) == ["membership 0.800 < 1.0"]
    assert failures(0.7, {"membership": None}, gate) == ["overall 0.700 < 0.8"]


def test_the_bench_table_has_a_row_per_prompt_and_escapes_pipes():
    suite = Suite(name="s", prompts=["a|b", "c"], thresholds=Thresholds(overall=0.5))
    rows = [Row(prompt=p, run="r", seconds=1.0, overall=0.6, metrics={"membership": 1.0, "identity": None},
                failures=[]) for p in suite.prompts]
    table = markdown(suite, rows)
    assert "| a\\|b | 0.600 | 1.000 | skipped | 1.0 | yes |" in table and "| c |" in table


@pytest.mark.slow
def test_bench_exits_1_and_says_which_threshold_a_film_missed(tmp_path):
    suite = tmp_path / "strict.toml"
    suite.write_text('profile = "preview"\nshots = 2\nprompts = ["A fox finds a key"]\n'
                     '[thresholds]\noverall = 0.999\n')
    done = auteur("bench", str(suite), "--out", str(tmp_path / "out"), cache=tmp_path / "cache")
    assert done.returncode == 1, done.stderr
    table = json.loads((tmp_path / "out" / "bench.json").read_text())
    assert table["passed"] is False and table["rows"][0]["failures"][0].startswith("overall ")
    assert "NO: overall" in (tmp_path / "out" / "bench.md").read_text()

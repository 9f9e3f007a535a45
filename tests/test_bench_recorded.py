"""A suite whose films do not reach its thresholds yet gates on their recorded scores (issue 21: until the draft
planner reaches the judged boundary, no regression of its recorded scores, and the distance to the boundary printed)."""

from __future__ import annotations

import json

import pytest

from auteur.core.errors import InputError
from auteur.pipeline.bench import Recorded, Row, Suite, Thresholds, gated, load_recorded, markdown, record, regressions


def row(prompt: str = "p", overall: float = 0.8, **metrics) -> Row:
    return Row(prompt=prompt, run=f"runs/{prompt}", seconds=1.0, overall=overall,
               metrics={"template": 0.0, "situation": 0.7, **metrics}, failures=[])


def test_a_score_more_than_the_tolerance_below_its_record_is_a_regression():
    was = Recorded(overall=0.8, metrics={"template": 0.0, "situation": 0.75, "identity": None})
    assert regressions(row(overall=0.781, situation=0.731), was, 0.02) == []
    assert regressions(row(overall=0.779, situation=0.72), was, 0.02) == [
        "overall 0.779 < recorded 0.800 - 0.02", "situation 0.720 < recorded 0.750 - 0.02"]
    # a metric skipped now or then is no regression; a prompt never recorded is
    assert regressions(row(situation=None), was, 0.02) == []
    assert regressions(row(), None, 0.02) == ["no recorded scores for this prompt (run `auteur bench SUITE --record`)"]


def test_the_gate_fails_regressions_and_still_reports_the_distance_to_the_thresholds():
    suite = Suite(name="s", prompts=["p"], gate="recorded",
                  thresholds=Thresholds(overall=0.84, metrics={"template": 0.7}))
    [kept] = gated([row()], suite, {"p": Recorded(overall=0.8, metrics={"template": 0.0, "situation": 0.7})})
    assert kept.failures == [] and kept.boundary == ["overall 0.800 < 0.84", "template 0.000 < 0.7"]
    table = markdown(suite, [kept])
    assert "| yes |" in table and "- p: overall 0.800 < 0.84; template 0.000 < 0.7" in table
    [by_thresholds] = gated([row()], suite.model_copy(update={"gate": "thresholds"}))
    assert by_thresholds.failures == by_thresholds.boundary


def test_a_record_is_written_beside_the_suite_and_read_back(tmp_path):
    suite_path = tmp_path / "smoke.toml"
    suite = Suite(name="smoke", prompts=["p"], thresholds=Thresholds(overall=0.5))
    written = record(suite, [row(overall=0.81234, situation=None)], suite_path)
    assert written == tmp_path / "smoke.recorded.json"
    assert load_recorded(suite_path) == {"p": Recorded(overall=0.8123, metrics={"template": 0.0, "situation": None})}
    assert load_recorded(tmp_path / "other.toml") == {}


@pytest.mark.parametrize("text", ["{", '{"films": []}', '{"films": {"p": {"overall": "high"}}}', "[]"])
def test_a_damaged_record_is_refused_in_one_line(tmp_path, text):
    (tmp_path / "s.recorded.json").write_text(text)
    with pytest.raises(InputError, match=r"^recorded scores .*s\.recorded\.json: not a recording"):
        load_recorded(tmp_path / "s.toml")


def test_the_committed_smoke_suite_gates_on_its_record_of_both_prompts():
    from auteur.pipeline.bench import load_suite

    suite = load_suite("examples/suites/smoke.toml")
    recorded = load_recorded("examples/suites/smoke.toml")
    assert suite.gate == "recorded" and suite.tolerance == 0.02
    assert set(recorded) == set(suite.prompts)
    data = json.loads(open("examples/suites/smoke.recorded.json", encoding="utf-8").read())
    assert data["suite"] == "smoke"

"""`auteur eval/bench --junit`: one test case per film and metric, failures named, valid against the common JUnit schema."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from auteur.pipeline.bench import Row, Suite, Thresholds, junit_films, load_suite, with_repetition
from auteur.tools.evaluation.junit import Case, FilmCases, document, write
from auteur.tools.evaluation.score import evaluate_film, save
from clirun import auteur
from film_fixtures import FILMS, film

xmlschema = pytest.importorskip("xmlschema")  # a dev dependency (pyproject.toml [dev])
SCHEMA = Path(__file__).parent / "data" / "junit-10.xsd"


@pytest.fixture(scope="module")
def junit_schema():
    return xmlschema.XMLSchema(str(SCHEMA))


def test_eval_writes_valid_junit_with_a_case_per_metric_and_named_failures(tmp_path, junit_schema):
    out = tmp_path / "eval.xml"
    done = auteur("eval", str(FILMS / "off_premise" / "wrong_species_duck.json"), "--thresholds",
                  "examples/suites/smoke.toml", "--junit", str(out))
    assert done.returncode == 1, done.stderr
    junit_schema.validate(str(out))
    suite = ET.parse(out).getroot().find("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert {"membership", "premise_coverage", "cast_sanity", "plot_cast", "framing", "overall"} <= set(cases)
    failure = cases["cast_sanity"].find("failure")
    assert failure.get("message").startswith("cast_sanity ") and "< 0.5" in failure.get("message")
    assert "cast <char1> (Felix): the premise's detective duck (animal) is drawn as a person" in failure.text
    assert cases["framing"].find("failure") is not None and "shot sc2-sh01" in cases["framing"].find("failure").text
    assert cases["keyframe_text"].find("skipped") is not None
    assert "overall" in done.stderr and "examples/suites/smoke.toml" in done.stderr


def test_eval_of_a_faithful_film_passes_its_suite_thresholds(tmp_path, junit_schema):
    out = tmp_path / "eval.xml"
    done = auteur("eval", str(FILMS / "faithful" / "robot_painter.json"), "--thresholds",
                  "examples/suites/smoke.toml", "--junit", str(out))
    assert done.returncode == 0, done.stderr
    junit_schema.validate(str(out))
    assert ET.parse(out).getroot().get("failures") == "0"


def test_script_text_with_markup_and_control_characters_stays_valid_xml(tmp_path, junit_schema):
    cases = [Case(name="plot_cast", score=0.2, floor=0.5, issues=["scene sc1: <b>Ann & \"Bo\"</b> \x07 speaks"]),
             Case(name="identity", score=None, skipped="no keyframes")]
    path = write([FilmCases(film="runs/<x>", cases=cases, properties={"prompt": "A \x1b[31m fox & <crow>"})],
                 tmp_path / "j.xml", name="auteur eval")
    junit_schema.validate(str(path))
    root = ET.parse(path).getroot()
    assert root.get("failures") == "1" and "<b>Ann & \"Bo\"</b>" in root.find(".//failure").text


def run_dir(root: Path, name: str, kind: str, fixture: str, prompt: str | None = None) -> Row:
    """A run directory as a bench leaves it (script.json and eval.json), without rendering a film."""
    f = film(kind, fixture)
    if prompt:
        f = f.revise(prompt=prompt)
    where = root / name
    where.mkdir(parents=True)
    (where / "script.json").write_text(f.to_json())
    evaluation = evaluate_film(f, visual=False)
    save(evaluation, where / "eval.json")
    metrics = {m.name: m.score for m in evaluation.metrics}
    return Row(prompt=f.prompt, run=str(where), seconds=1.0, overall=evaluation.overall, metrics=metrics, failures=[])


def test_bench_flags_lines_repeated_across_films_of_different_prompts(tmp_path, junit_schema):
    suite = load_suite("examples/suites/smoke.toml")
    rows = [run_dir(tmp_path, "01", "faithful", "lighthouse_storm"),
            run_dir(tmp_path, "02", "faithful", "lighthouse_storm",
                    prompt="A violinist loses her hearing the week before her debut at the concert hall."),
            run_dir(tmp_path, "03", "faithful", "robot_painter")]
    gated = with_repetition(rows, suite)
    assert gated[0].repeats and gated[1].repeats and not gated[2].repeats
    assert any("film 02 ('A violinist loses her hearing" in i and i.startswith("scene sc") for i in gated[0].repeats)
    assert gated[0].metrics["template"] < rows[0].metrics["template"] and gated[0].overall < rows[0].overall
    assert gated[2] == rows[2]
    path = write(junit_films(suite, gated), tmp_path / "bench.xml", name="auteur bench smoke")
    junit_schema.validate(str(path))
    suites = ET.parse(path).getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == ["smoke/01", "smoke/02", "smoke/03"]
    case = next(c for c in suites[0].findall("testcase") if c.get("name") == "template")
    assert "is also spoken in film 02" in case.find("failure").text
    assert suites[2].get("failures") == "0"


def test_a_suite_of_one_prompt_twice_does_not_flag_its_own_lines(tmp_path):
    suite = Suite(name="s", prompts=["x"], thresholds=Thresholds(overall=0.5))
    rows = [run_dir(tmp_path, "01", "faithful", "lighthouse_storm"), run_dir(tmp_path, "02", "faithful", "lighthouse_storm")]
    assert all(not r.repeats for r in with_repetition(rows, suite))


def test_the_document_counts_tests_failures_and_skips():
    root = document([FilmCases(film="a", cases=[Case("m", 0.2, 0.5), Case("n", 0.9, 0.5), Case("o", None, skipped="why")])],
                    name="auteur eval")
    suite = root.find("testsuite")
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")

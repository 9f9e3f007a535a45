"""`auteur plan`'s estimate, the review stop's script check and the report page's additions, without a film."""

import importlib.util
import sys
from pathlib import Path

import pytest

from auteur.core.errors import InputError
from auteur.pipeline.config import load_profile
from auteur.pipeline.estimate import check_device, estimate
from film_fixtures import FAITHFUL, film as fixture_film

BUDGET = Path(__file__).parents[1] / "benchmarks" / "film_budget.py"


@pytest.fixture(scope="module")
def film():
    plan = fixture_film("faithful", FAITHFUL[0])
    # five-second shots: the length film_budget.py counts every shot as
    return plan.revise(scenes=[s.model_copy(update={"shots": [sh.model_copy(update={"duration": 5.0})
                                                              for sh in s.shots]}) for s in plan.scenes])


def _budget_module():
    spec = importlib.util.spec_from_file_location("film_budget", BUDGET)
    module = importlib.util.module_from_spec(spec)
    sys.modules["film_budget"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("profile", ["studio", "studio-fast"])
def test_the_studio_estimate_on_an_h200_agrees_with_the_film_budget_benchmark(film, profile):
    """benchmarks/film_budget.py builds the same budget from GPU.md's figures with its own code."""
    fb = _budget_module()
    shape = fb.FilmShape(shots=len(film.shots()), characters=len(film.characters), locations=len(film.locations))
    expected = fb.budget(fb.reference_figures(), profile, shape)
    rows = {r.stage: r for r in estimate(film, load_profile(profile), "h200").rows}
    assert rows["director text"].seconds == pytest.approx(expected["director text"] * len(film.shots()) / 14, rel=0.03)
    assert rows["keyframes"].seconds == pytest.approx(expected["keyframes"], rel=0.03)
    assert rows["shot renders"].seconds == pytest.approx(expected["shots"], rel=0.03)
    assert "measured on h200" in rows["shot renders"].basis and "extrapolated" not in rows["shot renders"].basis


def test_an_h100_decodes_slower_by_its_memory_bandwidth_and_cannot_hold_ltx2_at_full_size(film):
    studio = load_profile("studio")
    h200 = {r.stage: r for r in estimate(film, studio, "h200").rows}
    h100 = estimate(film, studio, "h100")
    rows = {r.stage: r for r in h100.rows}
    # GPU.md's H200 decodes 52.1 tok/s; an H100 moves 3.35 TB/s to the H200's 4.8
    assert rows["director text"].seconds == pytest.approx(h200["director text"].seconds * 4.8 / 3.35, rel=1e-6)
    assert "extrapolated from h200 by bandwidth" in rows["director text"].basis
    assert rows["shot renders"].memory_gib == 81.0
    assert any("shot renders" in note and "H100" in note for note in h100.notes)


def test_the_draft_estimate_is_measured_at_the_preview_size_and_extrapolated_below_it(film):
    preview = {r.stage: r for r in estimate(film, load_profile("preview"), "cpu").rows}
    tiny = {r.stage: r for r in estimate(film, load_profile(str(Path(__file__).with_name("tiny.toml"))), "cpu").rows}
    assert "measured at 0.23 Mpx" in preview["shot renders"].basis
    assert "extrapolated at 0.01 Mpx" in tiny["shot renders"].basis
    # 5-s shots at 640x360 were measured at 0.259 s of rendering per second of film (RESULTS.md)
    assert preview["shot renders"].seconds == pytest.approx(0.259 * 5.0 * len(film.shots()), rel=1e-3)
    assert 0 < tiny["shot renders"].seconds < preview["shot renders"].seconds
    assert all(r.memory_gib < 2 for r in preview.values())


def test_an_unknown_device_is_refused_naming_the_ones_there_are():
    with pytest.raises(InputError, match="unknown --gpu 'tpu'.*h200.*h100"):
        check_device("tpu", load_profile("studio"))
    assert check_device(None, load_profile("studio")) == "h200"
    assert check_device(None, load_profile("draft")) == "cpu"


def test_a_script_broken_during_review_is_named_in_one_line(tmp_path, film):
    from auteur.pipeline.graph import read_edited_script

    text = film.to_json().replace('"duration": 5.0', '"duration": -1.0', 1)
    (tmp_path / "script.json").write_text(text, "utf-8")
    with pytest.raises(InputError) as err:
        read_edited_script(tmp_path / "script.json")
    message = str(err.value)
    assert "\n" not in message and f"shot {film.shots()[0].id}" in message and "field duration" in message


def test_the_report_page_shows_a_review_notice_and_every_take_escaped():
    from auteur.pipeline.report_page import add_extras
    from auteur.pipeline.runs import RunManifest, Take

    manifest = RunManifest(auteur_version="0", created="", source_kind="prompt", seed=7, profile=load_profile("preview"),
                           status="review", takes={"sc1-sh01": [
                               Take(take=1, seed=7, keyframe="takes/sc1-sh01/take1.png", clip="takes/sc1-sh01/take1.mp4"),
                               Take(take=2, seed=8, keyframe="takes/sc1-sh01/take2.png", clip="takes/sc1-sh01/take2.mp4",
                                    line="<script>alert(1)</script>")]})
    page = add_extras("<html><body><header></header><footer></footer></body></html>", manifest, "runs/x")
    assert "Waiting for review" in page and "auteur resume runs/x" in page
    assert 'data-take="1"' in page and 'data-take="2" class="current"' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.index('id="takes"') < page.index("<footer")

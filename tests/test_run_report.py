"""Every run ends with report.html and eval.json, as `auteur make` leaves them."""

import json

import pytest

from auteur.core.schema import Film
from shared_films import shared_film

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(shared_films_root):
    """A four-shot preview film, shared with test_sources.py (tests/shared_films.py); read-only."""
    made = shared_film(shared_films_root, "A fox finds a key", "--profile", "preview", "--shots", "4")
    assert "report.html" in made.stdout
    return made.run


def test_a_run_leaves_a_report_with_one_card_per_shot(run):
    film = Film.from_json((run / "script.json").read_text())
    page = (run / "report.html").read_text()
    assert page.count('<article class="card"') == len(film.shots())
    assert '<video controls preload="metadata" src="film.mp4">' in page


def test_a_run_leaves_the_scores_its_report_shows(run):
    scores = json.loads((run / "eval.json").read_text())
    assert 0.0 < scores["overall"] <= 1.0
    assert f"{scores['overall']:.2f}</span> overall" in (run / "report.html").read_text()
    durations = next(m for m in scores["metrics"] if m["name"] == "durations")
    assert durations["score"] == 1.0  # rendered clips last as planned; --shots frees the film from the runtime target

"""report.html in headless Chromium (Debian's chromium, as .ci/run installs it): renders, escapes, runs nothing."""

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from auteur.core.schema import Film
from auteur.tools.evaluation.report import write_report
from planned_runs import planned, run_dir_with

pytestmark = pytest.mark.browser

HOSTILE = ('A fox <script>document.title="pwned"</script> finds a key '
           '<img src=x onerror="document.title=\'pwned\'"> under the snow')
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.cards, self.title, self.prompt = [], [], "", ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "article" and "card" in (attrs.get("class") or ""):
            self.cards.append(attrs.get("data-shot"))
        if tag == "title" or attrs.get("id") == "prompt":
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "p":
            self.prompt += data


def dump_dom(page: Path, profile: Path) -> Dom:
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Dom()
    dom.feed(done.stdout)
    return dom


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    root = run_dir_with(planned(HOSTILE), tmp_path_factory.mktemp("run"))
    film = Film.from_json((root / "script.json").read_text())
    page = write_report(root)
    return film, dump_dom(page, tmp_path_factory.mktemp("chromium-profile"))


def test_the_page_shows_one_card_per_shot(rendered):
    film, dom = rendered
    assert dom.cards == [shot.id for shot in film.shots()]


def test_markup_in_the_prompt_shows_as_text(rendered):
    _, dom = rendered
    assert '<script>document.title="pwned"</script>' in dom.prompt
    assert "onerror=" in dom.prompt


def test_markup_in_the_prompt_runs_nothing(rendered):
    _, dom = rendered
    assert "pwned" not in dom.title
    assert not [tag for tag, _ in dom.tags if tag == "script"]
    assert not [attrs for _, attrs in dom.tags if any(name.startswith("on") for name in attrs)]


def test_the_page_needs_no_network(rendered):
    _, dom = rendered
    links = [v for _, attrs in dom.tags for k, v in attrs.items() if k in ("src", "href") and v]
    assert links and not [v for v in links if "://" in v or v.startswith("//")]

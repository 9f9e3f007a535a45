"""The run's report page with what belongs to the run rather than to its scores: a review stop and takes.

The page itself (plan, film, scores) is the evaluation's (tools/evaluation/report.py); this adds a
notice while the run waits for review and a list of every shot's takes once `auteur retake` made some.
"""

from __future__ import annotations

from importlib import resources

from jinja2 import Environment, select_autoescape

from auteur.core.atomic import write_text
from auteur.pipeline.cache import Cache
from auteur.pipeline.runs import RunDir, RunManifest
from auteur.pipeline.scores import write_scores_and_report


def extras_html(manifest: RunManifest, root: str) -> tuple[str, str]:
    """(the notice placed under the page's header, the takes section placed before its footer)."""
    template = resources.files("auteur.pipeline").joinpath("report_extras.html").read_text("utf-8")
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)
    module = env.from_string(template).make_module({"manifest": manifest, "root": root})
    return str(module.notice).strip(), str(module.takes).strip()


def add_extras(page: str, manifest: RunManifest, root: str) -> str:
    notice, takes = extras_html(manifest, root)
    if notice:
        page = page.replace("</header>", "</header>\n" + notice, 1) if "</header>" in page else \
            page.replace("<body>", "<body>\n" + notice, 1)
    if takes:
        page = page.replace("<footer", takes + "\n<footer", 1) if "<footer" in page else \
            page.replace("</body>", takes + "\n</body>", 1)
    return page


def write_scores_and_page(run: RunDir, cache: Cache) -> None:
    """eval.json and report.html, with the run's review notice and takes."""
    write_scores_and_report(run, cache)
    manifest = run.read_manifest()
    page = run.report.read_text("utf-8")
    extended = add_extras(page, manifest, str(run.root))
    if extended != page:
        write_text(run.report, extended)

"""JUnit XML for CI systems: one test suite per film, one test case per metric, failures named with their scenes and shots.

The layout follows the common JUnit schema (Jenkins/Surefire junit-10.xsd, which GitHub Actions
reporters and GitLab's test report read): `testsuites > testsuite > testcase`, with `failure`
carrying the threshold that was missed as its message and the metric's issues as its text, and
`skipped` carrying why a metric did not run.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from auteur.core.atomic import write_text

# XML 1.0 cannot carry most control characters, even escaped; a script's text may hold any of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(s: object) -> str:
    return _NOT_XML.sub("?", str(s))


@dataclass
class Case:
    """One metric of one film: its score, the floor it had to reach (if any), and what went wrong."""

    name: str
    score: float | None
    floor: float | None = None
    issues: list[str] = field(default_factory=list)
    skipped: str | None = None

    @property
    def failed(self) -> bool:
        return self.score is not None and self.floor is not None and self.score < self.floor


@dataclass
class FilmCases:
    film: str  # a label: the run directory or script, and the prompt
    cases: list[Case]
    seconds: float = 0.0
    properties: dict[str, str] = field(default_factory=dict)


def cases_from_eval(scores: dict, floors: dict[str, float], overall_floor: float | None) -> list[Case]:
    """Test cases from an eval.json (as a dict): every metric, then the overall score."""
    cases = [Case(name=m["name"], score=m["score"], floor=floors.get(m["name"]), issues=list(m.get("issues") or []),
                  skipped=m.get("skipped")) for m in scores["metrics"]]
    worst = [i for m in scores["metrics"] for i in (m.get("issues") or [])]
    cases.append(Case(name="overall", score=scores["overall"], floor=overall_floor, issues=worst))
    return cases


def document(films: list[FilmCases], name: str) -> ET.Element:
    """The <testsuites> element for these films."""
    root = ET.Element("testsuites", name=_text(name))
    total = failures = 0
    for film in films:
        suite = ET.SubElement(root, "testsuite", name=_text(film.film), tests=str(len(film.cases)),
                              failures=str(sum(c.failed for c in film.cases)), errors="0",
                              skipped=str(sum(c.score is None for c in film.cases)), time=f"{film.seconds:.3f}")
        if film.properties:
            props = ET.SubElement(suite, "properties")
            for key, value in film.properties.items():
                ET.SubElement(props, "property", name=_text(key), value=_text(value))
        for case in film.cases:
            el = ET.SubElement(suite, "testcase", name=_text(case.name), classname=_text(f"auteur.{film.film}"), time="0")
            if case.score is None:
                ET.SubElement(el, "skipped", message=_text(case.skipped or "skipped"))
            elif case.failed:
                fail = ET.SubElement(el, "failure", type="threshold",
                                     message=_text(f"{case.name} {case.score:.3f} < {case.floor}"))
                fail.text = _text("\n".join(case.issues) or "no issue named")
            elif case.issues:
                ET.SubElement(el, "system-out").text = _text("\n".join(case.issues))
        total += len(film.cases)
        failures += sum(c.failed for c in film.cases)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("time", f"{sum(f.seconds for f in films):.3f}")
    return root


def write(films: list[FilmCases], dest: Path, name: str) -> Path:
    """Write the JUnit XML file atomically; returns its path."""
    root = document(films, name)
    ET.indent(root)
    write_text(Path(dest), '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
    return Path(dest)

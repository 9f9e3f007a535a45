"""The committed film fixtures: scripts the draft planner wrote off their premise, and hand-written faithful ones."""

from pathlib import Path

from auteur.core.schema import Film

FILMS = Path(__file__).parent / "data" / "films"
OFF_PREMISE = sorted(p.stem for p in (FILMS / "off_premise").glob("*.json"))
FAITHFUL = sorted(p.stem for p in (FILMS / "faithful").glob("*.json"))


def film(kind: str, name: str) -> Film:
    return Film.from_json((FILMS / kind / f"{name}.json").read_text("utf-8"))

"""Depiction: the pictures show the premise's key things and its conditions.

On the draft profile every keyframe carries a record of what it drew (`shots/<id>.drawn.json`: the setting with its
weather, darkness and conditions, and each prop with the phrase it matched); this metric reads those records. The
share of the premise's objects drawn in at least one keyframe, and of its conditions drawn where the film plays
(storm, rain, snow, night, blackout, underwater...), averaged. Renderers that keep no record are skipped here (a
CLIP check needs weights that are not shipped).
"""

from __future__ import annotations

import json
from pathlib import Path

from auteur.core.schema import Film
from auteur.tools.evaluation.metrics import Metric
from auteur.tools.evaluation.situation import lemmas, words_of
from auteur.tools.evaluation.weights import weight

# A record's words for a condition: its weather, its darkness, what the artist says it drew.
SHOWN = {"storm": {"storm"}, "rain": {"rain", "storm"}, "snow": {"snow"}, "cold": {"snow", "ice", "cold"},
         "fog": {"fog"}, "night": {"night"}, "blackout": {"blackout", "dark"}, "underwater": {"underwater"},
         "space": {"space", "mars"}, "drought": {"drought"}, "eclipse": {"eclipse"}, "flood": {"flood"},
         "fire": {"fire"}, "smoke": {"smoke"}, "heat": {"heat"}, "dust": {"dust"}, "wind": {"wind", "storm"}}


def records(root: Path | None) -> list[dict]:
    if root is None or not (root / "shots").is_dir():
        return []
    out = []
    for path in sorted((root / "shots").glob("*.drawn.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("kind") == "keyframe":
            out.append(data)
    return out


def _shown_conditions(rec: dict) -> set[str]:
    setting = rec.get("setting") or {}
    out = {str(c).lower() for c in setting.get("conditions", []) if isinstance(c, str)}
    weather = str(setting.get("weather", "clear")).lower()
    if weather != "clear":
        out.add(weather)
    if setting.get("dark"):
        out |= {"dark", "blackout"}
    if setting.get("time_of_day") == "night":
        out.add("night")
    return out


def _shown_things(rec: dict) -> set[str]:
    words: set[str] = set()
    for prop in rec.get("props", []) or []:
        if isinstance(prop, dict) and (prop.get("icon") or prop.get("drawn")):
            words |= words_of(str(prop.get("phrase", "")))
    for piece in (rec.get("setting") or {}).get("set_pieces", []) or []:
        if isinstance(piece, dict):
            words |= words_of(str(piece.get("phrase", "")))
    return words


def depiction(film: Film, root: Path | None, reading=None) -> Metric:
    recs = records(root)
    if not recs:
        return Metric(name="depiction", family="visual", score=None,
                      skipped="no drawn records (script only, or a renderer that keeps none)")
    if reading is None:
        from auteur.tools.language.premise import read_premise

        reading = read_premise(film.prompt)
    things = [e for e in reading.entities if e.kind == "object"]
    conditions = list(reading.conditions)
    drawn_things = set().union(*(_shown_things(r) for r in recs))
    drawn_conditions = set().union(*(_shown_conditions(r) for r in recs))
    issues = []
    parts = []
    if things:
        shown = [e for e in things if lemmas(e.head) & drawn_things or words_of(e.english) & drawn_things]
        parts.append(len(shown) / len(things))
        issues += [f"premise: the {e.english} is drawn in no keyframe" for e in things if e not in shown]
    if conditions:
        shown_c = [c for c in conditions if SHOWN.get(c, {c}) & drawn_conditions]
        parts.append(len(shown_c) / len(conditions))
        issues += [f"premise: the {c} is drawn in no keyframe" for c in conditions if c not in shown_c]
    if not parts:
        return Metric(name="depiction", family="visual", score=None, skipped="the premise names no thing or condition to draw")
    return Metric(name="depiction", family="visual", score=sum(parts) / len(parts), weight=weight("depiction"),
                  issues=issues, detail={"keyframes": len(recs)})

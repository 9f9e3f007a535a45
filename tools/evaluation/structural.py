"""Structural continuity: deterministic checks of a film's script, each a score in [0, 1] with the problems named.

Appearance follows the MovieDreamer convention that a shot may restate how a character looks, right
after its ID token: `<char1> (a tall woman in a red coat)`. A restatement must agree with the cast
sheet unless the shot's action or its scene's plot declares a change for that token ("<char1> now
wears ...", "<char1> changes into ...").
"""

from __future__ import annotations

import re

from auteur.core.schema import BeatName, Film
from auteur.tools.evaluation.metrics import Metric, clamp01, ratio

CHAR = re.compile(r"<char[1-9]\d*>")
ENV = re.compile(r"<env[1-9]\d*>")
RESTATED = re.compile(r"(<char[1-9]\d*>)\s*\(([^)]*)\)")
CHANGE = re.compile(r"(<char[1-9]\d*>)\s+(?:now wears|now looks|changes into|changes|is transformed|transforms|"
                    r"is disguised|disguises|becomes)\b")
KEY_BEATS = [BeatName.setup, BeatName.inciting_incident, BeatName.climax, BeatName.resolution]
BEAT_ORDER = {b: k for k, b in enumerate(BeatName)}
# A brisk but natural pace (about 180 words a minute), scaled by each character's voice rate.
MAX_WORDS_PER_SECOND = 3.0
LINE_GAP_S = 0.3
STOP = {"a", "an", "the", "with", "and", "in", "of", "her", "his", "their", "its", "on", "at", "to"}


def evaluate(film: Film, clip_durations: dict[str, float] | None = None, runtime_target: bool = True) -> list[Metric]:
    """All structural metrics of a film (`clip_durations`: rendered seconds per shot id, when known;
    `runtime_target`: False when the film's length was set by a shot count rather than its runtime)."""
    return [membership(film), appearance(film), locations(film), beats(film),
            durations(film, clip_durations or {}, runtime_target), dialogue_fit(film), orphans(film)]


def membership(film: Film) -> Metric:
    """Every character in a shot, and every speaker, belongs to the cast and to the scene: the share of sound scenes."""
    cast = {c.token for c in film.characters}
    issues, per_scene, total_ok, total = [], {}, 0, 0
    for scene in film.scenes:
        present = set(scene.characters)
        ok = n = 0
        refs = [(f"shot {sh.id}", t, "character") for sh in scene.shots for t in sh.characters]
        refs += [(f"shot {sh.id}", ln.speaker, "speaker") for sh in scene.shots for ln in sh.dialogue]
        refs += [(f"scene {scene.id}", ln.speaker, "speaker") for ln in scene.dialogue]
        refs += [(f"shot {sh.id}", t, "named character") for sh in scene.shots
                 for t in sorted(set(CHAR.findall(sh.visual_prompt)) - set(sh.characters))]
        for where, token, kind in refs:
            n += 1
            if token not in cast:
                issues.append(f"{where}: {kind} {token} is not in the cast")
            elif kind == "named character":
                issues.append(f"{where}: the visual prompt names {token}, who is not in the shot")
            elif token not in present:
                label = "orphan speaker" if kind == "speaker" else "character"
                issues.append(f"{where}: {label} {token} is not among scene {scene.id}'s characters")
            else:
                ok += 1
        # one person in a scene they are not part of breaks the whole scene, however many others are right
        per_scene[scene.id] = 1.0 if ok == n else 0.0
        total_ok, total = total_ok + ok, total + n
    score = sum(per_scene.values()) / len(per_scene) if per_scene else 1.0
    return Metric(name="membership", family="structural", score=score, issues=issues,
                  per_scene=per_scene, detail={"references": total, "sound": total_ok})


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if w not in STOP}


def appearance(film: Film) -> Metric:
    """A character looks as the cast sheet says in every shot, unless the script declares a change."""
    sheet = {c.token: _content_words(f"{c.appearance} {c.wardrobe}") for c in film.characters}
    issues, per_scene, ok, n = [], {}, 0, 0
    changed: set[str] = set()  # a declared change holds from where it is declared onwards
    for scene in film.scenes:
        s_ok = s_n = 0
        changed |= set(m[1] for m in CHANGE.finditer(scene.plot))
        for shot in scene.shots:
            changed |= set(m[1] for m in CHANGE.finditer(shot.action))
            for token, said in RESTATED.findall(shot.visual_prompt):
                if token not in sheet or token in changed:
                    continue
                words = _content_words(said)
                s_n += 1
                if words and len(words & sheet[token]) / len(words) >= 0.6:
                    s_ok += 1
                else:
                    issues.append(f"shot {shot.id}: {token} is described as '{said.strip()}' but the cast sheet "
                                  f"says otherwise and no change is declared")
        per_scene[scene.id] = ratio(s_ok, s_n)
        ok, n = ok + s_ok, n + s_n
    # One person under two ID tokens is the other way a look changes without a word.
    by_name: dict[str, list[str]] = {}
    for c in film.characters:
        by_name.setdefault(c.name.strip().lower(), []).append(c.token)
    for name, tokens in by_name.items():
        if len(tokens) > 1:
            n += len(tokens) - 1
            issues.append(f"cast: {', '.join(tokens)} are all named {name!r}; one character should keep one token")
    return Metric(name="appearance", family="structural", score=ratio(ok, n), issues=issues,
                  per_scene=per_scene, detail={"restatements": n})


def locations(film: Film) -> Metric:
    """Every scene has a place, and its shots show that place and no other."""
    places = {p.token for p in film.locations}
    issues, per_scene, ok, n = [], {}, 0, 0
    for scene in film.scenes:
        s_ok, s_n = 0, 1
        if scene.location is None or (places and scene.location not in places):
            issues.append(f"scene {scene.id}: no location")
        else:
            s_ok += 1
        for shot in scene.shots:
            for token in set(ENV.findall(shot.visual_prompt)):
                s_n += 1
                if token == scene.location:
                    s_ok += 1
                else:
                    issues.append(f"shot {shot.id}: shows {token} but scene {scene.id} is at {scene.location}")
        per_scene[scene.id] = ratio(s_ok, s_n)
        ok, n = ok + s_ok, n + s_n
    return Metric(name="locations", family="structural", score=ratio(ok, n), issues=issues, per_scene=per_scene)


def beats(film: Film) -> Metric:
    """The key beats (setup, inciting incident, climax, resolution) are covered, in story order."""
    have = [s.beat for s in film.scenes]
    missing = [b.value for b in KEY_BEATS if b not in have]
    coverage = ratio(len(KEY_BEATS) - len(missing), len(KEY_BEATS))
    pairs = list(zip(have, have[1:]))
    forward = ratio(sum(BEAT_ORDER[a] <= BEAT_ORDER[b] for a, b in pairs), len(pairs))
    issues = [f"no scene carries the {b}" for b in missing]
    issues += [f"scene {film.scenes[k + 1].id} ({b.value}) comes after a {a.value} scene"
               for k, (a, b) in enumerate(pairs) if BEAT_ORDER[a] > BEAT_ORDER[b]]
    return Metric(name="beats", family="structural", score=coverage * forward, issues=issues,
                  detail={"coverage": coverage, "in_order": forward})


def durations(film: Film, clip_durations: dict[str, float], runtime_target: bool = True) -> Metric:
    """Rendered shots last as planned, and the planned shots add up to the treatment's runtime (within 2x)."""
    issues, parts = [], []
    planned = sum(sh.duration for sh in film.shots())
    target = film.treatment.target_runtime_s if film.treatment and runtime_target else None
    if target:
        off = max(planned, target) / max(min(planned, target), 1e-6)
        parts.append(1.0 if off <= 2.0 else clamp01(1.0 - (off - 2.0) / 2.0))
        if off > 2.0:
            issues.append(f"shots add up to {planned:.1f} s against a {target:.0f} s runtime target")
    for shot in film.shots():
        if shot.id in clip_durations:
            got = clip_durations[shot.id]
            good = abs(got - shot.duration) <= max(0.25, 0.1 * shot.duration)
            parts.append(1.0 if good else 0.0)
            if not good:
                issues.append(f"shot {shot.id}: rendered {got:.2f} s, planned {shot.duration:.2f} s")
    score = sum(parts) / len(parts) if parts else 1.0
    return Metric(name="durations", family="structural", score=score, issues=issues,
                  detail={"planned_s": round(planned, 2), **({"target_s": target} if target else {})})


def dialogue_fit(film: Film) -> Metric:
    """Each shot is long enough to speak its lines at a natural pace, in each speaker's voice rate."""
    rate = {c.token: c.voice.rate for c in film.characters}
    issues, per_scene, ok, n = [], {}, 0, 0
    for scene in film.scenes:
        s_ok = s_n = 0
        for shot in scene.shots:
            if not shot.dialogue:
                continue
            need = sum(len(ln.line.split()) / (MAX_WORDS_PER_SECOND * rate.get(ln.speaker, 1.0)) for ln in shot.dialogue)
            need += LINE_GAP_S * (len(shot.dialogue) - 1)
            s_n += 1
            if need <= shot.duration:
                s_ok += 1
            else:
                issues.append(f"shot {shot.id}: its lines need {need:.1f} s but the shot lasts {shot.duration:.1f} s")
        per_scene[scene.id] = ratio(s_ok, s_n)
        ok, n = ok + s_ok, n + s_n
    return Metric(name="dialogue_fit", family="structural", score=ratio(ok, n), issues=issues, per_scene=per_scene)


def orphans(film: Film) -> Metric:
    """Every character and every place in the plan appears somewhere in the film."""
    seen_chars = {t for s in film.scenes for t in [*s.characters, *(t for sh in s.shots for t in sh.characters)]}
    seen_places = {s.location for s in film.scenes}
    lost = [f"character {c.token} ({c.name}) never appears" for c in film.characters if c.token not in seen_chars]
    lost += [f"location {p.token} ({p.name}) is never used" for p in film.locations if p.token not in seen_places]
    total = len(film.characters) + len(film.locations)
    return Metric(name="orphans", family="structural", score=ratio(total - len(lost), total), issues=lost)

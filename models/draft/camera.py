"""Where the camera stands for a shot: how it is tilted (where the horizon, or a room's floor line, sits in the
frame), which way it faces (the reverse angle mirrors the place, its landmark on the other side), how far it
pans along the place, and which arrangement of the place's landscape it catches. The place itself (its
landmarks, colours, kind and conditions) never changes; only the view of it does.

Consecutive shots of a scene take consecutive compositions from a fixed cycle, so no two in a row are framed
alike; each scene, film and place enters the cycle at its own point (from the shot's scene number, the seed
and the place), so the establishing shots of different films differ too. A plate is the place seen from the
cycle's first composition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from auteur.models.draft.palette import stable_hash
from auteur.models.draft.place import LocationLook

# (horizon shift, facing: 1 as the plate, -1 the reverse angle, pan, arrangement): each differs from the next in
# at least two of them, and the cycle's length (7) is prime to the 6 a scene boundary adds.
COMPOSITIONS: tuple[tuple[float, int, float, int], ...] = (
    (0.0, 1, 0.0, 0),
    (0.09, -1, 0.07, 1),
    (-0.08, 1, -0.08, 2),
    (0.04, -1, -0.05, 3),
    (-0.05, 1, 0.09, 4),
    (0.1, 1, -0.03, 5),
    (-0.09, -1, 0.04, 6),
)
SCENE_STEP = 6  # a new scene enters the cycle this far on, so a scene's last shot and the next one's first differ


@dataclass(frozen=True)
class Camera:
    composition: int  # which of COMPOSITIONS
    horizon: float
    facing: int
    pan: float
    arrangement: int

    def view(self, place: LocationLook) -> LocationLook:
        """The place as this camera sees it."""
        horizon = min(0.68, max(0.32, place.horizon + self.horizon))
        variant = place.variant if not self.arrangement else stable_hash("arrangement", str(place.variant), str(self.arrangement)) % (1 << 30)
        return replace(place, horizon=round(horizon, 4), side=place.side * self.facing, pan=self.pan, variant=variant)

    def record(self) -> dict:
        return {"composition": self.composition, "horizon": self.horizon, "facing": "reverse" if self.facing < 0 else "as plate",
                "pan": self.pan, "arrangement": self.arrangement}


def _position(shot_id: str) -> tuple[int, int] | None:
    """(scene, shot) numbers from an id like sc2-sh03; None for an id without them."""
    numbers = [int(n) for n in re.findall(r"\d+", shot_id)]
    if not numbers:
        return None
    return (numbers[0], numbers[-1]) if len(numbers) > 1 else (0, numbers[0])


def shot_camera(shot_id: str, seed: int, place_key: str) -> Camera:
    """The camera for a shot: its place in the cycle from its scene and shot numbers, entered at a point of its
    film's and place's own (`place_key`: the location and premise)."""
    start = stable_hash("camera", str(seed), place_key) % len(COMPOSITIONS)
    position = _position(shot_id)
    step = position[0] * SCENE_STEP + position[1] if position else stable_hash("shot", shot_id)
    k = (start + step) % len(COMPOSITIONS)
    return Camera(k, *COMPOSITIONS[k])


PLATE = Camera(0, *COMPOSITIONS[0])

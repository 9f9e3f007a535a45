"""A room's set dressing, item by item: what makes a kitchen a kitchen (its fridge, counter and cupboards), an
elevator an elevator (steel doors, a button panel), a radio studio a studio (foam, a mixing desk, an ON AIR
lamp). Each painter draws into the room's one-point perspective (`Room`: the back wall's box, the floor line,
the side the landmark stands on) and adds its lights to the glows. The kinds that use them are in
place_kinds.toml; the words of a kindless room still call the classic few (shelves, table, lamp, stairs,
beams, fireplace, a lantern room's lens).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from auteur.models.draft.paint import gradient, shade
from auteur.models.draft.palette import RGB, graded, mix
from auteur.models.draft.pen import INK
from auteur.models.draft.place import LocationLook
from auteur.models.draft.things import draw_thing
from auteur.models.draft.worlds import window_view

WOOD, DARK_WOOD, STEEL = (130, 92, 60), (84, 58, 40), (150, 156, 162)


@dataclass
class Room:
    img: Image.Image
    d: ImageDraw.ImageDraw
    look: LocationLook
    W: int
    H: int
    x0: float  # the back wall: left, right, top and the floor line
    x1: float
    y0: float
    fy: float
    glows: list
    rng: random.Random
    taken: set[str] = field(default_factory=set)

    @property
    def side(self) -> int:
        return self.look.side

    def sx(self, f: float) -> float:
        """A position across the frame, measured from the centre toward the landmark side."""
        return self.W * 0.5 + self.side * self.W * f

    def at(self, u: float) -> float:
        """A position along the back wall, 0 its left end and 1 its right end."""
        return self.x0 + (self.x1 - self.x0) * u

    def c(self, rgb: RGB, strength: float = 0.7) -> RGB:
        return graded(rgb, self.look.grade, strength)

    def light(self, x: float, y: float, r: float, colour: RGB | None = None) -> None:
        if not self.look.dark:
            self.glows.append((x / self.W, y / self.H, r, colour or self.look.lit))


# ---------------------------------------------------------------- windows and walls


def window(r: Room, u: float = 0.32, w: float = 0.16, h: float = 0.28) -> None:
    """A window on the back wall showing the world outside (a porthole under water)."""
    cx, cy, W, H = r.at(u if r.side > 0 else 1 - u), r.H * 0.3, r.W * w, r.H * h
    if r.look.world == "underwater":
        portholes(r, count=1, at=(u,))
        return
    frame = shade(r.look.wall, 0.45)
    window_view(r.img, r.d, r.look, (cx - W / 2, cy - H / 2, cx + W / 2, cy + H / 2), r.rng)
    r.d.rectangle((cx - W / 2, cy - H / 2, cx + W / 2, cy + H / 2), outline=frame, width=max(2, r.H // 120))
    r.d.line([(cx, cy - H / 2), (cx, cy + H / 2)], fill=frame, width=max(2, r.H // 200))
    r.d.line([(cx - W / 2, cy), (cx + W / 2, cy)], fill=frame, width=max(2, r.H // 200))


def portholes(r: Room, count: int = 3, at: tuple[float, ...] = ()) -> None:
    """Round riveted windows on the back wall: the sea outside, or the sky or stars."""
    for u in at or tuple((k + 0.5) / count for k in range(count)):
        cx, cy, rad = r.at(u), r.H * 0.3, r.H * 0.075
        window_view(r.img, r.d, r.look, (cx - rad, cy - rad, cx + rad, cy + rad), r.rng, round_=True)
        r.d.ellipse((cx - rad, cy - rad, cx + rad, cy + rad), outline=r.c((170, 168, 150)), width=max(3, r.H // 70))
        for k in range(8):
            a = k * math.pi / 4
            x, y = cx + math.cos(a) * rad * 1.12, cy + math.sin(a) * rad * 1.12
            r.d.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=r.c((90, 90, 84)))


def booth_window(r: Room) -> None:
    """A wide glass pane into the dark control booth beside the studio."""
    x0, x1, y0, y1 = r.at(0.08), r.at(0.5), r.H * 0.16, r.H * 0.42
    if r.side < 0:
        x0, x1 = r.at(0.5), r.at(0.92)
    r.img.paste(gradient((int(x1 - x0), int(y1 - y0)), r.c((40, 46, 60)), r.c((24, 28, 36))), (int(x0), int(y0)))
    r.d.rectangle((x0, y0, x1, y1), outline=r.c((30, 30, 34)), width=max(2, r.H // 100))
    r.d.line([(x0 + (x1 - x0) * 0.2, y0), (x0 + (x1 - x0) * 0.35, y1)], fill=r.c((90, 100, 120)), width=max(1, r.H // 300))


def foam(r: Room) -> None:
    """Acoustic foam panels: a chequer of wedges on the back wall."""
    tile = r.H * 0.05
    y = r.y0 + r.H * 0.04
    while y < r.fy - r.H * 0.12:
        x, k = r.x0 + r.W * 0.01, int(y / tile)
        while x < r.x1 - tile:
            base = r.c((60, 62, 74) if (k + int(x / tile)) % 2 else (52, 54, 66))
            r.d.rectangle((x, y, x + tile * 0.92, y + tile * 0.92), fill=base)
            r.d.line([(x, y + tile * 0.46), (x + tile * 0.92, y + tile * 0.46)], fill=shade(base, 0.8), width=1)
            x += tile
        y += tile


def panelling(r: Room) -> None:
    """Wood panelling to dado height round the back wall, a seal above the bench."""
    top = r.fy - r.H * 0.22
    r.d.rectangle((r.x0, top, r.x1, r.fy), fill=r.c(DARK_WOOD))
    for k in range(9):
        x = r.at((k + 0.5) / 9)
        r.d.rectangle((x - r.W * 0.03, top + r.H * 0.02, x + r.W * 0.03, r.fy - r.H * 0.02), outline=r.c(shade(DARK_WOOD, 0.8)))
    cx, cy, rad = r.at(0.5), r.y0 + r.H * 0.12, r.H * 0.07
    r.d.ellipse((cx - rad, cy - rad, cx + rad, cy + rad), fill=r.c((196, 164, 80)), outline=r.c((120, 96, 40)), width=max(2, r.H // 200))
    r.d.ellipse((cx - rad * 0.55, cy - rad * 0.55, cx + rad * 0.55, cy + rad * 0.55), outline=r.c((120, 96, 40)), width=max(1, r.H // 300))


def pictures(r: Room) -> None:
    """Framed pictures on the back wall, away from the window."""
    for u, w, h in ((0.6, 0.07, 0.1), (0.72, 0.05, 0.07)):
        x = r.at(u if r.side > 0 else 1 - u)
        y = r.H * 0.28
        r.d.rectangle((x - r.W * w / 2, y - r.H * h / 2, x + r.W * w / 2, y + r.H * h / 2), fill=r.c((150, 120, 70)))
        r.d.rectangle((x - r.W * w * 0.4, y - r.H * h * 0.4, x + r.W * w * 0.4, y + r.H * h * 0.4), fill=r.c((110, 150, 170)))


def blackboard(r: Room) -> None:
    x0, x1, y0, y1 = r.at(0.25), r.at(0.75), r.H * 0.16, r.H * 0.4
    r.d.rectangle((x0 - 4, y0 - 4, x1 + 4, y1 + 4), fill=r.c(WOOD))
    r.d.rectangle((x0, y0, x1, y1), fill=r.c((40, 70, 56)))
    for k in range(4):  # chalk lines
        y = y0 + (y1 - y0) * (0.2 + 0.18 * k)
        r.d.line([(x0 + (x1 - x0) * 0.08, y), (x0 + (x1 - x0) * (0.5 + 0.1 * (k % 3)), y)], fill=r.c((220, 226, 220)), width=max(1, r.H // 300))


def menu_board(r: Room) -> None:
    x, y = r.at(0.7 if r.side > 0 else 0.3), r.H * 0.22
    r.d.rectangle((x - r.W * 0.06, y - r.H * 0.08, x + r.W * 0.06, y + r.H * 0.08), fill=r.c((36, 40, 38)), outline=r.c(WOOD), width=max(2, r.H // 150))
    for k in range(5):
        yy = y - r.H * 0.055 + k * r.H * 0.026
        r.d.line([(x - r.W * 0.045, yy), (x + r.W * (0.02 + 0.02 * (k % 2)), yy)], fill=r.c((230, 226, 210)), width=max(1, r.H // 400))


def doors(r: Room) -> None:
    """Doors down the corridor: in both side walls, smaller as they recede, and one at the end."""
    for s in (-1, 1):
        for k in range(3):
            t = 0.25 + 0.25 * k  # 0 near, 1 at the back wall
            edge = 0 if s < 0 else r.W
            x = edge + ((r.x0 if s < 0 else r.x1) - edge) * t
            top, bottom = r.y0 * t + r.H * 0.18 * (1 - t), r.fy * t + r.H * (1 - t)
            width = r.W * 0.05 * (1 - t * 0.6)
            r.d.polygon([(x, top + (bottom - top) * 0.12), (x + s * width, top + (bottom - top) * 0.16),
                         (x + s * width, bottom - (bottom - top) * 0.02), (x, bottom)], fill=r.c((110, 84, 60)))
    cx = r.at(0.5)
    r.d.rectangle((cx - r.W * 0.04, r.fy - r.H * 0.28, cx + r.W * 0.04, r.fy), fill=r.c((96, 74, 54)))


def storefronts(r: Room) -> None:
    """Shop fronts along the back wall of an arcade, their shutters half down."""
    for k in range(4):
        x0, x1 = r.at(k / 4 + 0.01), r.at((k + 1) / 4 - 0.01)
        top = r.fy - r.H * 0.34
        r.d.rectangle((x0, top, x1, r.fy), fill=r.c((60, 70, 80)))
        r.d.rectangle((x0, top - r.H * 0.05, x1, top), fill=r.c(((180, 60, 50), (50, 110, 160), (200, 160, 50), (70, 140, 90))[k]))
        shutter = top + (r.fy - top) * (0.3 + 0.2 * (k % 2))
        for y in range(int(top), int(shutter), max(2, r.H // 120)):
            r.d.line([(x0, y), (x1, y)], fill=r.c((150, 152, 156)), width=1)


def tent_canvas(r: Room) -> None:
    """The big top's striped canvas rising to the king pole."""
    stripes = 12
    for k in range(stripes):
        a, b = r.W * k / stripes, r.W * (k + 1) / stripes
        colour = (200, 44, 48) if k % 2 else (236, 226, 206)
        r.d.polygon([(a, 0), (b, 0), (r.at(0.5) + (b - r.W / 2) * 0.15, r.y0 + r.H * 0.3), (r.at(0.5) + (a - r.W / 2) * 0.15, r.y0 + r.H * 0.3)],
                    fill=r.c(colour))
    r.d.rectangle((r.at(0.5) - r.W * 0.006, 0, r.at(0.5) + r.W * 0.006, r.fy), fill=r.c((120, 100, 80)))


def bark_walls(r: Room) -> None:
    """Inside a hollow tree: the walls are ridged bark closing in overhead."""
    bark = r.look.wall
    for k in range(40):
        x = r.W * (k + 0.5) / 40
        r.d.line([(x, 0), (x + r.W * 0.01 * r.rng.uniform(-1, 1), r.H)], fill=shade(bark, r.rng.uniform(0.7, 0.9)), width=max(2, r.W // 180))
    r.d.chord((-r.W * 0.2, -r.H * 0.5, r.W * 1.2, r.H * 0.4), 0, 180, fill=shade(bark, 0.6))


def tree_opening(r: Room) -> None:
    """The hollow's mouth: a ragged oval onto the outside world."""
    cx, cy, rw, rh = r.at(0.5), r.H * 0.36, r.W * 0.12, r.H * 0.2
    window_view(r.img, r.d, r.look, (cx - rw, cy - rh, cx + rw, cy + rh), r.rng, round_=True)
    r.d.ellipse((cx - rw, cy - rh, cx + rw, cy + rh), outline=shade(r.look.wall, 0.5), width=max(4, r.H // 50))
    r.light(cx, cy, 0.25, mix(r.look.sky_horizon, (255, 255, 255), 0.3))


def roots(r: Room) -> None:
    for k in range(6):
        x = r.W * (0.05 + 0.18 * k)
        r.d.line([(x, r.H), (x + r.W * 0.05, r.fy + r.H * 0.08), (x + r.W * 0.1, r.fy)], fill=shade(r.look.wall, 0.75), width=max(3, r.H // 60))


def nest(r: Room) -> None:
    x, y = r.sx(0.28), r.fy + r.H * 0.1
    for k in range(12):
        a = k / 12
        r.d.arc((x - r.W * 0.09, y - r.H * 0.05, x + r.W * 0.09, y + r.H * 0.05), 200 + a * 20, 340 + a * 20, fill=r.c((160, 126, 70)), width=max(2, r.H // 120))
    for dx in (-0.02, 0.0, 0.02):
        r.d.ellipse((x + r.W * dx - r.H * 0.015, y - r.H * 0.03, x + r.W * dx + r.H * 0.015, y), fill=r.c((226, 220, 200)))


# ---------------------------------------------------------------- along the back wall


def cupboards(r: Room) -> None:
    """Wall cupboards above the counter, across from the window."""
    u0, u1 = (0.5, 0.98) if r.side > 0 else (0.02, 0.5)
    x0, x1, y0, y1 = r.at(u0), r.at(u1), r.y0 + r.H * 0.06, r.y0 + r.H * 0.24
    n = 3
    for k in range(n):
        a, b = x0 + (x1 - x0) * k / n, x0 + (x1 - x0) * (k + 1) / n
        r.d.rectangle((a + 2, y0, b - 2, y1), fill=r.c((226, 220, 204)), outline=r.c((150, 140, 120)), width=max(1, r.H // 300))
        r.d.rectangle((b - (b - a) * 0.2, y1 - r.H * 0.05, b - (b - a) * 0.16, y1 - r.H * 0.02), fill=r.c((120, 110, 100)))


def counter(r: Room) -> None:
    """A worktop along the back wall with a sink and a hob, cabinet doors below."""
    x0, x1, top = r.at(0.03), r.at(0.97), r.fy - r.H * 0.16
    r.d.rectangle((x0, top, x1, r.fy), fill=r.c((200, 190, 170)))
    r.d.rectangle((x0, top - r.H * 0.015, x1, top), fill=r.c((90, 86, 84)))
    for k in range(6):
        a = x0 + (x1 - x0) * k / 6
        r.d.rectangle((a + 3, top + r.H * 0.02, a + (x1 - x0) / 6 - 3, r.fy - r.H * 0.01), outline=r.c((150, 140, 120)))
    sink = r.at(0.3 if r.side > 0 else 0.7)
    r.d.rectangle((sink - r.W * 0.04, top - r.H * 0.012, sink + r.W * 0.04, top), fill=r.c((170, 176, 182)))
    r.d.line([(sink, top - r.H * 0.012), (sink, top - r.H * 0.05), (sink + r.W * 0.015, top - r.H * 0.05)], fill=r.c(STEEL), width=max(2, r.H // 200))
    hob = r.at(0.55)
    for dx in (-0.02, 0.02):
        r.d.ellipse((hob + r.W * dx - r.W * 0.014, top - r.H * 0.012, hob + r.W * dx + r.W * 0.014, top - r.H * 0.002), fill=r.c((40, 40, 44)))


def elevator_doors(r: Room) -> None:
    """Brushed steel double doors in the back wall, a floor indicator above them."""
    cx, top = r.at(0.5), r.y0 + r.H * 0.12
    half = (r.x1 - r.x0) * 0.26
    r.d.rectangle((cx - half - r.W * 0.01, top - r.H * 0.01, cx + half + r.W * 0.01, r.fy), fill=r.c((110, 114, 118)))
    for s in (-1, 1):
        x0, x1 = sorted((cx, cx + s * half))
        r.img.paste(gradient((int(x1 - x0) - 2, int(r.fy - top)), r.c((196, 200, 204)), r.c((150, 154, 158))), (int(x0) + 1, int(top)))
    r.d.line([(cx, top), (cx, r.fy)], fill=r.c((70, 72, 76)), width=max(2, r.H // 200))
    r.d.rectangle((cx - r.W * 0.04, top - r.H * 0.08, cx + r.W * 0.04, top - r.H * 0.03), fill=(20, 20, 22))
    lit = (90, 30, 20) if r.look.dark else (255, 120, 40)
    for k in range(3):
        x = cx - r.W * 0.025 + k * r.W * 0.025
        r.d.rectangle((x - r.W * 0.006, top - r.H * 0.07, x + r.W * 0.006, top - r.H * 0.04), fill=lit)


def handrail(r: Room) -> None:
    y = r.fy - r.H * 0.22
    r.d.line([(r.x0, y), (r.x1, y)], fill=r.c((210, 212, 214)), width=max(2, r.H // 120))
    for s, edge in ((-1, r.x0), (1, r.x1)):
        far = r.W if s > 0 else 0
        r.d.line([(edge, y), (far, y + (r.H - y) * 0.35)], fill=r.c((210, 212, 214)), width=max(3, r.H // 80))


def button_panel(r: Room) -> None:
    """The elevator's buttons on the side wall nearest the doors."""
    x = r.W * (0.9 if r.side > 0 else 0.1)
    y0, y1 = r.H * 0.34, r.H * 0.62
    r.d.rectangle((x - r.W * 0.025, y0, x + r.W * 0.025, y1), fill=r.c((120, 124, 128)), outline=r.c((80, 80, 84)))
    for k in range(8):
        bx, by = x + (k % 2 - 0.5) * r.W * 0.022, y0 + r.H * 0.03 + (k // 2) * r.H * 0.055
        on = k == 3 and not r.look.dark
        r.d.ellipse((bx - r.H * 0.01, by - r.H * 0.01, bx + r.H * 0.01, by + r.H * 0.01), fill=(255, 200, 90) if on else r.c((210, 210, 206)))


def consoles(r: Room) -> None:
    """Control consoles along the back wall: sloped desks of dials and switches under glowing screens."""
    x0, x1, top = r.at(0.02), r.at(0.98), r.fy - r.H * 0.2
    r.d.polygon([(x0, r.fy), (x0, top + r.H * 0.04), (x1, top + r.H * 0.04), (x1, r.fy)], fill=r.c((70, 80, 84)))
    r.d.polygon([(x0, top + r.H * 0.04), (x0 + r.W * 0.01, top), (x1 - r.W * 0.01, top), (x1, top + r.H * 0.04)], fill=r.c((96, 108, 110)))
    screen = (60, 40, 30) if r.look.dark else (90, 230, 150)
    for k in range(5):
        cx = x0 + (x1 - x0) * (k + 0.5) / 5
        sy = top - r.H * 0.12
        r.d.rectangle((cx - r.W * 0.045, sy - r.H * 0.06, cx + r.W * 0.045, sy + r.H * 0.05), fill=r.c((30, 34, 36)))
        r.d.rectangle((cx - r.W * 0.038, sy - r.H * 0.05, cx + r.W * 0.038, sy + r.H * 0.04), fill=shade(screen, 0.45))
        if k % 2 == 0:  # a sonar sweep on every other screen
            r.d.ellipse((cx - r.H * 0.035, sy - r.H * 0.035, cx + r.H * 0.035, sy + r.H * 0.035), outline=screen, width=max(1, r.H // 300))
            r.d.line([(cx, sy), (cx + r.H * 0.03, sy - r.H * 0.015)], fill=screen, width=max(1, r.H // 300))
        else:
            r.d.line([(cx - r.W * 0.03, sy), (cx - r.W * 0.01, sy - r.H * 0.02), (cx + r.W * 0.01, sy + r.H * 0.02), (cx + r.W * 0.03, sy)], fill=screen, width=max(1, r.H // 300))
        r.light(cx, sy, 0.08, screen)
        for j in range(4):  # dials on the desk
            dx = cx + (j - 1.5) * r.W * 0.018
            r.d.ellipse((dx - r.H * 0.008, top + r.H * 0.01, dx + r.H * 0.008, top + r.H * 0.026), fill=r.c((220, 210, 170)))


def pipes(r: Room) -> None:
    """Pipes run along the ceiling and down the side walls, with valve wheels."""
    for k, y in enumerate((r.y0 + r.H * 0.02, r.y0 + r.H * 0.05)):
        colour = r.c(((120, 110, 90), (150, 60, 50))[k])
        r.d.line([(0, y * 0.4), (r.x0, y), (r.x1, y), (r.W, y * 0.4)], fill=colour, width=max(3, r.H // 60))
    for s in (-1, 1):
        x = r.W * (0.06 if s < 0 else 0.94)
        r.d.line([(x, 0), (x, r.H)], fill=r.c((110, 104, 92)), width=max(4, r.H // 45))
        r.d.ellipse((x - r.H * 0.03, r.H * 0.45, x + r.H * 0.03, r.H * 0.51), outline=r.c((190, 60, 50)), width=max(2, r.H // 150))


def periscope(r: Room) -> None:
    x = r.sx(-0.22)
    r.d.rectangle((x - r.W * 0.012, 0, x + r.W * 0.012, r.H * 0.5), fill=r.c((96, 100, 104)))
    r.d.rectangle((x - r.W * 0.03, r.H * 0.46, x + r.W * 0.03, r.H * 0.54), fill=r.c((70, 74, 78)), outline=r.c(INK, 0.3))
    for s in (-1, 1):
        r.d.line([(x + s * r.W * 0.03, r.H * 0.5), (x + s * r.W * 0.05, r.H * 0.5)], fill=r.c((60, 60, 64)), width=max(3, r.H // 80))


def on_air(r: Room) -> None:
    """The ON AIR lamp over the door: red and lit while the studio broadcasts, dark in a blackout."""
    x, y = r.at(0.78 if r.side > 0 else 0.22), r.y0 + r.H * 0.1
    lit = not r.look.dark
    r.d.rectangle((x - r.W * 0.045, y - r.H * 0.03, x + r.W * 0.045, y + r.H * 0.03), fill=(40, 30, 30), outline=(20, 20, 22))
    r.d.rectangle((x - r.W * 0.038, y - r.H * 0.02, x + r.W * 0.038, y + r.H * 0.02), fill=(236, 40, 40) if lit else (90, 36, 36))
    for k in range(5):  # the lettering as light bars
        bx = x - r.W * 0.03 + k * r.W * 0.015
        r.d.rectangle((bx, y - r.H * 0.008, bx + r.W * 0.008, y + r.H * 0.008), fill=(255, 220, 220) if lit else (120, 80, 80))
    r.light(x, y, 0.1, (255, 60, 50))


def judge_bench(r: Room) -> None:
    """The raised bench at the back, its front panelled, the judge's chair behind."""
    x0, x1, top = r.at(0.28), r.at(0.72), r.fy - r.H * 0.3
    r.d.rectangle((r.at(0.46), top - r.H * 0.14, r.at(0.54), top), fill=r.c((90, 30, 30)))  # the chair's high back
    r.d.rectangle((x0, top, x1, r.fy), fill=r.c((120, 80, 48)))
    r.d.rectangle((x0 - r.W * 0.01, top - r.H * 0.015, x1 + r.W * 0.01, top + r.H * 0.01), fill=r.c((90, 60, 36)))
    for k in range(4):
        a = x0 + (x1 - x0) * (k + 0.15) / 4
        r.d.rectangle((a, top + r.H * 0.04, a + (x1 - x0) * 0.18, r.fy - r.H * 0.03), outline=r.c((80, 54, 34)), width=max(1, r.H // 250))


def witness_stand(r: Room) -> None:
    x, top = r.sx(0.3), r.fy - r.H * 0.02
    r.d.rectangle((x - r.W * 0.07, top - r.H * 0.14, x + r.W * 0.07, top + r.H * 0.12), fill=r.c((126, 86, 52)))
    r.d.rectangle((x - r.W * 0.075, top - r.H * 0.155, x + r.W * 0.075, top - r.H * 0.13), fill=r.c((96, 64, 40)))


def court_rail(r: Room) -> None:
    """The bar: a low wooden rail with balusters across the near floor."""
    y = r.H * 0.84
    r.d.rectangle((0, y - r.H * 0.1, r.W, y - r.H * 0.085), fill=r.c((110, 74, 46)))
    for k in range(26):
        x = r.W * (k + 0.5) / 26
        r.d.rectangle((x - r.W * 0.004, y - r.H * 0.09, x + r.W * 0.004, y + r.H * 0.05), fill=r.c((120, 82, 52)))


def stage(r: Room) -> None:
    """A lit stage at the back of the hall between red curtains, a piano on it."""
    x0, x1, top = r.at(0.1), r.at(0.9), r.fy - r.H * 0.08
    r.d.rectangle((x0, r.y0, x1, top), fill=r.c((40, 30, 30)))
    r.d.rectangle((x0, top, x1, r.fy), fill=r.c((150, 100, 60)))
    for s in (-1, 1):
        edge = x0 if s < 0 else x1
        r.d.polygon([(edge, r.y0), (edge - s * (x1 - x0) * 0.16, r.y0), (edge - s * (x1 - x0) * 0.1, top), (edge, top)], fill=r.c((150, 24, 30)))
    r.d.rectangle((x0, r.y0, x1, r.y0 + r.H * 0.04), fill=r.c((130, 20, 26)))
    draw_thing(r.d, "piano", r.at(0.5), top, r.H * 0.14, r.look.grade)
    r.light(r.at(0.5), top - r.H * 0.1, 0.35, (255, 230, 180))


def chandelier(r: Room) -> None:
    x, y = r.at(0.5), r.H * 0.1
    r.d.line([(x, 0), (x, y)], fill=r.c((150, 130, 80)), width=max(1, r.H // 300))
    r.d.ellipse((x - r.W * 0.05, y, x + r.W * 0.05, y + r.H * 0.05), outline=r.c((200, 170, 90)), width=max(2, r.H // 200))
    for k in range(7):
        bx = x - r.W * 0.045 + k * r.W * 0.015
        r.d.ellipse((bx - 2, y + r.H * 0.02, bx + 2, y + r.H * 0.03), fill=(255, 236, 180) if not r.look.dark else (120, 110, 90))
    r.light(x, y + r.H * 0.03, 0.15)


def seats(r: Room) -> None:
    """Rows of seat backs from behind, the audience's view of the stage."""
    for row in range(3):
        y = r.H * (0.78 + 0.09 * row)
        size = r.H * (0.05 + 0.012 * row)
        x = -size * (row % 2)
        while x < r.W + size:
            r.d.rounded_rectangle((x, y - size, x + size * 1.7, y + size), radius=size * 0.3, fill=r.c((150, 30, 36)), outline=r.c((90, 20, 24)))
            x += size * 2


def mixing_desk(r: Room) -> None:
    """The broadcast desk in the foreground: faders, knobs and level meters."""
    top, bottom = r.H * 0.8, r.H
    r.d.polygon([(r.W * 0.12, bottom), (r.W * 0.2, top), (r.W * 0.8, top), (r.W * 0.88, bottom)], fill=r.c((52, 54, 60)))
    for k in range(16):
        x = r.W * (0.24 + 0.033 * k)
        r.d.line([(x, top + r.H * 0.03), (x, top + r.H * 0.11)], fill=r.c((20, 20, 24)), width=max(1, r.H // 300))
        fy = top + r.H * (0.04 + 0.06 * ((k * 7) % 5) / 5)
        r.d.rectangle((x - r.W * 0.006, fy, x + r.W * 0.006, fy + r.H * 0.012), fill=r.c((220, 220, 220)))
        meter = (40, 60, 40) if r.look.dark else ((90, 220, 90) if k % 4 else (240, 180, 40))
        r.d.rectangle((x - 2, top + r.H * 0.012, x + 2, top + r.H * 0.022), fill=meter)


def microphones(r: Room) -> None:
    """Two microphones on boom arms, reaching in over the desk."""
    for s in (-1, 1):
        base = (r.W * (0.5 + s * 0.42), r.H * 0.82)
        elbow = (r.W * (0.5 + s * 0.34), r.H * 0.58)
        head = (r.W * (0.5 + s * 0.24), r.H * 0.62)
        r.d.line([base, elbow, head], fill=r.c((40, 40, 44)), width=max(2, r.H // 120))
        r.d.rounded_rectangle((head[0] - r.H * 0.025, head[1] - r.H * 0.05, head[0] + r.H * 0.025, head[1] + r.H * 0.02),
                              radius=r.H * 0.02, fill=r.c((60, 62, 66)), outline=r.c((20, 20, 22)))


def bread_shelves(r: Room) -> None:
    """Shelves of loaves behind the counter."""
    u0, u1 = (0.45, 0.95) if r.side > 0 else (0.05, 0.55)
    x0, x1 = r.at(u0), r.at(u1)
    r.d.rectangle((x0, r.y0 + r.H * 0.08, x1, r.fy - r.H * 0.16), fill=r.c(DARK_WOOD))
    for k in range(3):
        y = r.y0 + r.H * (0.16 + 0.13 * k)
        r.d.rectangle((x0, y, x1, y + r.H * 0.012), fill=r.c(WOOD))
        n = 5
        for j in range(n):
            draw_thing(r.d, "bread", x0 + (x1 - x0) * (j + 0.5) / n, y, r.H * 0.07, r.look.grade)


def oven(r: Room) -> None:
    """A brick oven with its fire glowing in the mouth."""
    x, top = r.at(0.2 if r.side > 0 else 0.8), r.fy - r.H * 0.36
    r.d.rectangle((x - r.W * 0.09, top, x + r.W * 0.09, r.fy), fill=r.c((160, 80, 60)))
    for k in range(7):
        y = top + k * r.H * 0.05
        r.d.line([(x - r.W * 0.09, y), (x + r.W * 0.09, y)], fill=r.c((120, 60, 44)), width=1)
    r.d.chord((x - r.W * 0.05, r.fy - r.H * 0.2, x + r.W * 0.05, r.fy - r.H * 0.02), 180, 360, fill=(30, 20, 16))
    r.d.ellipse((x - r.W * 0.03, r.fy - r.H * 0.12, x + r.W * 0.03, r.fy - r.H * 0.06), fill=(250, 150, 50))
    r.glows.append((x / r.W, (r.fy - r.H * 0.1) / r.H, 0.2, (255, 150, 60)))


def display_counter(r: Room) -> None:
    """A glass counter of pastries across the near floor."""
    y0, y1 = r.H * 0.78, r.H
    r.d.rectangle((r.W * 0.05, y0, r.W * 0.95, y1), fill=r.c((200, 180, 150)))
    r.d.rectangle((r.W * 0.07, y0 + r.H * 0.02, r.W * 0.93, y0 + r.H * 0.1), fill=r.c((210, 230, 236)))
    for k in range(9):
        x = r.W * (0.12 + 0.095 * k)
        r.d.ellipse((x - r.W * 0.025, y0 + r.H * 0.055, x + r.W * 0.025, y0 + r.H * 0.09), fill=r.c(((214, 160, 80), (190, 110, 60), (236, 200, 140))[k % 3]))


def store_shelves(r: Room) -> None:
    """Aisle shelves stacked with goods, on both sides of the back wall."""
    for u0, u1 in ((0.02, 0.4), (0.6, 0.98)):
        x0, x1 = r.at(u0), r.at(u1)
        r.d.rectangle((x0, r.y0 + r.H * 0.1, x1, r.fy), fill=r.c((200, 204, 206)))
        for k in range(4):
            y = r.y0 + r.H * (0.14 + 0.12 * k)
            r.d.rectangle((x0, y + r.H * 0.09, x1, y + r.H * 0.1), fill=r.c((150, 154, 158)))
            x = x0 + r.W * 0.004
            while x < x1 - r.W * 0.012:
                w = r.W * r.rng.uniform(0.008, 0.016)
                r.d.rectangle((x, y + r.H * r.rng.uniform(0.02, 0.05), x + w, y + r.H * 0.09),
                              fill=r.c(r.rng.choice([(220, 60, 50), (240, 200, 60), (60, 140, 210), (80, 180, 90), (250, 250, 250)])))
                x += w + r.W * 0.002


def drinks_fridge(r: Room) -> None:
    x = r.at(0.5)
    r.d.rectangle((x - r.W * 0.07, r.y0 + r.H * 0.08, x + r.W * 0.07, r.fy), fill=r.c((60, 64, 70)))
    r.d.rectangle((x - r.W * 0.06, r.y0 + r.H * 0.1, x + r.W * 0.06, r.fy - r.H * 0.03), fill=r.c((196, 226, 236)))
    for k in range(5):
        y = r.y0 + r.H * (0.14 + 0.1 * k)
        for j in range(6):
            bx = x - r.W * 0.05 + j * r.W * 0.02
            r.d.rectangle((bx, y, bx + r.W * 0.012, y + r.H * 0.06), fill=r.c(((220, 60, 50), (60, 160, 90), (250, 180, 40))[(j + k) % 3]))
    r.light(x, r.H * 0.35, 0.2, (210, 240, 255))


def shop_counter(r: Room) -> None:
    y0 = r.H * 0.8
    x0, x1 = (r.W * 0.55, r.W) if r.side > 0 else (0, r.W * 0.45)
    r.d.rectangle((x0, y0, x1, r.H), fill=r.c((120, 130, 140)))
    r.d.rectangle((x0, y0 - r.H * 0.015, x1, y0), fill=r.c((80, 84, 90)))
    cx = (x0 + x1) / 2
    r.d.rectangle((cx - r.W * 0.04, y0 - r.H * 0.09, cx + r.W * 0.04, y0), fill=r.c((40, 42, 46)))  # the till
    r.d.rectangle((cx - r.W * 0.032, y0 - r.H * 0.08, cx + r.W * 0.032, y0 - r.H * 0.05), fill=(90, 200, 140) if not r.look.dark else (30, 40, 34))


def tools_wall(r: Room) -> None:
    """A pegboard of tools on the back wall."""
    x0, x1, y0, y1 = r.at(0.45), r.at(0.95), r.y0 + r.H * 0.1, r.y0 + r.H * 0.36
    if r.side < 0:
        x0, x1 = r.at(0.05), r.at(0.55)
    r.d.rectangle((x0, y0, x1, y1), fill=r.c((190, 160, 120)))
    for k in range(7):
        x = x0 + (x1 - x0) * (k + 0.5) / 7
        r.d.line([(x, y0 + r.H * 0.04), (x, y0 + r.H * (0.12 + 0.04 * (k % 3)))], fill=r.c((70, 70, 76)), width=max(2, r.H // 150))
        r.d.rectangle((x - r.W * 0.008, y0 + r.H * 0.03, x + r.W * 0.008, y0 + r.H * 0.05), fill=r.c((170, 60, 40)))


def wall_clocks(r: Room) -> None:
    """Clocks of every size on the wall, as in a clockmaker's."""
    for k, (u, v, s) in enumerate(((0.15, 0.2, 0.07), (0.3, 0.32, 0.05), (0.12, 0.4, 0.04), (0.36, 0.16, 0.045))):
        x = r.at(u if r.side > 0 else 1 - u)
        draw_thing(r.d, "clock", x, r.y0 + r.H * v + r.H * s, r.H * s * 2.4, r.look.grade)


def workbench(r: Room) -> None:
    y = r.H * 0.82
    r.d.rectangle((r.W * 0.15, y, r.W * 0.85, y + r.H * 0.03), fill=r.c(WOOD))
    for x in (0.18, 0.82):
        r.d.rectangle((r.W * x - r.W * 0.01, y, r.W * x + r.W * 0.01, r.H), fill=r.c(DARK_WOOD))
    r.d.rectangle((r.W * 0.45, y - r.H * 0.04, r.W * 0.55, y), fill=r.c((90, 96, 100)))  # a vice


def desks(r: Room) -> None:
    """Rows of school desks, in perspective."""
    for row in range(3):
        t = 0.25 + 0.3 * row
        y = r.fy + (r.H - r.fy) * t
        w = r.W * (0.08 + 0.05 * t)
        for k in range(4):
            x = r.W * 0.5 + (k - 1.5) * w * 1.8 * (0.6 + t)
            r.d.rectangle((x - w / 2, y - r.H * 0.02, x + w / 2, y), fill=r.c(WOOD))
            r.d.line([(x - w * 0.4, y), (x - w * 0.4, y + r.H * 0.05 * (0.5 + t))], fill=r.c(DARK_WOOD), width=max(1, r.H // 200))
            r.d.line([(x + w * 0.4, y), (x + w * 0.4, y + r.H * 0.05 * (0.5 + t))], fill=r.c(DARK_WOOD), width=max(1, r.H // 200))


def desk(r: Room) -> None:
    x, y = r.sx(0.22), r.H * 0.8
    r.d.rectangle((x - r.W * 0.16, y, x + r.W * 0.16, y + r.H * 0.03), fill=r.c(DARK_WOOD))
    r.d.rectangle((x - r.W * 0.15, y + r.H * 0.03, x - r.W * 0.07, r.H), fill=r.c(shade(DARK_WOOD, 0.85)))
    r.d.rectangle((x + r.W * 0.02, y - r.H * 0.12, x + r.W * 0.1, y - r.H * 0.02), fill=r.c((50, 52, 56)))  # a monitor
    r.d.rectangle((x + r.W * 0.025, y - r.H * 0.115, x + r.W * 0.095, y - r.H * 0.03), fill=r.c((120, 170, 200)))


def filing_cabinets(r: Room) -> None:
    for k in range(2):
        x = r.at((0.78 + 0.1 * k) if r.side > 0 else (0.22 - 0.1 * k))
        r.d.rectangle((x - r.W * 0.045, r.fy - r.H * 0.3, x + r.W * 0.045, r.fy), fill=r.c((120, 130, 130)))
        for j in range(4):
            y = r.fy - r.H * (0.27 - 0.07 * j)
            r.d.rectangle((x - r.W * 0.04, y, x + r.W * 0.04, y + r.H * 0.06), outline=r.c((80, 86, 86)))
            r.d.rectangle((x - r.W * 0.01, y + r.H * 0.02, x + r.W * 0.01, y + r.H * 0.03), fill=r.c((200, 200, 196)))


def cafe_tables(r: Room) -> None:
    for k, (fx, fy, s) in enumerate(((0.25, 0.8, 0.09), (0.72, 0.84, 0.1), (0.5, 0.74, 0.07))):
        x, y = r.W * fx, r.H * fy
        r.d.ellipse((x - r.W * s, y - r.H * s * 0.3, x + r.W * s, y + r.H * s * 0.3), fill=r.c((230, 226, 214)))
        r.d.line([(x, y), (x, y + r.H * s * 1.4)], fill=r.c((60, 58, 56)), width=max(2, r.H // 150))
        draw_thing(r.d, "cup", x, y, r.H * s * 0.5, r.look.grade)


def sofa(r: Room) -> None:
    x, y = r.sx(-0.2), r.H * 0.78
    colour = r.c((140, 70, 60))
    r.d.rounded_rectangle((x - r.W * 0.18, y - r.H * 0.12, x + r.W * 0.18, y + r.H * 0.06), radius=r.H * 0.03, fill=shade(colour, 0.85))
    r.d.rounded_rectangle((x - r.W * 0.2, y - r.H * 0.04, x + r.W * 0.2, y + r.H * 0.1), radius=r.H * 0.03, fill=colour)
    for s in (-1, 1):
        r.d.rounded_rectangle((x + s * r.W * 0.2 - r.W * 0.025, y - r.H * 0.08, x + s * r.W * 0.2 + r.W * 0.025, y + r.H * 0.1),
                              radius=r.H * 0.02, fill=shade(colour, 0.9))


def rug(r: Room) -> None:
    cx, cy = r.W * 0.5, r.fy + (r.H - r.fy) * 0.55
    r.d.ellipse((cx - r.W * 0.28, cy - r.H * 0.08, cx + r.W * 0.28, cy + r.H * 0.08), fill=r.c((150, 60, 60)), outline=r.c((200, 160, 80)), width=max(2, r.H // 150))


def bed(r: Room) -> None:
    x, y = r.sx(-0.18), r.H * 0.76
    r.d.rectangle((x - r.W * 0.2, y - r.H * 0.2, x - r.W * 0.18, y + r.H * 0.12), fill=r.c(DARK_WOOD))  # headboard
    r.d.rectangle((x - r.W * 0.18, y - r.H * 0.04, x + r.W * 0.2, y + r.H * 0.1), fill=r.c((236, 236, 232)))
    r.d.rectangle((x - r.W * 0.05, y - r.H * 0.05, x + r.W * 0.2, y + r.H * 0.06), fill=r.c((110, 140, 180)))  # blanket
    r.d.ellipse((x - r.W * 0.17, y - r.H * 0.07, x - r.W * 0.08, y), fill=r.c((250, 250, 246)))  # pillow


def boxes(r: Room) -> None:
    for k, (fx, s) in enumerate(((0.2, 0.1), (0.27, 0.07), (0.78, 0.09))):
        x, y = r.W * fx, r.H * 0.88
        r.d.rectangle((x - r.W * s / 2, y - r.H * s * 1.2, x + r.W * s / 2, y), fill=r.c((170, 130, 80)), outline=r.c((110, 80, 50)))
        r.d.line([(x - r.W * s / 2, y - r.H * s * 0.9), (x + r.W * s / 2, y - r.H * s * 0.9)], fill=r.c((120, 90, 56)), width=1)


def piano(r: Room) -> None:
    draw_thing(r.d, "piano", r.sx(-0.22), r.H * 0.86, r.H * 0.34, r.look.grade)


def fridge(r: Room) -> None:
    draw_thing(r.d, "fridge", r.sx(0.33), r.H * 0.9, r.H * 0.62, r.look.grade)


def music_stands(r: Room) -> None:
    for fx in (0.35, 0.55, 0.75):
        x, y = r.W * fx, r.H * 0.84
        r.d.line([(x, y), (x, y - r.H * 0.16)], fill=r.c((40, 40, 44)), width=max(1, r.H // 200))
        r.d.polygon([(x - r.W * 0.03, y - r.H * 0.2), (x + r.W * 0.03, y - r.H * 0.2), (x + r.W * 0.028, y - r.H * 0.15),
                     (x - r.W * 0.028, y - r.H * 0.15)], fill=r.c((50, 50, 56)))
        r.d.rectangle((x - r.W * 0.022, y - r.H * 0.215, x + r.W * 0.022, y - r.H * 0.17), fill=r.c((244, 240, 226)))


def ring(r: Room) -> None:
    """The circus ring: a low red kerb round a sawdust floor."""
    cx, cy = r.W * 0.5, r.fy + (r.H - r.fy) * 0.55
    r.d.ellipse((cx - r.W * 0.4, cy - r.H * 0.13, cx + r.W * 0.4, cy + r.H * 0.13), fill=r.c((200, 40, 44)))
    r.d.ellipse((cx - r.W * 0.37, cy - r.H * 0.11, cx + r.W * 0.37, cy + r.H * 0.11), fill=r.c((210, 180, 120)))


def stands(r: Room) -> None:
    """Tiered benches under the canvas, behind the ring."""
    for k in range(4):
        y = r.fy - r.H * 0.06 * k
        r.d.rectangle((r.x0, y - r.H * 0.03, r.x1, y), fill=r.c(((90, 70, 60), (110, 80, 60))[k % 2]))


def punching_bag(r: Room) -> None:
    x = r.sx(-0.3)
    r.d.line([(x, 0), (x, r.H * 0.3)], fill=r.c((60, 60, 60)), width=max(1, r.H // 250))
    r.d.rounded_rectangle((x - r.W * 0.035, r.H * 0.3, x + r.W * 0.035, r.H * 0.62), radius=r.W * 0.03, fill=r.c((150, 40, 36)))


def ring_ropes(r: Room) -> None:
    """A boxing ring's ropes and corner post across the foreground."""
    post = r.sx(0.4)
    r.d.rectangle((post - r.W * 0.012, r.H * 0.55, post + r.W * 0.012, r.H), fill=r.c((200, 40, 40)))
    for k, y in enumerate((0.6, 0.7, 0.8)):
        far = 0 if r.side > 0 else r.W
        r.d.line([(post, r.H * y), (far, r.H * (y + 0.02))], fill=r.c(((230, 230, 230), (200, 40, 40), (40, 60, 160))[k]), width=max(2, r.H // 100))


def escalator(r: Room) -> None:
    """An escalator climbing from the near floor toward the back wall's upper floor."""
    x = r.sx(0.28)
    base, top = (x, r.H * 0.95), (x - r.side * r.W * 0.14, r.y0 + r.H * 0.2)
    w = r.W * 0.06
    r.d.polygon([(base[0] - w, base[1]), (base[0] + w, base[1]), (top[0] + w * 0.5, top[1]), (top[0] - w * 0.5, top[1])], fill=r.c((110, 114, 120)))
    for k in range(1, 12):
        t = k / 12
        y, half = base[1] + (top[1] - base[1]) * t, w * (1 - 0.5 * t)
        xx = base[0] + (top[0] - base[0]) * t
        r.d.line([(xx - half, y), (xx + half, y)], fill=r.c((70, 72, 78)), width=max(1, r.H // 300))
    for s in (-1, 1):
        r.d.line([(base[0] + s * w * 1.1, base[1] - r.H * 0.06), (top[0] + s * w * 0.6, top[1] - r.H * 0.04)], fill=r.c((40, 40, 44)), width=max(2, r.H // 120))


def ceiling_light(r: Room) -> None:
    """Strip lights in the ceiling: what lights a lift, a corridor or a mall whatever the hour."""
    for u in (0.3, 0.7):
        x = r.at(u)
        colour = (90, 90, 86) if r.look.dark else (250, 248, 236)
        r.d.rectangle((x - r.W * 0.06, r.y0 * 0.45, x + r.W * 0.06, r.y0 * 0.45 + r.H * 0.015), fill=colour)
        r.light(x, r.y0 * 0.5, 0.3, (255, 250, 230))


# ---------------------------------------------------------------- the classic few a room's words call


def shelves(r: Room) -> None:
    bx0, bx1 = sorted((r.sx(0.2), r.sx(0.34)))
    r.d.rectangle((bx0, r.H * 0.12, bx1, r.fy), fill=(86, 58, 40))
    for k in range(5):
        sy = r.H * 0.14 + (r.fy - r.H * 0.14) * k / 5
        bx = bx0 + r.W * 0.004
        while bx < bx1 - r.W * 0.01:
            bw = r.W * r.rng.uniform(0.006, 0.012)
            r.d.rectangle((bx, sy + r.H * r.rng.uniform(0.02, 0.04), bx + bw, sy + (r.fy - r.H * 0.14) / 5 - r.H * 0.01),
                          fill=graded(r.rng.choice([(140, 40, 40), (40, 70, 120), (60, 110, 70), (180, 150, 80), (90, 60, 100)]), r.look.grade, 0.7))
            bx += bw + r.W * 0.002


def fireplace(r: Room) -> None:
    fx, fy, W, H = r.sx(-0.02), r.fy, r.W, r.H
    r.d.rectangle((fx - W * 0.08, fy - H * 0.25, fx + W * 0.08, fy), fill=(120, 110, 104))
    r.d.chord((fx - W * 0.05, fy - H * 0.2, fx + W * 0.05, fy + H * 0.1), 180, 360, fill=(30, 22, 20))
    r.d.ellipse((fx - W * 0.03, fy - H * 0.08, fx + W * 0.03, fy), fill=(240, 140, 40))
    r.glows.append((fx / W, (fy - H * 0.05) / H, 0.2, (255, 150, 60)))


def stairs(r: Room) -> None:
    for k in range(8):
        sx0 = r.sx(0.24) - r.side * r.W * 0.02 * k
        r.d.rectangle((min(sx0, sx0 + r.side * r.W * 0.1), r.fy - r.H * 0.05 * (k + 1), max(sx0, sx0 + r.side * r.W * 0.1), r.fy - r.H * 0.05 * k),
                      fill=shade(r.look.floor, 1.05 - 0.03 * k), outline=shade(r.look.floor, 0.7))


def beams(r: Room) -> None:
    """A pitched roof comes down over the side walls."""
    W, H, x0, x1, y0 = r.W, r.H, r.x0, r.x1, r.y0
    slope = shade(r.look.wall, 0.55)
    r.d.polygon([(0, 0), (W * 0.5, 0), (x0, y0 + H * 0.2), (0, H * 0.45)], fill=slope)
    r.d.polygon([(W, 0), (W * 0.5, 0), (x1, y0 + H * 0.2), (W, H * 0.45)], fill=shade(slope, 1.05))
    for k in range(5):
        t = k / 4
        for sx_, edge in ((0, x0), (W, x1)):
            r.d.line([(sx_ + (W * 0.5 - sx_) * t * 0.9, 0), (sx_ + (edge - sx_) * t, H * 0.45 + (y0 + H * 0.2 - H * 0.45) * t)],
                     fill=(84, 62, 44), width=max(2, H // 90))


def table(r: Room) -> None:
    tx, ty, W, H = r.sx(0.36), r.H * 0.82, r.W, r.H
    r.d.rectangle((tx - W * 0.1, ty, tx - W * 0.09, H), fill=(70, 48, 34))
    r.d.rectangle((tx + W * 0.09, ty, tx + W * 0.1, H), fill=(70, 48, 34))
    r.d.ellipse((tx - W * 0.14, ty - H * 0.04, tx + W * 0.14, ty + H * 0.04), fill=graded((130, 92, 60), r.look.grade, 0.7))


def picture(r: Room) -> None:
    px, W, H = r.sx(0.05), r.W, r.H
    r.d.rectangle((px - W * 0.05, H * 0.2, px + W * 0.05, H * 0.36), fill=(150, 120, 70))
    r.d.rectangle((px - W * 0.04, H * 0.215, px + W * 0.04, H * 0.345), fill=graded((110, 150, 170), r.look.grade, 0.7))


def lamp(r: Room) -> None:
    lx, ly, W, H = r.sx(0.36), r.H * 0.7, r.W, r.H
    r.d.polygon([(lx - W * 0.02, ly), (lx + W * 0.02, ly), (lx + W * 0.012, ly - H * 0.05), (lx - W * 0.012, ly - H * 0.05)], fill=r.look.lit)
    r.d.rectangle((lx - W * 0.003, ly, lx + W * 0.003, ly + H * 0.08), fill=(60, 50, 40))
    r.light(lx, ly - H * 0.02, 0.3)


def lens(r: Room) -> None:
    """A lantern room: glass all round and the great lens to one side."""
    for i in range(4):
        window(r, (i + 0.5) / 4, (r.x1 - r.x0) / r.W / 4.4, 0.46)
    lx, ly, rad = r.sx(0.3), r.H * 0.45, r.H * 0.2
    for k in range(6):
        rr = rad * (1 - k * 0.15)
        r.d.ellipse((lx - rr * 0.7, ly - rr, lx + rr * 0.7, ly + rr), fill=graded(mix((210, 170, 80), (255, 240, 200), k / 6), r.look.grade, 0.5),
                    outline=(120, 90, 40), width=max(1, r.H // 300))
    r.light(lx, ly, 0.25)


ITEMS: dict[str, Callable[[Room], None]] = {
    "window": window, "portholes": portholes, "booth_window": booth_window, "foam": foam, "panelling": panelling,
    "pictures": pictures, "blackboard": blackboard, "menu_board": menu_board, "doors": doors, "storefronts": storefronts,
    "tent_canvas": tent_canvas, "bark_walls": bark_walls, "tree_opening": tree_opening, "roots": roots, "nest": nest,
    "cupboards": cupboards, "counter": counter, "elevator_doors": elevator_doors, "handrail": handrail,
    "button_panel": button_panel, "consoles": consoles, "pipes": pipes, "periscope": periscope, "on_air": on_air,
    "judge_bench": judge_bench, "witness_stand": witness_stand, "court_rail": court_rail, "stage": stage,
    "chandelier": chandelier, "seats": seats, "mixing_desk": mixing_desk, "microphones": microphones,
    "bread_shelves": bread_shelves, "oven": oven, "display_counter": display_counter, "store_shelves": store_shelves,
    "drinks_fridge": drinks_fridge, "shop_counter": shop_counter, "tools_wall": tools_wall, "wall_clocks": wall_clocks,
    "workbench": workbench, "desks": desks, "desk": desk, "filing_cabinets": filing_cabinets, "cafe_tables": cafe_tables,
    "sofa": sofa, "rug": rug, "bed": bed, "boxes": boxes, "piano": piano, "fridge": fridge, "music_stands": music_stands,
    "ring": ring, "stands": stands, "punching_bag": punching_bag, "ring_ropes": ring_ropes, "ceiling_light": ceiling_light,
    "escalator": escalator,
    "shelves": shelves, "fireplace": fireplace, "stairs": stairs, "beams": beams, "table": table, "picture": picture,
    "lamp": lamp, "lens": lens,
}

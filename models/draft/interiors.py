"""Interiors: a room in one-point perspective, its back wall, side walls and floorboards, with the windows and
furniture its words name (shelves, table, lamp, stairs, beams, fireplace, a lantern room's lens).
"""

from __future__ import annotations

import random

from auteur.models.draft.palette import graded, mix
from auteur.models.draft.place import LocationLook
from auteur.models.draft.paint import gradient, shade
from auteur.models.draft.worlds import window_view

def interior(img, d, look: LocationLook, W: int, H: int, glows) -> None:
    rng = random.Random(look.variant)
    x0, x1, y0, fy = W * 0.14, W * 0.86, H * 0.06, H * 0.7
    img.paste(gradient((int(x1 - x0) + 1, int(fy - y0) + 1), shade(look.wall, 0.85), look.wall), (int(x0), int(y0)))
    d.polygon([(0, 0), (x0, y0), (x0, fy), (0, H)], fill=shade(look.wall, 0.72))
    d.polygon([(W, 0), (x1, y0), (x1, fy), (W, H)], fill=shade(look.wall, 0.78))
    d.polygon([(0, 0), (W, 0), (x1, y0), (x0, y0)], fill=shade(look.wall, 0.6))
    d.polygon([(0, H), (x0, fy), (x1, fy), (W, H)], fill=look.floor)
    for i in range(1, 10):  # floorboards run to the vanishing point
        fx = x0 + (x1 - x0) * i / 10
        d.line([(fx, fy), (W * 0.5 + (fx - W * 0.5) * 2.6, H)], fill=shade(look.floor, 0.8), width=max(1, H // 500))
    d.rectangle((x0, fy - H * 0.015, x1, fy), fill=shade(look.wall, 0.6))
    furniture = set(look.furniture)
    side = look.side
    sx = (lambda f: W * 0.5 + side * W * f)  # noqa: E731 - toward the landmark side

    def window(cx: float, cy: float, w: float, h: float) -> None:
        frame = shade(look.wall, 0.45)
        if look.world == "underwater":  # a porthole on the deep: round, riveted, water outside
            r = min(w, h) * 0.42
            window_view(img, d, look, (cx - r, cy - r, cx + r, cy + r), rng, round_=True)
            d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(150, 150, 140), width=max(3, H // 70))
            return
        window_view(img, d, look, (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), rng)
        d.rectangle((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), outline=frame, width=max(2, H // 120))
        d.line([(cx, cy - h / 2), (cx, cy + h / 2)], fill=frame, width=max(2, H // 200))
        d.line([(cx - w / 2, cy), (cx + w / 2, cy)], fill=frame, width=max(2, H // 200))

    if "lens" in furniture:  # a lantern room: glass all round and the great lens to one side
        for i in range(4):
            window(x0 + (x1 - x0) * (i + 0.5) / 4, H * 0.34, (x1 - x0) / 4.4, H * 0.46)
        lx, ly, r = sx(0.3), H * 0.45, H * 0.2
        for k in range(6):
            rr = r * (1 - k * 0.15)
            d.ellipse((lx - rr * 0.7, ly - rr, lx + rr * 0.7, ly + rr), fill=graded(mix((210, 170, 80), (255, 240, 200), k / 6), look.grade, 0.5),
                      outline=(120, 90, 40), width=max(1, H // 300))
        glows.append((lx / W, ly / H, 0.25, look.lit))
    else:
        window(sx(-0.18), H * 0.3, W * 0.16, H * 0.28)
    if "shelves" in furniture:
        bx0, bx1 = sorted((sx(0.2), sx(0.34)))
        d.rectangle((bx0, H * 0.12, bx1, fy), fill=(86, 58, 40))
        for k in range(5):
            sy = H * 0.14 + (fy - H * 0.14) * k / 5
            bx = bx0 + W * 0.004
            while bx < bx1 - W * 0.01:
                bw = W * rng.uniform(0.006, 0.012)
                d.rectangle((bx, sy + H * rng.uniform(0.02, 0.04), bx + bw, sy + (fy - H * 0.14) / 5 - H * 0.01),
                            fill=graded(rng.choice([(140, 40, 40), (40, 70, 120), (60, 110, 70), (180, 150, 80), (90, 60, 100)]), look.grade, 0.7))
                bx += bw + W * 0.002
    if "fireplace" in furniture:
        fx = sx(-0.02)
        d.rectangle((fx - W * 0.08, fy - H * 0.25, fx + W * 0.08, fy), fill=(120, 110, 104))
        d.chord((fx - W * 0.05, fy - H * 0.2, fx + W * 0.05, fy + H * 0.1), 180, 360, fill=(30, 22, 20))
        d.ellipse((fx - W * 0.03, fy - H * 0.08, fx + W * 0.03, fy), fill=(240, 140, 40))
        glows.append((fx / W, (fy - H * 0.05) / H, 0.2, (255, 150, 60)))
    if "stairs" in furniture:
        for k in range(8):
            sx0 = sx(0.24) - side * W * 0.02 * k
            d.rectangle((min(sx0, sx0 + side * W * 0.1), fy - H * 0.05 * (k + 1), max(sx0, sx0 + side * W * 0.1), fy - H * 0.05 * k),
                        fill=shade(look.floor, 1.05 - 0.03 * k), outline=shade(look.floor, 0.7))
    if "beams" in furniture:  # a pitched roof comes down over the side walls
        slope = shade(look.wall, 0.55)
        d.polygon([(0, 0), (W * 0.5, 0), (x0, y0 + H * 0.2), (0, H * 0.45)], fill=slope)
        d.polygon([(W, 0), (W * 0.5, 0), (x1, y0 + H * 0.2), (W, H * 0.45)], fill=shade(slope, 1.05))
        for k in range(5):
            t = k / 4
            for sx_, edge in ((0, x0), (W, x1)):
                d.line([(sx_ + (W * 0.5 - sx_) * t * 0.9, 0), (sx_ + (edge - sx_) * t, H * 0.45 + (y0 + H * 0.2 - H * 0.45) * t)],
                       fill=(84, 62, 44), width=max(2, H // 90))
    if "table" in furniture or not furniture:
        tx, ty = sx(0.36), H * 0.82
        d.rectangle((tx - W * 0.1, ty, tx - W * 0.09, H), fill=(70, 48, 34))
        d.rectangle((tx + W * 0.09, ty, tx + W * 0.1, H), fill=(70, 48, 34))
        d.ellipse((tx - W * 0.14, ty - H * 0.04, tx + W * 0.14, ty + H * 0.04), fill=graded((130, 92, 60), look.grade, 0.7))
    if not furniture:
        px = sx(0.05)
        d.rectangle((px - W * 0.05, H * 0.2, px + W * 0.05, H * 0.36), fill=(150, 120, 70))
        d.rectangle((px - W * 0.04, H * 0.215, px + W * 0.04, H * 0.345), fill=graded((110, 150, 170), look.grade, 0.7))
    if "lamp" in furniture or look.time_of_day in ("dusk", "night"):
        lx, ly = sx(0.36), H * 0.7
        d.polygon([(lx - W * 0.02, ly), (lx + W * 0.02, ly), (lx + W * 0.012, ly - H * 0.05), (lx - W * 0.012, ly - H * 0.05)], fill=look.lit)
        d.rectangle((lx - W * 0.003, ly, lx + W * 0.003, ly + H * 0.08), fill=(60, 50, 40))
        glows.append((lx / W, (ly - H * 0.02) / H, 0.3, look.lit))

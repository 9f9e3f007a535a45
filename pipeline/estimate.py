"""What rendering a planned film will take, stage by stage, from measured per-unit figures (figures.toml).

Each stage is counted from the plan (shots, their seconds, the pictures to draw, the frame size) and the
profile's settings (steps, schedule, workers), times a per-unit figure. A figure measured on the device
asked about is used as it is; otherwise it is scaled from the device it was measured on, by memory
bandwidth (decoding text, one token at a time) or by bf16 compute (denoising steps), and the row says
"extrapolated". Peak memory is the largest the stage's model was seen to hold.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources

from auteur.core.errors import InputError
from auteur.core.schema import Film
from auteur.pipeline.config import Profile

GPU_BACKENDS = {"mot", "ltx2", "wan", "uniavgen"}
LTX2_SHOT_S = 121 / 24  # the measured LTX-2 and Wan shots: 121 frames at 24 fps
UNIAVGEN_CALL_S = 81 / 16  # one UniAVGen call: 81 frames at 16 fps


@dataclass
class Row:
    stage: str
    seconds: float
    memory_gib: float
    basis: str  # which figures, measured or extrapolated


@dataclass
class Estimate:
    profile: str
    device: str
    rows: list[Row]
    notes: list[str] = field(default_factory=list)

    @property
    def total_s(self) -> float:
        return sum(r.seconds for r in self.rows)

    @property
    def peak_gib(self) -> float:
        return max(r.memory_gib for r in self.rows)

    def as_dict(self) -> dict:
        return {"profile": self.profile, "device": self.device, "total_s": round(self.total_s, 1),
                "peak_gib": round(self.peak_gib, 2), "notes": self.notes,
                "stages": [{"stage": r.stage, "seconds": round(r.seconds, 1), "peak_gib": round(r.memory_gib, 2),
                            "basis": r.basis} for r in self.rows]}


def _table() -> dict:
    return tomllib.loads(resources.files("auteur.pipeline").joinpath("figures.toml").read_text("utf-8"))


def devices() -> list[str]:
    return list(_table()["devices"])


def uses_gpu(profile: Profile) -> bool:
    return profile.director.backend in GPU_BACKENDS or profile.renderer.backend in GPU_BACKENDS


def check_device(name: str | None, profile: Profile) -> str:
    """The device to estimate for: the one named (checked), else cpu for CPU profiles and h200 for GPU ones."""
    if name is None:
        return "h200" if uses_gpu(profile) else "cpu"
    if name.lower() not in devices():
        raise InputError(f"unknown --gpu {name!r}; the estimate knows {', '.join(devices())}")
    return name.lower()


class _Figures:
    """Figures for one device: each value with how it was had."""

    def __init__(self, device: str):
        table = _table()
        self.device, self.devices, self.figures = device, table["devices"], table["figures"]
        self.used: dict[str, str] = {}

    def __call__(self, key: str, mpx: float | None = None) -> float:
        fig = self.figures[key]
        if "points" in fig:
            return self._at(key, fig, mpx)
        home = fig["device"]
        rule = fig.get("scales")
        if home == self.device or rule is None or self.device == "cpu" or home == "cpu":
            self.used[key] = f"{key} measured on {home}" if "not measured" not in fig["source"] else \
                f"{key} estimated ({fig['source'].split(': ', 1)[-1]})"
            return float(fig["value"])
        name = {"bandwidth": "bandwidth_tb_s", "compute": "bf16_tflops"}[rule]
        ratio = self.devices[home][name] / self.devices[self.device][name]
        self.used[key] = f"{key} extrapolated from {home} by {rule} (x{ratio:.2f})"
        # a rate (tok/s) grows with the device; a time shrinks
        return float(fig["value"]) / ratio if fig["unit"].endswith("/s") else float(fig["value"]) * ratio

    def _at(self, key: str, fig: dict, mpx: float | None) -> float:
        """A size-dependent figure at `mpx` frame megapixels: linear through the two measured sizes."""
        (x0, y0), (x1, y1) = sorted(fig["points"])[:2]
        value = y0 + (y1 - y0) * (mpx - x0) / (x1 - x0)
        how = "measured" if any(abs(mpx - x) < 1e-3 for x, _ in fig["points"]) else \
            "interpolated" if x0 < mpx < x1 else "extrapolated"
        self.used[key] = f"{key} {how} at {mpx:.2f} Mpx from cpu figures at {x0:.2f} and {x1:.2f} Mpx"
        # below the smaller size what is left is fixed work (start-up, encoding), which does not shrink further
        return max(value, min(y0, y1) * 0.25)

    def basis(self, *keys: str) -> str:
        return "; ".join(self.used[k] for k in keys)


def _mpx(width: int, height: int) -> float:
    return width * height / 1e6


def estimate(film: Film, profile: Profile, device: str) -> Estimate:
    """Seconds and peak memory per stage of making `film` with `profile` on `device`."""
    fig = _Figures(device)
    shots = film.shots()
    film_s = sum(sh.duration for sh in shots)
    draws = len(shots) + len(film.characters) + len(film.locations)
    video = profile.video
    notes: list[str] = []
    mpx = _mpx(video.width, video.height)
    cards = profile.assembly.title_card_s + profile.assembly.end_card_s
    rows = [_director(profile, len(shots), fig, mpx), _keyframes(profile, draws, fig, mpx),
            _shots(profile, shots, film_s, fig, notes, mpx),
            Row("assembly", fig("assembly.s_per_film_s", mpx) * (film_s + cards), fig("assembly.peak_gib", mpx),
                fig.basis("assembly.s_per_film_s"))]
    if device != "cpu" and not uses_gpu(profile):
        notes.append(f"the {profile.name} profile runs on the CPU: the figures are the CPU's, whatever the GPU")
    limit = fig.devices[device].get("memory_gib")
    for row in rows:
        if limit and row.memory_gib > limit:
            notes.append(f"{row.stage}: {row.memory_gib:.0f} GiB is more than the {fig.devices[device]['label']}'s "
                         f"{limit:.0f} GiB: it runs a memory level down (VAE tiling, then offload), slower than shown")
    if device != "cpu" and uses_gpu(profile):
        notes.append("assembly runs on the CPU: its figure is the 2-core CPU machine's")
    return Estimate(profile=profile.name, device=device, rows=rows, notes=notes)


def _director(profile: Profile, n_shots: int, fig: _Figures, mpx: float) -> Row:
    if profile.director.backend == "mot":
        tokens = fig("mot.text_tokens_per_shot") * n_shots
        return Row("director text", tokens / fig("mot.decode_tok_per_s"), fig("mot.peak_gib"),
                   fig.basis("mot.text_tokens_per_shot", "mot.decode_tok_per_s"))
    return Row("director text", fig("draft.plan_s"), fig("draft.peak_gib", mpx), fig.basis("draft.plan_s"))


def _keyframes(profile: Profile, draws: int, fig: _Figures, mpx: float) -> Row:
    if profile.director.backend == "mot":
        steps = int(profile.director.settings.get("steps", 50))
        # keyframes are drawn at the renderer's frame size where it names one (LTX-2: 768x512), else image_side
        r = profile.renderer.settings
        side = int(profile.director.settings.get("image_side", 1024))
        tokens = (int(r["width"]) // 16) * (int(r["height"]) // 16) if "width" in r and "height" in r else (side // 16) ** 2
        low, high = fig("mot.step_ms_512"), fig("mot.step_ms_1024")
        step_ms = low + (high - low) * (tokens - 1024) / (4096 - 1024)  # linear in latent tokens between the two
        return Row("keyframes", draws * steps * step_ms / 1000, fig("mot.peak_gib"),
                   fig.basis("mot.step_ms_512", "mot.step_ms_1024") + f"; {draws} pictures x {steps} steps")
    return Row("keyframes", draws * fig("draft.draw_s", mpx), fig("draft.peak_gib", mpx),
               fig.basis("draft.draw_s") + f"; {draws} pictures")


def _shots(profile: Profile, shots, film_s: float, fig: _Figures, notes: list[str], mpx: float) -> Row:
    backend, settings = profile.renderer.backend, profile.renderer.settings
    if backend == "ltx2":
        # a shot is at least its duration; the cost of a 5-s shot scales with its frames
        units = sum(max(1.0, sh.duration / LTX2_SHOT_S) for sh in shots)
        if settings.get("schedule") == "distilled":
            return Row("shot renders", units * fig("ltx2.distilled_shot_s"), fig("ltx2.peak_gib"),
                       fig.basis("ltx2.distilled_shot_s", "ltx2.peak_gib") + f"; {len(shots)} shots")
        steps = int(settings.get("steps", 40))
        per = steps * fig("ltx2.step_s") + fig("ltx2.fixed_s")
        return Row("shot renders", units * per, fig("ltx2.peak_gib"),
                   fig.basis("ltx2.step_s", "ltx2.fixed_s", "ltx2.peak_gib") + f"; {len(shots)} shots x {steps} steps")
    if backend == "wan":
        units = sum(max(1.0, sh.duration / LTX2_SHOT_S) for sh in shots)
        steps = int(settings.get("steps", 50))
        return Row("shot renders", units * (steps * fig("wan.step_s") + fig("wan.decode_s")), fig("wan.peak_gib"),
                   fig.basis("wan.step_s", "wan.decode_s", "wan.peak_gib") + f"; {len(shots)} shots x {steps} steps")
    if backend == "uniavgen":
        calls = sum(math.ceil(sh.duration / UNIAVGEN_CALL_S) for sh in shots)
        steps = int(settings.get("steps", 50))
        return Row("shot renders", calls * steps * fig("uniavgen.step_s"), fig("uniavgen.peak_gib"),
                   fig.basis("uniavgen.step_s", "uniavgen.peak_gib") + f"; {calls} calls x {steps} steps")
    if backend != "draft":
        notes.append(f"no figures for the {backend!r} renderer: its shots are not estimated")
        return Row("shot renders", 0.0, 0.0, "no figures")
    # measured with 2 workers on 2 cores: more workers on the same cores would not be faster
    return Row("shot renders", fig("draft.render_s_per_film_s", mpx) * film_s, fig("draft.peak_gib", mpx),
               fig.basis("draft.render_s_per_film_s") + f"; {len(shots)} shots, {film_s:.0f} s")

"""The GPU check as two device calls: which steps, in what order, on which machine, with what budget.

A session lent a GPU has about 15 minutes of device time in all (start-up included) and at most 10
minutes a call, and the machine stays warm for only 30 s after a call. So the check is two calls on one
`nvidia-h200` (LTX-2 at 768x512x121 peaked at 81 GiB, over an H100's 78 GiB), the second issued at once:

    run(kind="nvidia-h200", carry=[".device"], timeout_s=540, command="python3 benchmarks/gpu_all.py --call 1")
    run(carry=[".device"], timeout_s=240, command="python3 benchmarks/gpu_all.py --call 2")
    give_back()

Device time: the start (~1-1.5 min), 9 + 4 minutes of calls and the transfers: about 14.5 of the 15.

Steps run in the order below (what matters most first) and are skipped, not started, when less than
their estimate is left of the call's budget; the skipped ones are named in the results, for a later lent
session to run with `--only`. `--tiny` runs the same steps at tiny sizes on the CPU (what the rehearsal does).
"""

from __future__ import annotations

from dataclasses import dataclass

KIND = "nvidia-h200"
# budget: seconds of steps; the rest of timeout_s unpacks the kit (~5 s) and writes the results
CALLS = {1: {"budget": 500, "timeout_s": 540}, 2: {"budget": 200, "timeout_s": 240}}


@dataclass(frozen=True)
class Step:
    name: str
    call: int  # which device call runs it
    gpu: tuple[str, ...]  # arguments after the interpreter; "{json}" becomes the step's figures file
    tiny: tuple[str, ...]
    seconds: int  # estimated GPU seconds, start-up and compilation included
    issue: int
    target: str = ""  # the figure the step is judged by, where an issue sets one


STEPS: tuple[Step, ...] = (
    # issue 15: LTX-2 at real size (19 B, released VAE config, bf16 built on the GPU) on the studio-fast preset
    # (distilled schedule, 8 calls, compiled blocks): seconds per 5-s 768x512 shot, ratio to the bare pipeline.
    Step("ltx2_fast_shot_real", 1,
         ("benchmarks/gpu_shot.py", "--size", "real", "--backend", "ltx2", "--preset", "studio-fast", "--shots", "1",
          "--json", "{json}"),
         ("benchmarks/gpu_shot.py", "--backend", "ltx2", "--preset", "studio-fast", "--shots", "1", "--json", "{json}"),
         seconds=200, issue=15, target="studio-fast shot <= 8 s"),
    # issue 14: the MoT director. Decode at BAGEL-7B dims against transformers' compiled static-cache generate,
    # with the xgrammar-constrained path; H200 HBM ~4.8 TB/s.
    Step("mot_decode_7b", 1,
         ("benchmarks/mot_text_decode.py", "--dims", "7b", "--device", "cuda", "--dtype", "bf16", "--new", "256",
          "--repeats", "3", "--runs", "static,constrained,qwen2", "--hbm-tbps", "4.8", "--json", "{json}"),
         ("benchmarks/mot_text_decode.py", "--dims", "tiny", "--new", "24", "--repeats", "1", "--json", "{json}"),
         seconds=150, issue=14, target="decode >= 200 tok/s"),
    # One guided step (3 branches) at 1024^2 and 512^2 as % of bf16 peak, the old step beside it; 4 keyframes
    # of 512^2 in one loop against one at a time.
    Step("mot_denoise_7b", 1,
         ("benchmarks/mot_denoise_step.py", "--dims", "7b", "--device", "cuda", "--dtype", "bf16", "--sizes",
          "1024,512", "--repeats", "5", "--keyframes", "4", "--keyframe-size", "512", "--loop-steps", "6",
          "--json", "{json}"),
         ("benchmarks/mot_denoise_step.py", "--dims", "tiny", "--sizes", "128,256", "--repeats", "1", "--keyframes",
          "2", "--keyframe-size", "128", "--loop-steps", "3", "--json", "{json}"),
         seconds=150, issue=14, target="denoise >= 55 % of bf16 peak at 1024^2"),
    # The 60-s film budget from call 1's LTX-2 shot (still in the machine's scratch folder when the machine
    # stayed warm; reference figures where a figure is missing).
    Step("film_budget", 2,
         ("benchmarks/film_budget.py", "--shot-results-beside", "ltx2_fast_shot_real.json", "--json", "{json}"),
         ("benchmarks/film_budget.py", "--shot-results-beside", "ltx2_fast_shot_real.json", "--json", "{json}"),
         seconds=10, issue=15),
    # issue 16: UniAVGen at its published size (random bf16 weights built on the GPU): seconds per 5-s 1280x704
    # shot (10 of its 50 steps) and peak memory, against the bare sampling loop + VAE decode + vocoder.
    Step("uniavgen_shot_real", 2,
         ("benchmarks/uniavgen_shot.py", "--size", "real", "--shots", "1", "--steps", "10", "--json", "{json}"),
         ("benchmarks/uniavgen_shot.py", "--shots", "1", "--json", "{json}"),
         seconds=180, issue=16, target="UniAVGen shot time and peak memory; ratio to bare <= 1.05"),
    # issue 15: Wan 2.2 TI2V-5B at real size, 10 of its 50 steps, with VITS speech and Stable Audio ambience.
    Step("wan_shot_real", 2,
         ("benchmarks/gpu_shot.py", "--size", "real", "--backend", "wan", "--shots", "1", "--steps", "10",
          "--json", "{json}"),
         ("benchmarks/gpu_shot.py", "--backend", "wan", "--shots", "1", "--json", "{json}"),
         seconds=200, issue=15),
    # A whole film on CUDA: `auteur make` with the studio-fast profile on tiny checkpoints in the real layouts.
    Step("studio_film", 2,
         ("benchmarks/gpu_studio.py", "--device", "cuda", "--variant", "studio-fast", "--shots", "2",
          "--json", "{json}"),
         ("benchmarks/gpu_studio.py", "--device", "cpu", "--variant", "studio-fast", "--shots", "2", "--json",
          "{json}"),
         seconds=90, issue=15),
    # issue 17: training throughput at BAGEL-7B widths, seq 4096, bf16: all 28 layers with rank-64 LoRA, then
    # 4 of the 28 layers with full AdamW (14B x fp32 AdamW does not fit one GPU).
    Step("mot_train_7b_lora", 2,
         ("benchmarks/mot_train.py", "--gpu", "--lora", "64", "--json", "{json}"),
         ("benchmarks/mot_train.py", "--threads", "1", "--layers", "1", "--seq-len", "256", "--repeats", "1",
          "--lora", "4", "--json", "{json}"),
         seconds=150, issue=17),
    Step("mot_train_7b", 2,
         ("benchmarks/mot_train.py", "--gpu", "--json", "{json}"),
         ("benchmarks/mot_train.py", "--threads", "1", "--layers", "1", "--seq-len", "256", "--repeats", "1",
          "--checkpointing", "both", "--json", "{json}"),
         seconds=120, issue=17),
    # Left for a later lent session when the two calls run out: the compiled denoise step (one layer compiled,
    # reused by all 28), the other studio films, and LTX-2 on the quality preset (4 of its 40 steps).
    Step("mot_denoise_7b_compiled", 2,
         ("benchmarks/mot_denoise_step.py", "--dims", "7b", "--device", "cuda", "--dtype", "bf16", "--sizes",
          "1024,512", "--repeats", "5", "--compile", "--skip-old", "--json", "{json}"),
         ("benchmarks/mot_denoise_step.py", "--dims", "tiny", "--sizes", "128", "--repeats", "1", "--skip-old",
          "--compile", "--json", "{json}"),
         seconds=120, issue=14),
    Step("studio_films_other", 2,
         ("benchmarks/gpu_studio.py", "--device", "cuda", "--variant", "studio", "--variant", "wan", "--variant",
          "uniavgen", "--shots", "2", "--json", "{json}"),
         ("benchmarks/gpu_studio.py", "--device", "cpu", "--variant", "studio", "--variant", "wan", "--variant",
          "uniavgen", "--shots", "2", "--json", "{json}"),
         seconds=150, issue=15),
    Step("ltx2_studio_shot_real", 2,
         ("benchmarks/gpu_shot.py", "--size", "real", "--backend", "ltx2", "--preset", "studio", "--shots", "1",
          "--steps", "4", "--json", "{json}"),
         ("benchmarks/gpu_shot.py", "--backend", "ltx2", "--preset", "studio", "--shots", "1", "--json", "{json}"),
         seconds=180, issue=15, target="studio <= 1.05x the bare pipeline"),
)


def steps_of(call: int | None = None, only: str | None = None) -> list[Step]:
    """The steps of one call (all when None), or those named in `only` (comma-separated), in plan order."""
    names = {n for n in only.split(",") if n} if only else None
    if names is not None:
        unknown = names - {s.name for s in STEPS}
        if unknown:
            raise SystemExit(f"--only: no step named {', '.join(sorted(unknown))} (see --list)")
        return [s for s in STEPS if s.name in names]
    return [s for s in STEPS if call is None or s.call == call]

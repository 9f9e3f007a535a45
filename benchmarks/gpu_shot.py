"""Seconds per shot and peak memory of the GPU shot renderers, against the bare diffusers pipeline.

Each (backend, preset) runs in a fresh subprocess (so peak memory is its own): it renders --shots
shots of one line of dialogue each through auteur's renderer, and, side by side in the same
process, calls the bare diffusers video pipeline with the same arguments (the peer: no speech,
mixing or muxing). A preset is a built-in profile's renderer settings (`studio`, `studio-fast`).

    python benchmarks/gpu_shot.py                       # tiny random configs on the CPU (what CI can run)
    python benchmarks/gpu_shot.py --size real           # on a CUDA GPU: the real model sizes, random weights,
                                                        # a 5 s shot at 768x512 (LTX-2) and 1280x704 (Wan)
    python benchmarks/gpu_shot.py --backend ltx2 --preset studio-fast --shots 3 --json out.json

`--size real` builds LTX-2.0 (48-layer 4096-wide transformer; the video VAE at the released
config written below, since diffusers' default one reports the wrong compression; the audio VAE and
vocoder at diffusers' defaults, which are the released ones) and Wan 2.2 TI2V-5B (30 layers, 3072
wide, the 48-channel VAE), with random weights drawn in bf16 directly on the GPU and handed to the
renderer in memory (`from_pipeline`): nothing at 19 B parameters goes through the disk. The text
encoders keep their output width (and Gemma's 49 hidden states) but one narrow layer each, so
prompt encoding (Gemma 3 12B, UMT5-XXL) is left out of the figures. The `studio-fast` preset runs on
LTX-2.0's architecture here (its profile names the LTX-2.3 distilled checkpoint, which differs in its
connectors but not in the transformer's cost per step).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tiny configs are the tests' own

# Lightricks/LTX-2's vae/config.json (LTX-2.0), as diffusers' scripts/convert_ltx2_to_diffusers.py
# writes it. diffusers 0.42.1's AutoencoderKLLTX2Video() differs in three of these: it leaves the
# compression ratios unset (and then reports 64x/16x for what is a 32x/8x network, so the
# image-to-video pipeline fails with a latent shape mismatch) and makes the decoder causal.
LTX2_VIDEO_VAE = dict(
    in_channels=3, out_channels=3, latent_channels=128, block_out_channels=(256, 512, 1024, 2048),
    down_block_types=("LTX2VideoDownBlock3D",) * 4, decoder_block_out_channels=(256, 512, 1024),
    layers_per_block=(4, 6, 6, 2, 2), decoder_layers_per_block=(5, 5, 5, 5),
    spatio_temporal_scaling=(True, True, True, True), decoder_spatio_temporal_scaling=(True, True, True),
    decoder_inject_noise=(False, False, False, False),
    downsample_type=("spatial", "temporal", "spatiotemporal", "spatiotemporal"), upsample_residual=(True, True, True),
    upsample_factor=(2, 2, 2), timestep_conditioning=False, patch_size=4, patch_size_t=1, resnet_norm_eps=1e-6,
    encoder_causal=True, decoder_causal=False, encoder_spatial_padding_mode="zeros",
    decoder_spatial_padding_mode="reflect", spatial_compression_ratio=32, temporal_compression_ratio=8)
PRESETS = ("studio", "studio-fast")


@contextmanager
def built_in(dtype, device: str):
    """Modules constructed inside are allocated on `device` in `dtype`: no fp32 copy, no host round trip."""
    import torch

    before = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.device(device):
            yield
    finally:
        torch.set_default_dtype(before)


def preset_settings(backend: str, preset: str, size: str, steps: int | None = None) -> dict:
    """The renderer settings of a built-in profile (the model aside), for a tiny or a real-size run."""
    if backend != "ltx2":  # the profiles render with LTX-2; Wan runs at its own defaults
        settings: dict = {}
    else:
        text = (ROOT / "pipeline" / "profiles" / f"{preset}.toml").read_text()
        settings = dict(tomllib.loads(text)["renderer"]["settings"])
        for name in ("model", "revision", "width", "height"):
            settings.pop(name, None)
        settings["cross_timestep"], settings["stg_block"] = False, 29  # LTX-2.0's transformer is what is built
        settings["image_crf"] = 0  # PyAV re-compression of the keyframe is not the renderer's cost
    if size == "tiny":
        settings = {**settings, "width": 32, "height": 32, "device": "cpu", "max_sequence_length": 16}
        settings["memory"] = {**settings.get("memory", {}), "compile": False, "fp8": "off"}
        if settings.get("schedule", "default") == "default":
            settings["steps"] = 2
        if backend == "wan":
            settings["ambience_steps"] = 2
    else:
        settings["device"] = "cuda"
    if steps is not None and settings.get("schedule", "default") == "default":
        settings["steps"] = steps  # a shorter default-schedule run; the distilled schedule keeps its 8
    return settings


def _real_ltx2(device: str = "cuda"):
    """LTX2ImageToVideoPipeline at LTX-2.0's sizes, random bf16 weights, built on the GPU."""
    import torch
    from diffusers import (AutoencoderKLLTX2Audio, AutoencoderKLLTX2Video, FlowMatchEulerDiscreteScheduler,
                           LTX2VideoTransformer3DModel)
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from tiny_models import word_tokenizer
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    tokenizer = word_tokenizer(1024)
    # Gemma 3 12B's width (3840) and depth (48 layers: the connectors read all 49 hidden states),
    # but one narrow head and MLP per layer: the transformer sees real-sized text states
    config = Gemma3Config(text_config=dict(vocab_size=len(tokenizer), hidden_size=3840, intermediate_size=64,
                                           num_hidden_layers=48, num_attention_heads=1, num_key_value_heads=1,
                                           head_dim=64, max_position_embeddings=2048),
                          vision_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                             num_attention_heads=2, image_size=16, patch_size=8),
                          mm_tokens_per_image=4, boi_token_index=3, eoi_token_index=3, image_token_index=2)
    with built_in(torch.bfloat16, device):
        parts = {"transformer": LTX2VideoTransformer3DModel(), "vae": AutoencoderKLLTX2Video(**LTX2_VIDEO_VAE),
                 "audio_vae": AutoencoderKLLTX2Audio(), "connectors": LTX2TextConnectors(), "vocoder": LTX2Vocoder(),
                 "text_encoder": Gemma3ForConditionalGeneration(config).eval()}
    from diffusers import LTX2ImageToVideoPipeline

    # the base checkpoint's scheduler shifts its sigmas by resolution, as Lightricks/LTX-2's does
    scheduler = FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=True, base_shift=0.95, max_shift=2.05,
                                                base_image_seq_len=1024, max_image_seq_len=4096, shift_terminal=0.1)
    return LTX2ImageToVideoPipeline(**parts, scheduler=scheduler, tokenizer=tokenizer, processor=None,
                                    prompt_enhancer=None, duration_head=None)


def _real_wan(device: str = "cuda"):
    """WanImageToVideoPipeline at TI2V-5B's sizes, random bf16 weights, built on the GPU."""
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanTransformer3DModel
    from tiny_models import word_tokenizer
    from transformers import T5Config, T5EncoderModel

    tokenizer = word_tokenizer(512)
    with built_in(torch.bfloat16, device):
        transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=24, attention_head_dim=128,
                                            in_channels=48, out_channels=48, text_dim=4096, freq_dim=256,
                                            ffn_dim=14336, num_layers=30, cross_attn_norm=True,
                                            qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024)
        vae = AutoencoderKLWan(base_dim=160, decoder_base_dim=256, z_dim=48, in_channels=12, out_channels=12,
                               is_residual=True, patch_size=2, dim_mult=[1, 2, 4, 4], num_res_blocks=2,
                               scale_factor_spatial=16, scale_factor_temporal=4, temperal_downsample=[False, True, True],
                               latents_mean=[0.0] * 48, latents_std=[1.0] * 48)
        text_encoder = T5EncoderModel(T5Config(vocab_size=len(tokenizer), d_model=4096, d_kv=64, d_ff=64, num_layers=1,
                                               num_heads=1, dropout_rate=0.0)).eval()
    from diffusers import WanImageToVideoPipeline

    return WanImageToVideoPipeline(transformer=transformer, vae=vae, scheduler=UniPCMultistepScheduler(
                prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0),
            text_encoder=text_encoder, tokenizer=tokenizer, transformer_2=None, image_encoder=None,
            image_processor=None, boundary_ratio=None, expand_timesteps=True)


def _real_audio(root: Path) -> dict[str, Path]:
    from diffusers import AutoencoderOobleck, CosineDPMSolverMultistepScheduler, StableAudioDiTModel, StableAudioPipeline
    from diffusers.pipelines.stable_audio import StableAudioProjectionModel
    from tiny_models import t5_encoder, vits_tts, word_tokenizer
    from transformers import VitsConfig, VitsModel

    text_encoder = t5_encoder(768)
    StableAudioPipeline(transformer=StableAudioDiTModel(), vae=AutoencoderOobleck(), text_encoder=text_encoder,
                        tokenizer=word_tokenizer(128),
                        projection_model=StableAudioProjectionModel(text_encoder_dim=768, conditioning_dim=768,
                                                                    min_value=0, max_value=512),
                        scheduler=CosineDPMSolverMultistepScheduler()).save_pretrained(root / "stable-audio")
    tts = vits_tts(root / "vits")  # the tokenizer; the model is replaced by VITS at its real size
    VitsModel(VitsConfig(vocab_size=34, num_speakers=109, speaker_embedding_size=256)).save_pretrained(tts)
    return {"ambience": root / "stable-audio", "tts": tts}


def renderer_for(backend: str, size: str, preset: str, root: Path, steps: int | None = None):
    """The backend's renderer: tiny checkpoints through the real loaders, or real-size ones in memory."""
    from tiny_models import studio_models

    from auteur.models.renderer import load_renderer

    settings = preset_settings(backend, preset, size, steps)
    if size == "tiny":
        paths = studio_models(root)
        if backend == "ltx2":
            return load_renderer("ltx2", {**settings, "model": str(paths["ltx2"])})
        return load_renderer("wan", {**settings, "model": str(paths["wan"]), "tts_model": str(paths["tts"]),
                                     "ambience_model": str(paths["ambience"])})
    if backend == "ltx2":
        from auteur.models.ltx2_renderer import Ltx2Renderer

        return Ltx2Renderer.from_pipeline(_real_ltx2(), **settings)
    from auteur.models.wan_renderer import WanRenderer

    audio = _real_audio(root)  # small: saved and loaded through the real loaders
    return WanRenderer.from_pipeline(_real_wan(), **settings, tts_model=str(audio["tts"]),
                                     ambience_model=str(audio["ambience"]))


def one(backend: str, size: str, shots: int, preset: str = "studio", steps: int | None = None) -> dict:
    """Run one backend in this process; return its figures."""
    import torch
    from gpu_shots import CLIFF, MARA, TOM, keyframe, shot

    from auteur.models.gpu.pipelines import PIPELINES
    from auteur.models.renderer import RenderRequest
    from auteur.core.settings import VideoSettings

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        renderer = renderer_for(backend, size, preset, root, steps)
        if size == "tiny":
            video, seconds = VideoSettings(width=64, height=64, fps=8), 1.0
        else:  # 768x512 is LTX-2's own 3:2 frame; Wan's 1280x704 is the 16:9 film's frame at its budget
            video = VideoSettings(width=768, height=512) if backend == "ltx2" else VideoSettings()
            seconds = 5.0
        line = (("<char1>", "the storm is coming."),)
        times, peers = [], []
        for i in range(shots + 1):  # the first shot loads (and compiles) the pipeline: reported apart
            request = RenderRequest(shot=shot(f"s{i}", duration=seconds, dialogue=line), keyframe=keyframe(root),
                                    cast=(MARA, TOM), location=CLIFF, video=video, seed=i)
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            start = time.perf_counter()
            clip = renderer.render(request, root / f"{i}.mp4")
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            times.append(time.perf_counter() - start)
            peers.append(_bare_pipeline(renderer, request, clip.duration) if i else None)
        size_made = renderer.frame_size(video)
        PIPELINES.clear()
    per_shot = statistics.median(times[1:])
    peer = statistics.median(peers[1:])
    steps_run = len(renderer.sampling()["sigmas"]) if backend == "ltx2" and renderer.config.schedule == "distilled" \
        else renderer.config.steps
    return {"backend": backend, "preset": preset, "size": size, "frame": f"{size_made[0]}x{size_made[1]}",
            "steps": steps_run,
            "first_shot_s": round(times[0], 3), "per_shot_s": round(per_shot, 3),
            "bare_pipeline_s": round(peer, 3), "ratio_to_bare": round(per_shot / peer, 3),
            "clip_s": round(clip.duration, 3),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_cuda_mib": round(torch.cuda.max_memory_allocated() / 2**20) if torch.cuda.is_available() else None}


def _bare_pipeline(renderer, request, clip_seconds) -> float:
    """The peer: the same (already loaded) video pipeline called directly, nothing around it."""
    import torch

    from auteur.models.gpu.pipelines import PIPELINES
    from auteur.models.gpu.shot import frame_count, load_keyframe, shot_prompt

    cfg = renderer.config
    level = renderer.memory.levels[renderer.memory.start]  # the level the renderer's pipeline is held at
    width, height = renderer.frame_size(request.video)
    image = load_keyframe(request, (width, height))
    if renderer.name == "ltx2":
        args, _, _ = renderer.call_arguments(request)
        name, build = "ltx2", renderer._build
    else:
        args = dict(prompt=shot_prompt(request, with_dialogue=False), negative_prompt=cfg.negative_prompt,
                    height=height, width=width, num_inference_steps=cfg.steps, guidance_scale=cfg.guidance_scale,
                    num_frames=frame_count(clip_seconds - 0.01, request.video.fps, 4), output_type="np",
                    max_sequence_length=cfg.max_sequence_length)
        name, build = "wan", renderer._build_video
    with PIPELINES.use(name, renderer.device, (cfg, level), build) as pipe:
        start = time.perf_counter()
        pipe(image=image, generator=torch.Generator("cpu").manual_seed(0), **args)
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["ltx2", "wan", "all"], default="all")
    parser.add_argument("--size", choices=["tiny", "real"], default="tiny")
    parser.add_argument("--preset", choices=[*PRESETS, "all"], default="all",
                        help="the built-in profile whose renderer settings to use (ltx2; wan runs at its defaults)")
    parser.add_argument("--shots", type=int, default=3)
    parser.add_argument("--steps", type=int, help="default-schedule steps, fewer than the profile's for a short "
                                                   "GPU run (seconds per step scale; the ratio to bare is conservative)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.size, args.shots, args.preset, args.steps)))
        return
    if args.size == "real":
        import torch

        if not torch.cuda.is_available():
            sys.exit("--size real needs a CUDA GPU (random weights at the real sizes do not fit a CPU run)")
    results = []
    presets = list(PRESETS) if args.preset == "all" else [args.preset]
    runs = [("ltx2", p) for p in presets] if args.backend in ("ltx2", "all") else []
    runs += [("wan", "studio")] if args.backend in ("wan", "all") else []
    for backend, preset in runs:
        steps = ["--steps", str(args.steps)] if args.steps else []
        done = subprocess.run([sys.executable, __file__, "--one", backend, "--size", args.size, "--preset", preset,
                               "--shots", str(args.shots), *steps], capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{backend} ({preset}) failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    import torch

    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"{platform.machine()}, CPU only"
    report = {"machine": device, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "python": platform.python_version(), "load_average": load, "results": results}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Seconds per shot and peak memory of the GPU shot renderers, against the bare diffusers pipeline.

Each backend runs in a fresh subprocess (so peak memory is its own): it renders --shots shots of
one line of dialogue each through auteur's renderer, and, side by side in the same process, calls
the bare diffusers video pipeline with the same arguments (the peer: no speech, mixing or muxing).

    python benchmarks/gpu_shot.py                       # tiny random configs on the CPU (what CI can run)
    python benchmarks/gpu_shot.py --size real           # on a CUDA GPU: the real model sizes, random weights,
                                                        # each renderer's default resolution and a 5 s shot
    python benchmarks/gpu_shot.py --backend ltx2 --shots 3 --json out.json

`--size real` builds LTX-2 (48-layer 4096-wide transformer, its video and audio VAEs and vocoder at
diffusers' default configs, which are the released ones) and Wan 2.2 TI2V-5B (30 layers, 3072 wide,
the 48-channel VAE) with random weights; the text encoders keep their output width but only one
layer, so prompt encoding (Gemma 3 12B, UMT5-XXL) is left out of the figures.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tiny configs are the tests' own


def _real_ltx2() -> dict:
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
    with torch.device("cuda"):
        parts = {"transformer": LTX2VideoTransformer3DModel(), "vae": AutoencoderKLLTX2Video(),
                 "audio_vae": AutoencoderKLLTX2Audio(), "connectors": LTX2TextConnectors(), "vocoder": LTX2Vocoder(),
                 "text_encoder": Gemma3ForConditionalGeneration(config).eval()}
    return {**parts, "scheduler": FlowMatchEulerDiscreteScheduler(), "tokenizer": tokenizer, "processor": None,
            "prompt_enhancer": None, "duration_head": None}


def _real_wan() -> dict:
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanTransformer3DModel
    from tiny_models import word_tokenizer
    from transformers import T5Config, T5EncoderModel

    tokenizer = word_tokenizer(512)
    with torch.device("cuda"):
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
    return {"transformer": transformer, "vae": vae, "scheduler": UniPCMultistepScheduler(
                prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0),
            "text_encoder": text_encoder, "tokenizer": tokenizer, "transformer_2": None, "image_encoder": None,
            "image_processor": None, "boundary_ratio": None, "expand_timesteps": True}


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


def models(backend: str, size: str, root: Path) -> dict[str, Path]:
    """Checkpoint directories for a backend, written in diffusers' layout."""
    from diffusers import LTX2ImageToVideoPipeline, WanImageToVideoPipeline
    from tiny_models import saved_pipeline, studio_models

    if size == "tiny":
        return studio_models(root)
    if backend == "ltx2":
        return {"ltx2": saved_pipeline(LTX2ImageToVideoPipeline, _real_ltx2(), root / "ltx2")}
    return {"wan": saved_pipeline(WanImageToVideoPipeline, _real_wan(), root / "wan"), **_real_audio(root)}


def one(backend: str, size: str, shots: int) -> dict:
    """Run one backend in this process; return its figures."""
    import torch
    from gpu_shots import CLIFF, MARA, TOM, keyframe, shot

    from auteur.models.gpu.pipelines import PIPELINES
    from auteur.models.renderer import RenderRequest, load_renderer
    from auteur.core.settings import VideoSettings

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        paths = models(backend, size, root)
        if size == "tiny":
            settings = {"width": 32, "height": 32, "steps": 2, "device": "cpu", "max_sequence_length": 16}
            video = VideoSettings(width=64, height=64, fps=8)
            seconds = 1.0
        else:
            settings, video, seconds = {"device": "cuda"}, VideoSettings(), 5.0
        if backend == "ltx2":
            settings |= {"model": str(paths["ltx2"]), "image_crf": 0}
        else:
            settings |= {"model": str(paths["wan"]), "tts_model": str(paths["tts"]),
                         "ambience_model": str(paths["ambience"])} | ({"ambience_steps": 2} if size == "tiny" else {})
        renderer = load_renderer(backend, settings)
        line = (("<char1>", "the storm is coming."),)
        times, peers = [], []
        for i in range(shots + 1):  # the first shot loads the pipeline: reported apart
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
        PIPELINES.clear()
    per_shot = statistics.median(times[1:])
    peer = statistics.median(peers[1:])
    return {"backend": backend, "size": size, "first_shot_s": round(times[0], 3), "per_shot_s": round(per_shot, 3),
            "bare_pipeline_s": round(peer, 3), "ratio_to_bare": round(per_shot / peer, 3),
            "clip_s": round(clip.duration, 3),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_cuda_mib": round(torch.cuda.max_memory_allocated() / 2**20) if torch.cuda.is_available() else None}


def _bare_pipeline(renderer, request, clip_seconds) -> float:
    """The peer: the same (already loaded) video pipeline called directly, nothing around it."""
    import torch

    from auteur.models.gpu.memory import ladder
    from auteur.models.gpu.pipelines import PIPELINES
    from auteur.models.gpu.shot import frame_count, load_keyframe, shot_prompt

    cfg = renderer.config
    level = ladder(cfg.memory)[0]
    image = load_keyframe(request, (cfg.width, cfg.height))
    if renderer.name == "ltx2":
        args, _, _ = renderer.call_arguments(request)
        name, build = "ltx2", renderer._build
    else:
        args = dict(prompt=shot_prompt(request, with_dialogue=False), negative_prompt=cfg.negative_prompt,
                    height=cfg.height, width=cfg.width, num_inference_steps=cfg.steps, guidance_scale=cfg.guidance_scale,
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
    parser.add_argument("--shots", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.size, args.shots)))
        return
    if args.size == "real":
        import torch

        if not torch.cuda.is_available():
            sys.exit("--size real needs a CUDA GPU (random weights at the real sizes do not fit a CPU run)")
    results = []
    for backend in (["ltx2", "wan"] if args.backend == "all" else [args.backend]):
        done = subprocess.run([sys.executable, __file__, "--one", backend, "--size", args.size,
                               "--shots", str(args.shots)], capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = {"machine": platform.processor() or platform.machine(), "python": platform.python_version(),
              "load_average": load, "results": results}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

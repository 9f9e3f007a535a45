"""Tiny random components for the GPU backends, built in-process (no hub access).

Shapes follow diffusers' own `get_dummy_components()` for each pipeline; the text encoders and
tokenizers that diffusers' tests fetch from the hub are built here from configs instead.
"""

from __future__ import annotations

import pytest

import json
from pathlib import Path

import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

WORDS = ("a the and of in at on to is it with storm light keeper sea wind rain night lamp says "
         "speaks voice shot camera static push pull pan tilt ambience waves cliff").split()


def word_tokenizer(max_length: int = 16) -> PreTrainedTokenizerFast:
    """A word-level tokenizer over a small vocabulary; unknown words map to <unk>."""
    vocab = {tok: i for i, tok in enumerate(["<pad>", "</s>", "<unk>", "<bos>", *WORDS])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", eos_token="</s>",
                                   unk_token="<unk>", bos_token="<bos>", model_max_length=max_length)


def ltx2_components() -> dict:
    from diffusers import (AutoencoderKLLTX2Audio, AutoencoderKLLTX2Video, FlowMatchEulerDiscreteScheduler,
                           LTX2VideoTransformer3DModel)
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    tokenizer = word_tokenizer()
    torch.manual_seed(0)
    config = Gemma3Config(
        text_config=dict(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=32, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, head_dim=8, sliding_window=8,
                         max_position_embeddings=64),
        vision_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                           image_size=16, patch_size=8),
        mm_tokens_per_image=4, boi_token_index=3, eoi_token_index=3, image_token_index=2)
    text_encoder = Gemma3ForConditionalGeneration(config).eval()
    hidden, layers = config.text_config.hidden_size, config.text_config.num_hidden_layers
    torch.manual_seed(0)
    transformer = LTX2VideoTransformer3DModel(
        in_channels=4, out_channels=4, patch_size=1, patch_size_t=1, num_attention_heads=2, attention_head_dim=8,
        cross_attention_dim=16, audio_in_channels=4, audio_out_channels=4, audio_num_attention_heads=2,
        audio_attention_head_dim=4, audio_cross_attention_dim=8, num_layers=2, qk_norm="rms_norm_across_heads",
        caption_channels=hidden, rope_double_precision=False, rope_type="split")
    torch.manual_seed(0)
    connectors = LTX2TextConnectors(
        caption_channels=hidden, text_proj_in_factor=layers + 1, video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8, video_connector_num_layers=1,
        video_connector_num_learnable_registers=None, audio_connector_num_attention_heads=4,
        audio_connector_attention_head_dim=8, audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None, connector_rope_base_seq_len=32, rope_theta=10000.0,
        rope_double_precision=False, causal_temporal_positioning=False, rope_type="split")
    torch.manual_seed(0)
    vae = AutoencoderKLLTX2Video(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8,), decoder_block_out_channels=(8,),
        layers_per_block=(1,), decoder_layers_per_block=(1, 1), spatio_temporal_scaling=(True,),
        decoder_spatio_temporal_scaling=(True,), decoder_inject_noise=(False, False), downsample_type=("spatial",),
        upsample_residual=(False,), upsample_factor=(1,), timestep_conditioning=False, patch_size=2,
        patch_size_t=1, encoder_causal=True, decoder_causal=False)
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    torch.manual_seed(0)
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4, output_channels=2, ch_mult=(1,), num_res_blocks=1, attn_resolutions=None, in_channels=2,
        resolution=32, latent_channels=2, norm_type="pixel", causality_axis="height", dropout=0.0,
        mid_block_add_attention=False, sample_rate=16000, mel_hop_length=160, is_causal=True, mel_bins=8)
    torch.manual_seed(0)
    vocoder = LTX2Vocoder(
        in_channels=audio_vae.config.output_channels * audio_vae.config.mel_bins, hidden_channels=32,
        out_channels=2, upsample_kernel_sizes=[4, 4], upsample_factors=[2, 2], resnet_kernel_sizes=[3],
        resnet_dilations=[[1, 3, 5]], leaky_relu_negative_slope=0.1, output_sampling_rate=16000)
    return {"transformer": transformer, "vae": vae, "audio_vae": audio_vae,
            "scheduler": FlowMatchEulerDiscreteScheduler(), "text_encoder": text_encoder, "tokenizer": tokenizer,
            "connectors": connectors, "vocoder": vocoder, "processor": None, "prompt_enhancer": None,
            "duration_head": None}


def t5_encoder(d_model: int = 32):
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(0)
    config = T5Config(vocab_size=len(word_tokenizer()), d_model=d_model, d_kv=8, d_ff=37, num_layers=2,
                      num_heads=4, relative_attention_num_buckets=8, dropout_rate=0.0)
    return T5EncoderModel(config).eval()


def wan_components() -> dict:
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanTransformer3DModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=48, in_channels=12, out_channels=12, is_residual=True, patch_size=2,
                           latents_mean=[0.0] * 48, latents_std=[1.0] * 48, dim_mult=[1, 1, 1, 1],
                           num_res_blocks=1, scale_factor_spatial=16, scale_factor_temporal=4,
                           temperal_downsample=[False, True, True])
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    text_encoder = t5_encoder(32)
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                        in_channels=48, out_channels=48, text_dim=32, freq_dim=256, ffn_dim=32,
                                        num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                        rope_max_seq_len=32)
    return {"transformer": transformer, "vae": vae, "scheduler": scheduler, "text_encoder": text_encoder,
            "tokenizer": word_tokenizer(), "transformer_2": None, "image_encoder": None, "image_processor": None,
            "boundary_ratio": None, "expand_timesteps": True}


def stable_audio_components() -> dict:
    from diffusers import AutoencoderOobleck, CosineDPMSolverMultistepScheduler, StableAudioDiTModel
    from diffusers.pipelines.stable_audio import StableAudioProjectionModel

    torch.manual_seed(0)
    transformer = StableAudioDiTModel(sample_size=4, in_channels=3, num_layers=2, attention_head_dim=4,
                                      num_key_value_attention_heads=2, out_channels=3, cross_attention_dim=4,
                                      time_proj_dim=8, global_states_input_dim=8, cross_attention_input_dim=4)
    scheduler = CosineDPMSolverMultistepScheduler(solver_order=2, prediction_type="v_prediction", sigma_data=1.0,
                                                  sigma_schedule="exponential")
    torch.manual_seed(0)
    vae = AutoencoderOobleck(encoder_hidden_size=6, downsampling_ratios=[1, 2], decoder_channels=3,
                             decoder_input_channels=3, audio_channels=2, channel_multiples=[2, 4], sampling_rate=4)
    text_encoder = t5_encoder(32)
    torch.manual_seed(0)
    projection = StableAudioProjectionModel(text_encoder_dim=text_encoder.config.d_model, conditioning_dim=4,
                                            min_value=0, max_value=32)
    return {"transformer": transformer, "scheduler": scheduler, "vae": vae, "text_encoder": text_encoder,
            "tokenizer": word_tokenizer(25), "projection_model": projection}


def vits_tts(directory: Path, phonemize: bool = False):
    """A tiny multi-speaker VITS and its character-level tokenizer, saved as safetensors in `directory`."""
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    chars = list(" abcdefghijklmnopqrstuvwxyz.,'?!-ðəɔːɹɪŋʌˈ")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vocab.json").write_text(json.dumps({c: i for i, c in enumerate(chars)}))
    tokenizer = VitsTokenizer(str(directory / "vocab.json"), language=None, add_blank=True, normalize=True,
                              phonemize=phonemize, is_uroman=False, pad_token=" ", unk_token="-")
    torch.manual_seed(0)
    config = VitsConfig(vocab_size=len(chars), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        window_size=2, ffn_dim=16, flow_size=8, spectrogram_bins=33, upsample_initial_channel=16,
                        upsample_rates=[4, 4], upsample_kernel_sizes=[8, 8], resblock_kernel_sizes=[3],
                        resblock_dilation_sizes=[[1, 3]], prior_encoder_num_flows=2, prior_encoder_num_wavenet_layers=1,
                        posterior_encoder_num_wavenet_layers=1, duration_predictor_num_flows=2,
                        duration_predictor_filter_channels=16, depth_separable_num_layers=2, num_speakers=4,
                        speaker_embedding_size=8, sampling_rate=16000)
    model = VitsModel(config).eval()
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    return directory


def saved_pipeline(pipeline_class: type, components: dict, directory: Path) -> Path:
    """Write a tiny pipeline in diffusers' layout (safetensors), as a hub snapshot would hold it."""
    pipeline_class(**components).save_pretrained(directory, safe_serialization=True)
    return directory


def studio_models(root: Path) -> dict[str, Path]:
    """Tiny LTX-2, Wan 2.2 5B, Stable Audio and VITS checkpoints under `root`, by role."""
    from diffusers import LTX2ImageToVideoPipeline, StableAudioPipeline, WanImageToVideoPipeline

    return {"ltx2": saved_pipeline(LTX2ImageToVideoPipeline, ltx2_components(), root / "ltx2"),
            "wan": saved_pipeline(WanImageToVideoPipeline, wan_components(), root / "wan"),
            "ambience": saved_pipeline(StableAudioPipeline, stable_audio_components(), root / "stable-audio"),
            "tts": vits_tts(root / "vits")}


@pytest.fixture(scope="module", name="model")
def tiny_ltx2(tmp_path_factory):
    """A tiny random LTX-2 image-to-video pipeline saved to disk, for the tests that load it."""
    from diffusers import LTX2ImageToVideoPipeline

    return saved_pipeline(LTX2ImageToVideoPipeline, ltx2_components(), tmp_path_factory.mktemp("ltx2"))


@pytest.fixture(autouse=True)
def fresh_pipelines():
    """Each test loads its pipelines afresh: the per-device cache starts and ends empty."""
    from auteur.models.gpu.pipelines import PIPELINES

    PIPELINES.clear()
    yield
    PIPELINES.clear()

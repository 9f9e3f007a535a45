"""Numerical parity with BAGEL's own implementation, in fp32, on the same random weights.

    python benchmarks/bagel_parity.py --bagel /path/to/Bagel   # a checkout of ByteDance-Seed/Bagel

Builds a small random MoT, writes its weights under BAGEL's names, loads them into BAGEL's
`Bagel`/`Qwen2ForCausalLM` (from the checkout, imported in this process only) and compares:
prefill logits, a greedy continuation, and the final latent of a few-step generation with text and
image guidance from the same initial noise, conditioned on a reference latent and a prompt.

BAGEL's modules import flash_attn and cast to bf16 inside the generation path. Both are shimmed
here and nowhere else: flash_attn_varlen_func by per-sequence SDPA (bottom-right causal, as flash
attention aligns it), and `torch.bfloat16` inside qwen2_navit by float32, so the comparison is fp32.
BAGEL was written for transformers 4.x; the two 5.x differences it trips on (no default
`pad_token_id`, no 'default' RoPE initialiser) are filled in here too. BAGEL's own requirements
(einops) must be installed.
"""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path

import torch
import torch.nn.functional as F

from auteur.models.mot.config import LLMConfig, MoTConfig, SpecialTokens
from auteur.models.mot.context import patchify
from auteur.models.mot.generate_image import Guidance, build_branches, denoise
from auteur.models.mot.generate_text import generate
from auteur.models.mot.loading import auteur_to_bagel
from auteur.models.mot.masks import Segment
from auteur.models.mot.model import MoT


def flash_attn_varlen_func(q, k, v, cu_seqlens_q, cu_seqlens_k, max_seqlen_q=None, max_seqlen_k=None, causal=False, **_):
    """flash_attn's packed variable-length attention, by SDPA one sequence at a time."""
    outs = []
    for i in range(len(cu_seqlens_q) - 1):
        qs, qe, ks, ke = int(cu_seqlens_q[i]), int(cu_seqlens_q[i + 1]), int(cu_seqlens_k[i]), int(cu_seqlens_k[i + 1])
        qi, ki, vi = q[qs:qe].transpose(0, 1), k[ks:ke].transpose(0, 1), v[ks:ke].transpose(0, 1)
        mask = None
        if causal:
            lq, lk = qe - qs, ke - ks
            mask = torch.arange(lk)[None, :] <= torch.arange(lq)[:, None] + (lk - lq)
        outs.append(F.scaled_dot_product_attention(qi, ki, vi, attn_mask=mask, enable_gqa=qi.shape[0] != ki.shape[0]).transpose(0, 1))
    return torch.cat(outs, 0)


def import_bagel(path: Path):
    import transformers.modeling_utils  # noqa: F401  (before the shim, so transformers sees no flash_attn)

    from transformers import modeling_rope_utils

    def default_rope(config, device=None, seq_len=None, **_):
        """transformers 4.x's 'default' RoPE init, which 5.x dropped from the table BAGEL indexes."""
        dim = config.hidden_size // config.num_attention_heads
        inv = 1.0 / (config.rope_theta ** (torch.arange(0, dim, 2, dtype=torch.int64).float().to(device) / dim))
        return inv, 1.0

    modeling_rope_utils.ROPE_INIT_FUNCTIONS.setdefault("default", default_rope)
    shim = types.ModuleType("flash_attn")
    shim.flash_attn_varlen_func = flash_attn_varlen_func
    sys.modules.setdefault("flash_attn", shim)
    sys.path.insert(0, str(path))
    import modeling.bagel.qwen2_navit as navit
    from modeling.bagel import Bagel, BagelConfig, Qwen2Config, Qwen2ForCausalLM
    from modeling.bagel.qwen2_navit import NaiveCache

    fp32 = types.SimpleNamespace(**{n: getattr(torch, n) for n in dir(torch) if not n.startswith("__")})
    fp32.bfloat16 = torch.float32
    navit.torch = fp32
    return Bagel, BagelConfig, Qwen2Config, Qwen2ForCausalLM, NaiveCache


def build(args):
    llm = LLMConfig(vocab_size=256, hidden_size=args.hidden, intermediate_size=args.hidden * 2, num_hidden_layers=args.layers,
                    num_attention_heads=4, num_key_value_heads=2, rope_theta=10000.0)
    cfg = MoTConfig(llm=llm, vit=None, max_latent_size=16)
    torch.manual_seed(0)
    ours = MoT(cfg).init_weights(0, std=0.1).eval()
    Bagel, BagelConfig, Qwen2Config, Qwen2ForCausalLM, NaiveCache = import_bagel(args.bagel)
    qcfg = Qwen2Config(vocab_size=llm.vocab_size, hidden_size=llm.hidden_size, intermediate_size=llm.intermediate_size,
                       num_hidden_layers=llm.num_hidden_layers, num_attention_heads=llm.num_attention_heads,
                       num_key_value_heads=llm.num_key_value_heads, rope_theta=llm.rope_theta, rms_norm_eps=llm.rms_norm_eps,
                       qk_norm=True, layer_module="Qwen2MoTDecoderLayer", tie_word_embeddings=False,
                       _attn_implementation="eager")
    qcfg.pad_token_id = None  # transformers 5 no longer defines it on every config; BAGEL (written for 4.x) reads it
    bcfg = BagelConfig(visual_gen=True, visual_und=False, llm_config=qcfg, vit_config=None,
                       vae_config=types.SimpleNamespace(downsample=8, z_channels=16), latent_patch_size=2,
                       max_latent_size=16, timestep_shift=1.0)
    theirs = Bagel(Qwen2ForCausalLM(qcfg), None, bcfg).eval()
    missing, unexpected = theirs.load_state_dict(auteur_to_bagel(ours.state_dict()), strict=False)
    missing = [k for k in missing if "rotary_emb" not in k]
    assert not missing and not unexpected, (missing, unexpected)
    return ours, theirs, NaiveCache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bagel", type=Path, required=True, help="path of a ByteDance-Seed/Bagel source checkout")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--shift", type=float, default=3.0)
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    ours, theirs, NaiveCache = build(args)
    special = SpecialTokens(bos=1, eos=2, start_of_image=3, end_of_image=4)
    ids = {"bos_token_id": 1, "eos_token_id": 2, "start_of_image": 3, "end_of_image": 4}
    n_layers = args.layers
    prompt = [11, 23, 35, 47, 59, 61, 73]

    # 1. prefill logits over [bos, prompt, eos]
    text = [1, *prompt, 2]
    L = len(text)
    emb = ours.embed_text(torch.tensor([text]))
    a = ours.logits(ours(emb, torch.arange(L)[None], (Segment("text", L),)))[0]
    out = theirs.language_model.forward_inference(
        packed_query_sequence=emb[0], query_lens=torch.tensor([L]), packed_query_position_ids=torch.arange(L),
        packed_query_indexes=torch.arange(L), past_key_values=NaiveCache(n_layers), key_values_lens=torch.tensor([0]),
        packed_key_value_indexes=torch.tensor([], dtype=torch.long), update_past_key_values=True, is_causal=True, mode="und")
    b = theirs.language_model.lm_head(out.packed_query_sequence)
    print(f"prefill logits: max |diff| = {(a - b).abs().max().item():.3e} (max |logit| {b.abs().max().item():.2f})")

    # 2. greedy continuation after a start token, as BAGEL's generate_text
    n_new = 16
    mine = generate(ours, special, text + [1], n_new - 1)
    cache = NaiveCache(n_layers)
    cache = theirs.forward_cache_update_text(cache, torch.tensor(text), torch.arange(L), torch.tensor([L]),
                                             torch.arange(L), torch.tensor([], dtype=torch.long), torch.tensor([0]))
    start = theirs.prepare_start_tokens([L], [L], ids)
    seq = theirs.generate_text(past_key_values=cache, max_length=n_new, do_sample=False, end_token_id=None, **start)
    theirs_tokens = seq[:, 0].tolist()[1:]
    same = sum(x == y for x, y in zip(mine, theirs_tokens))
    print(f"greedy continuation: {same}/{len(theirs_tokens)} tokens equal; ours {mine}; BAGEL {theirs_tokens}")

    # 3. guided generation: reference latent + prompt, text and image guidance, same initial noise
    g = torch.Generator().manual_seed(1)
    H = W = 64
    ref = torch.randn(16, H // 8, W // 8, generator=g)
    noise = torch.randn(16, H // 8, W // 8, generator=g)
    guidance = Guidance(text_scale=4.0, image_scale=2.0, interval=(0.0, 1.0), renorm_min=0.0, renorm="global")
    branches = build_branches(ours, special, prompt, [("latent", ref)], guidance)
    latent = denoise(ours, special, branches, noise, args.steps, guidance, shift=args.shift)

    class FakeVAE:
        def encode(self, images):
            return ref[None]

    class FakeTokenizer:
        def encode(self, _):
            return prompt

    def context(with_image: bool, with_text: bool):
        state = {"cache": NaiveCache(n_layers), "kvlen": [0], "rope": [0]}
        if with_image:
            inp, kv, rope = theirs.prepare_vae_images(state["kvlen"], state["rope"], [torch.zeros(3, H, W)],
                                                      lambda x: x, ids)
            state["cache"] = theirs.forward_cache_update_vae(FakeVAE(), state["cache"], **inp)
            state["kvlen"], state["rope"] = kv, rope
        if with_text:
            inp, kv, rope = theirs.prepare_prompts(state["kvlen"], state["rope"], ["p"], FakeTokenizer(), ids)
            state["cache"] = theirs.forward_cache_update_text(state["cache"], **inp)
            state["kvlen"], state["rope"] = kv, rope
        return state

    cond, no_text, no_image = context(True, True), context(True, False), context(False, True)
    gen = theirs.prepare_vae_latent(cond["kvlen"], cond["rope"], [(H, W)], ids)
    gen["packed_init_noises"] = patchify(noise, 2)
    cfg_t = theirs.prepare_vae_latent_cfg(no_text["kvlen"], no_text["rope"], [(H, W)])
    cfg_i = theirs.prepare_vae_latent_cfg(no_image["kvlen"], no_image["rope"], [(H, W)])
    out = theirs.generate_image(
        **gen, past_key_values=cond["cache"], num_timesteps=args.steps + 1, timestep_shift=args.shift, cfg_renorm_min=0.0,
        cfg_renorm_type="global", cfg_interval=[0.0, 1.0],
        cfg_text_scale=4.0, cfg_text_packed_query_indexes=cfg_t["cfg_packed_query_indexes"],
        cfg_text_packed_position_ids=cfg_t["cfg_packed_position_ids"], cfg_text_past_key_values=no_text["cache"],
        cfg_text_key_values_lens=cfg_t["cfg_key_values_lens"], cfg_text_packed_key_value_indexes=cfg_t["cfg_packed_key_value_indexes"],
        cfg_img_scale=2.0, cfg_img_packed_query_indexes=cfg_i["cfg_packed_query_indexes"],
        cfg_img_packed_position_ids=cfg_i["cfg_packed_position_ids"], cfg_img_past_key_values=no_image["cache"],
        cfg_img_key_values_lens=cfg_i["cfg_key_values_lens"], cfg_img_packed_key_value_indexes=cfg_i["cfg_packed_key_value_indexes"])
    diff = (patchify(latent, 2) - out[0]).abs().max().item()
    print(f"guided generation ({args.steps} steps, shift {args.shift}, text 4, image 2, global renorm): "
          f"final latent max |diff| = {diff:.3e} (max |latent| {out[0].abs().max().item():.2f})")


if __name__ == "__main__":
    main()

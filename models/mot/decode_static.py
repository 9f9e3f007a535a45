"""Text decoding with static shapes and no host round trip per token (the fast path of generate_text).

Everything a step reads or writes lives in buffers allocated once: the token, its RoPE position and
cache slot, the KV cache (fixed capacity, written with `index_copy_`), a precomputed RoPE table, the
logits, the output ids and a `done` flag. Attention always spans the whole capacity under a
`slot <= current` mask, so every step has the same shapes and, on CUDA, is captured once as a CUDA
graph and replayed. The host looks at the output only every `check_every` tokens (one sync per chunk),
not per token.

With a grammar constraint the host must see each token before it can compute the next mask, so a
step is split in two graphs: `forward` (token -> logits) is launched, the xgrammar bitmask is filled
on the CPU while it runs, copied in, and `pick` (mask, choose) is launched; the host then reads the
token. A token the grammar forces (exactly one allowed) needs no choice and no sync: it is written
into the token buffer and only `forward` runs. Prefill stays eager (Context.add_text).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from auteur.models.mot.cache import KVCache
from auteur.models.mot.config import SpecialTokens
from auteur.models.mot.context import Context
from auteur.models.mot.fused import fused_attention, fused_mlp
from auteur.models.mot.graphs import Graphed
from auteur.models.mot.layers import rope_cos_sin
from auteur.models.mot.model import MoT


class StaticDecoder:
    """Greedy or sampled decoding over one fixed-capacity cache; reuse it for many prompts."""

    def __init__(self, model: MoT, special: SpecialTokens, capacity: int, graphs: bool | None = None,
                 check_every: int = 16):
        self.model, self.special, self.check_every = model, special, check_every
        p = next(model.parameters())
        self.device, self.dtype = p.device, p.dtype
        c = model.cfg.llm
        self.cache = KVCache(c.num_hidden_layers, 1, c.num_key_value_heads, capacity, c.head_dim, p.dtype, p.device)
        cos, sin = rope_cos_sin(torch.arange(capacity, device=self.device)[None], c.head_dim, c.rope_theta, p.dtype)
        self.cos, self.sin = cos[0], sin[0]  # [capacity, head_dim]: position p's row
        self.slots = torch.arange(capacity, device=self.device)
        long = dict(dtype=torch.long, device=self.device)
        self.token, self.position, self.slot, self.step = (torch.zeros(1, **long) for _ in range(4))
        self.out = torch.zeros(capacity, **long)
        self.done = torch.zeros(1, dtype=torch.bool, device=self.device)
        self.logits = torch.zeros(c.vocab_size, dtype=torch.float32, device=self.device)
        self.stop = torch.full((4,), -1, **long)
        self.words = (c.vocab_size + 31) // 32  # xgrammar's bitmask: 32 tokens per int32
        self.bitmask = torch.full((self.words,), -1, dtype=torch.int32, device=self.device)
        ids = torch.arange(c.vocab_size, device=self.device)
        self._word, self._bit = ids // 32, (ids % 32).to(torch.int32)
        self.noise = torch.full((c.vocab_size,), 0.5, dtype=torch.float32, device=self.device)
        self.inv_temperature = torch.ones(1, device=self.device)
        self.top_p = torch.ones(1, device=self.device)
        self.sampling = False
        # Fused weights looked up once, so a step holds no Python-side checks.
        self.weights = [(fused_attention(l.self_attn, ""), fused_mlp(l.mlp)) for l in model.decoder.layers]
        use_graphs = self.device.type == "cuda" if graphs is None else graphs
        state = [self.token, self.position, self.slot, self.step, self.out, self.done, self.logits]
        self._forward = Graphed(self._forward_fn, enabled=use_graphs, restore=state)
        self._pick = {s: Graphed(lambda s=s: self._pick_fn(s), enabled=use_graphs, restore=state) for s in (False, True)}
        self._both = {s: Graphed(lambda s=s: (self._pick_fn(s), self._forward_fn()), enabled=use_graphs, restore=state)
                      for s in (False, True)}

    @property
    def capacity(self) -> int:
        return self.cache.capacity

    # ---------------------------------------------------------------- the two halves of a step
    def _forward_fn(self) -> None:
        """Feed `token` at `position` into cache slot `slot`; leave the next logits in `logits`."""
        m, cache = self.model, self.cache
        x = m.embed_text(self.token)[None]  # [1, 1, D]
        cos, sin = self.cos[self.position][:, None, None], self.sin[self.position][:, None, None]  # [1, 1, 1, hd]
        visible = (self.slots <= self.slot)[None, None, None]  # [1, 1, 1, capacity]
        for i, layer in enumerate(m.decoder.layers):
            attn = layer.self_attn
            h = layer.input_layernorm(x)
            (w, b), gate_up = self.weights[i]
            q, k, v = F.linear(h, w, b).split([attn.n_heads * attn.head_dim, attn.n_kv * attn.head_dim,
                                               attn.n_kv * attn.head_dim], dim=-1)
            q = attn.q_norm(q.view(1, 1, attn.n_heads, attn.head_dim)).transpose(1, 2)
            k = attn.k_norm(k.view(1, 1, attn.n_kv, attn.head_dim)).transpose(1, 2)
            q, k = _rope(q, cos, sin), _rope(k, cos, sin)
            cache.k[i].index_copy_(2, self.slot, k)
            cache.v[i].index_copy_(2, self.slot, v.view(1, 1, attn.n_kv, attn.head_dim).transpose(1, 2))
            o = F.scaled_dot_product_attention(q, cache.k[i], cache.v[i], attn_mask=visible,
                                               enable_gqa=attn.n_heads != attn.n_kv)
            x = x + attn.o_proj(o.transpose(1, 2).reshape(1, 1, -1))
            h = layer.post_attention_layernorm(x)
            gate, up = F.linear(h, gate_up).chunk(2, dim=-1)
            x = x + layer.mlp.down_proj(F.silu(gate) * up)
        self.logits.copy_(m.logits(m.decoder.norm(x))[0, 0].float())
        self.position.add_(1)
        self.slot.add_(1)

    def _pick_fn(self, sample: bool) -> None:
        """Choose the next token from `logits` under the bitmask; record it and whether it stops."""
        allowed = ((self.bitmask[self._word] >> self._bit) & 1).bool()
        logits = self.logits.masked_fill(~allowed, float("-inf"))
        token = (gumbel_max(logits, self.noise, self.inv_temperature, self.top_p) if sample
                 else torch.argmax(logits)).reshape(1)
        self.token.copy_(token)
        self.out.index_copy_(0, self.step, token)
        self.done.logical_or_(torch.isin(token, self.stop))
        self.step.add_(1)

    # ---------------------------------------------------------------- decoding
    def prefill(self, prompt_ids: list[int]) -> Context:
        """Reset the cache and run the prompt through it (eagerly); the next logits land in `logits`."""
        if len(prompt_ids) >= self.capacity:
            raise ValueError(f"prompt of {len(prompt_ids)} tokens does not fit a decode cache of {self.capacity}")
        self.cache.length, self.cache.padded = 0, False
        self.cache.valid.zero_()
        ctx = Context(self.model, self.special, self.capacity, cache=self.cache)
        self.logits.copy_(ctx.add_text(prompt_ids))
        self.position.fill_(ctx.position)
        self.slot.fill_(self.cache.length)
        self.step.zero_()
        self.done.zero_()
        return ctx

    @torch.no_grad()
    def generate(self, prompt_ids: list[int], max_new_tokens: int, stop_ids: tuple[int, ...] = (),
                 temperature: float = 0.0, top_p: float = 1.0, generator: torch.Generator | None = None,
                 constraint=None) -> list[int]:
        """As generate_text.generate: the ids after `prompt_ids`, up to a stop token or `max_new_tokens`."""
        if len(stop_ids) > self.stop.numel():
            raise ValueError(f"at most {self.stop.numel()} stop tokens")
        max_new_tokens = min(max_new_tokens, self.capacity - len(prompt_ids) - 1)
        self.prefill(prompt_ids)
        self.stop.fill_(-1)
        if stop_ids:
            self.stop[: len(stop_ids)] = torch.tensor(stop_ids, device=self.device)
        sample = temperature > 0
        if sample:
            self.inv_temperature.fill_(1.0 / temperature)
            self.top_p.fill_(top_p)
        self._generator = generator if generator is None or generator.device == self.device else None
        if sample and generator is not None and self._generator is None:
            self._generator = torch.Generator(self.device).manual_seed(int(generator.initial_seed()))
        if constraint is None:
            self.bitmask.fill_(-1)
            return self._free(max_new_tokens, sample)
        return self._constrained(max_new_tokens, sample, constraint, stop_ids)

    def _draw_noise(self, sample: bool) -> None:
        if sample:  # outside the graph: a generator's state cannot be replayed
            self.noise.uniform_(1e-20, 1.0, generator=self._generator)

    def _free(self, max_new: int, sample: bool) -> list[int]:
        done_at = max_new
        for start in range(0, max_new, self.check_every):
            n = min(self.check_every, max_new - start)
            for _ in range(n):
                self._draw_noise(sample)
                self._both[sample]()
            if bool(self.done):  # the only host sync: once per chunk
                done_at = start + n
                break
        ids = self.out[:done_at].tolist()
        stops = set(int(s) for s in self.stop.tolist() if s >= 0)
        cut = next((i for i, t in enumerate(ids) if t in stops), len(ids))
        return ids[:cut]

    def _constrained(self, max_new: int, sample: bool, constraint, stop_ids: tuple[int, ...]) -> list[int]:
        host = constraint.host_bitmask()
        pinned = host.pin_memory() if self.device.type == "cuda" else host
        words = min(self.words, pinned.shape[-1])
        self.bitmask.zero_()  # tokens past the grammar's vocabulary stay disallowed
        out: list[int] = []
        pending = False  # the last token has been chosen but not yet fed
        for _ in range(max_new):
            if pending:
                self._forward()  # runs while the CPU fills the next mask
            if constraint.is_done():
                break
            constraint.fill(pinned)
            forced = _single(pinned.numpy(), constraint.vocab_size)
            if forced is not None:
                token = forced  # no choice to make: no pick, no sync
                self.token.fill_(token)
            else:
                self.bitmask[:words].copy_(pinned.view(-1)[:words], non_blocking=True)
                self._draw_noise(sample)
                self._pick[sample]()
                token = int(self.token)  # the grammar needs the token before the next mask
            if token in stop_ids:
                break
            out.append(token)
            constraint.accept(token)
            pending = True
        return out


def _rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    x1, x2 = x.chunk(2, dim=-1)
    return x * cos + torch.cat((-x2, x1), dim=-1) * sin


def gumbel_max(logits: torch.Tensor, uniform: torch.Tensor, inv_temperature: torch.Tensor,
               top_p: torch.Tensor) -> torch.Tensor:
    """A token drawn from softmax(logits / temperature) restricted to its top_p nucleus, with the noise given:
    argmax of the logits plus Gumbel noise -log(-log u), u uniform in (0, 1). Along the last dimension, so
    a batch of rows [N, V] draws N tokens (tests check the frequencies against the distribution)."""
    return torch.argmax(_nucleus(logits * inv_temperature, top_p) - torch.log(-torch.log(uniform)), dim=-1)


def _nucleus(logits: torch.Tensor, top_p: torch.Tensor) -> torch.Tensor:
    """-inf outside the smallest set of tokens whose probability reaches top_p (static shapes)."""
    sorted_logits, order = logits.sort(dim=-1, descending=True)
    p = torch.softmax(sorted_logits, dim=-1)
    drop = (p.cumsum(-1) - p) >= top_p
    return logits.scatter(-1, order, sorted_logits.masked_fill(drop, float("-inf")))


def _single(bitmask: np.ndarray, vocab_size: int) -> int | None:
    """The one allowed token of an xgrammar bitmask, or None when there are several."""
    bits = np.unpackbits(bitmask.reshape(-1).view(np.uint8), bitorder="little")[:vocab_size]
    idx = np.flatnonzero(bits)
    return int(idx[0]) if len(idx) == 1 else None

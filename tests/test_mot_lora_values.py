"""LoRA adapters by value: the adapted forward, the merged weight and the merged state dict against numbers
worked out by hand (W x + b + (alpha / r) B A x), and which layers `add_lora` adapts."""

from __future__ import annotations

import math

import torch
from torch import nn

from auteur.models.mot.training.lora import LoRALinear, add_lora, merge

W = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
BIAS = torch.tensor([0.5, -0.5])
A = torch.tensor([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]])  # rank 2
B = torch.tensor([[2.0, 0.0], [3.0, 1.0]])
X = torch.tensor([1.0, 2.0, 4.0])
# by hand, alpha 4 over rank 2 = scale 2: W x + b = (17.5, 37.5); A x = (-3, 2); B A x = (-6, -7); doubled (-12, -14)
ADAPTED = [5.5, 23.5]
# W + 2 B A = W + 2 [[2, 0, -2], [3, 1, -3]]
MERGED = [[5.0, 2.0, -1.0], [10.0, 7.0, 0.0]]


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(3, 2)
        self.q_proj_moe_gen = nn.Linear(3, 2)
        self.k_proj = nn.Linear(3, 2)


def adapted_block() -> Block:
    block = Block()
    with torch.no_grad():
        block.q_proj.weight.copy_(W)
        block.q_proj.bias.copy_(BIAS)
    add_lora(block, rank=2, alpha=4.0, targets=["q_proj"])
    with torch.no_grad():
        block.q_proj.lora_A.copy_(A)
        block.q_proj.lora_B.copy_(B)
    return block


def test_an_adapted_layer_adds_alpha_over_rank_times_b_a_x_to_the_base_output():
    layer = adapted_block().q_proj
    assert isinstance(layer, LoRALinear) and layer.scale == 2.0
    with torch.no_grad():
        assert layer(X).tolist() == ADAPTED
        assert layer(X[None]).tolist() == [ADAPTED]


def test_the_merged_weight_gives_the_adapted_output_without_the_adapters():
    layer = adapted_block().q_proj
    with torch.no_grad():
        merged = layer.merged_weight()
        assert merged.tolist() == MERGED
        assert (merged @ X + BIAS).tolist() == ADAPTED


def test_merging_a_state_dict_folds_each_adapter_pair_into_its_base_weight_under_the_base_name():
    sd = {"l.weight": W, "l.bias": BIAS, "l.lora_A": A, "l.lora_B": B, "m.weight": torch.eye(2)}
    out = merge(sd, 2.0)
    assert sorted(out) == ["l.bias", "l.weight", "m.weight"]
    assert out["l.weight"].tolist() == MERGED
    assert out["l.bias"] is BIAS and out["m.weight"] is sd["m.weight"]
    assert sorted(sd) == ["l.bias", "l.lora_A", "l.lora_B", "l.weight", "m.weight"] and sd["l.weight"] is W  # pure


def test_a_bf16_base_with_fp32_adapters_returns_bf16():
    layer = adapted_block().q_proj
    layer.weight.data, layer.bias.data = layer.weight.data.bfloat16(), layer.bias.data.bfloat16()
    with torch.no_grad():
        out = layer(X.bfloat16())
    assert out.dtype == torch.bfloat16 and out.float().tolist() == ADAPTED  # small integers: exact in bf16
    assert layer.merged_weight().dtype == torch.bfloat16 and layer.merged_weight().float().tolist() == MERGED


def test_add_lora_adapts_the_named_linears_of_both_experts_starting_from_the_base_model():
    model = nn.ModuleDict({"layers": nn.ModuleList([Block(), Block()])})
    block = model["layers"][1]
    before = block.q_proj.weight.detach().clone()
    names = add_lora(model, rank=2, alpha=4.0, targets=["q_proj"])
    assert names == ["layers.0.q_proj", "layers.0.q_proj_moe_gen", "layers.1.q_proj", "layers.1.q_proj_moe_gen"]
    assert type(block.k_proj) is nn.Linear and not hasattr(block.k_proj, "lora_A")
    for layer in (block.q_proj, block.q_proj_moe_gen):
        assert layer.lora_A.shape == (2, 3) and layer.lora_B.shape == (2, 2)
        assert not layer.lora_B.any()  # B = 0: a fresh adapter changes nothing
    assert torch.equal(block.q_proj.weight, before)
    with torch.no_grad():
        assert torch.equal(block.q_proj(X), before @ X + block.q_proj.bias)
    assert add_lora(model, rank=2, alpha=4.0, targets=["q_proj"]) == []  # adapted layers are not adapted again


def test_adapters_are_drawn_kaiming_uniform_from_the_seed():
    def drawn(seed=None):
        layer = nn.Sequential(nn.Linear(64, 8))
        add_lora(layer, rank=8, alpha=8.0, targets=["0"], **({} if seed is None else {"seed": seed}))
        return layer[0].lora_A.detach()

    a = drawn(0)
    # kaiming_uniform_ with a = sqrt(5): uniform in +-1/sqrt(fan_in); 512 draws reach close to both ends
    bound = 1 / math.sqrt(64)
    assert a.abs().max() <= bound and a.max() > 0.97 * bound and a.min() < -0.97 * bound
    assert torch.equal(drawn(), a) and torch.equal(drawn(0), a) and not torch.equal(drawn(1), a)

"""The training config by value: every default, every bound's last accepted and first refused value, strict types,
what a checkpoint's fingerprint covers, and paths relative to the config file. Values are written out here."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from auteur.core.errors import InputError
from auteur.models.mot.training.config import TrainConfig, load_train_config

MINIMAL = {"model": {"path": "ckpt"}, "data": {"runs": ["run1"]}}

DEFAULTS = {
    "model": {"init": "bagel", "path": "ckpt", "vae": None, "dtype": "fp32", "activation_checkpointing": False,
              "freeze_vit": True, "lora": None},
    "data": {"runs": ["run1"], "jsonl": [], "images": None, "seq_len": 4096, "keyframe_side": 512,
             "reference_side": 1024, "reference_min_side": 512, "vit_side": 980, "vit_min_side": 224},
    "train": {"stage": 1, "steps": 1000, "lr": 2e-5, "warmup_steps": 0, "weight_decay": 0.0, "max_grad_norm": 1.0,
              "grad_accum": 1, "ce_weight": 0.25, "mse_weight": 1.0, "timestep_shift": 1.0, "script_ratio": 0.5,
              "seed": 0, "save_every": 500, "log_every": 10, "out": "train-out"},
}
LORA = {"rank": 16, "alpha": 32.0, "targets": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]}


def config(section: str, **fields) -> TrainConfig:
    data = {k: dict(v) for k, v in MINIMAL.items()}
    if section == "lora":
        data["model"]["lora"] = fields
    else:
        data.setdefault(section, {}).update(fields)
    return TrainConfig.model_validate(data)


def test_every_default():
    assert TrainConfig.model_validate(MINIMAL).model_dump(mode="json") == DEFAULTS
    assert config("lora").model.lora.model_dump() == LORA


# (section, field, the last value accepted, the first refused) at each end of each range
BOUNDS = [
    ("lora", "rank", 1, 0), ("lora", "rank", 1024, 1025), ("lora", "alpha", 0.5, 0.0),
    ("data", "seq_len", 64, 63), ("data", "seq_len", 1 << 20, (1 << 20) + 1),
    ("data", "keyframe_side", 16, 15), ("data", "keyframe_side", 4096, 4097),
    ("data", "reference_side", 16, 15), ("data", "reference_side", 4096, 4097),
    ("data", "reference_min_side", 8, 7), ("data", "reference_min_side", 4096, 4097),
    ("data", "vit_side", 8, 7), ("data", "vit_side", 4096, 4097),
    ("data", "vit_min_side", 8, 7), ("data", "vit_min_side", 4096, 4097),
    ("train", "steps", 1, 0), ("train", "lr", 0.5, 0.0), ("train", "lr", 1.0, 1.5),
    ("train", "warmup_steps", 0, -1), ("train", "weight_decay", 0.0, -0.5), ("train", "max_grad_norm", 0.5, 0.0),
    ("train", "grad_accum", 1, 0), ("train", "grad_accum", 1024, 1025), ("train", "ce_weight", 0.0, -0.5),
    ("train", "mse_weight", 0.0, -0.5), ("train", "timestep_shift", 0.5, 0.0), ("train", "script_ratio", 0.0, -0.5),
    ("train", "script_ratio", 1.0, 1.5), ("train", "save_every", 1, 0), ("train", "log_every", 1, 0),
]


@pytest.mark.parametrize(("section", "field", "good", "bad"), BOUNDS)
def test_each_range_ends_where_written(section, field, good, bad):
    assert getattr(config(section, **{field: good}).model.lora if section == "lora"
                   else getattr(config(section, **{field: good}), section), field) == good
    with pytest.raises(ValidationError, match=field):
        config(section, **{field: bad})


def test_types_are_not_converted_and_unknown_keys_are_refused():
    for section, field, value in (("lora", "rank", "16"), ("train", "lr", True), ("train", "steps", "100"),
                                  ("lora", "alpha", "32"), ("data", "seq_len", 4096.0)):
        with pytest.raises(ValidationError):
            config(section, **{field: value})
    with pytest.raises(ValidationError, match="speed"):
        config("train", speed=2)
    with pytest.raises(ValidationError, match="targets"):
        config("lora", targets=[])
    assert config("lora", targets=["q_proj"]).model.lora.targets == ["q_proj"]  # one is enough
    assert [config("model", dtype=d).model.dtype for d in ("fp32", "bf16")] == ["fp32", "bf16"]
    with pytest.raises(ValidationError, match="dtype"):
        config("model", dtype="fp16")
    only_jsonl = TrainConfig.model_validate({"model": {"path": "p"}, "data": {"jsonl": ["films.jsonl"]}})
    assert only_jsonl.data.runs == [] and only_jsonl.data.jsonl == ["films.jsonl"]


def test_the_fingerprint_is_all_but_the_runs_length_and_logging():
    base = config("train")
    print_of = base.fingerprint()
    assert len(print_of) == 16 and int(print_of, 16) >= 0
    for same in ({"steps": 5}, {"save_every": 7}, {"log_every": 3}, {"out": "elsewhere"}):
        assert config("train", **same).fingerprint() == print_of, same
    for other in ({"lr": 1e-4}, {"seed": 1}, {"stage": 2}):
        assert config("train", **other).fingerprint() != print_of, other
    assert config("data", seq_len=2048).fingerprint() != print_of


def test_paths_are_relative_to_the_config_files_folder(tmp_path):
    file = tmp_path / "cfg" / "train.toml"
    file.parent.mkdir()
    file.write_text('[model]\npath = "ckpt"\n[data]\nruns = ["r"]\n')
    cfg = load_train_config(file)
    assert cfg.source == file.resolve() and cfg.resolve("runs/a") == file.parent.resolve() / "runs" / "a"
    assert cfg.resolve("/abs/x") == Path("/abs/x") and cfg.resolve("~/x") == Path.home() / "x"
    assert TrainConfig.model_validate(MINIMAL).resolve("runs/a") == Path("runs/a")  # no file: as given
    assert "source" not in cfg.model_dump()


def test_a_bad_config_is_one_line_naming_the_file_and_the_field(tmp_path):
    with pytest.raises(InputError, match=r"^training config .*nowhere.toml does not exist$"):
        load_train_config(tmp_path / "nowhere.toml")
    file = tmp_path / "train.toml"
    file.write_text('[model]\npath = "ckpt"\n[data]\nruns = ["r"]\n[train]\nlr = 2\n')
    with pytest.raises(InputError, match=r"^training config .*train.toml: train.lr: Input should be less than or "
                                         r"equal to 1$"):
        load_train_config(file)
    file.write_text('[data]\nruns = ["r"]\n')
    with pytest.raises(InputError, match=r"^training config .*train.toml: model: Field required$"):
        load_train_config(file)
    file.write_text('[model]\npath = "ckpt"\n[data]\n')
    with pytest.raises(InputError, match=r"train.toml: data: Value error, no data: give runs"):
        load_train_config(file)

"""Dialogue for the `wan` renderer: a multi-speaker VITS (transformers' VitsModel).

The default checkpoint is kakao-enterprise/vits-vctk: MIT licence, ~40M parameters (it runs on a
CPU in real time), 109 English speakers of the VCTK corpus selected by `speaker_id`, and a
`speaking_rate` knob. A character's voice is a speaker id, a speaking rate and a noise seed, all
derived from the character's `Voice` alone, so the same character sounds the same in every shot
(and the same line is the same take). That checkpoint's tokenizer phonemizes with espeak-ng
through the `phonemizer` package (`pip install auteur[studio]`); the espeak-ng library bundled in
`espeakng-loader` is used.
"""

from __future__ import annotations

import os
import re
import zlib
from dataclasses import dataclass

import numpy as np
import torch

from auteur.models.gpu.pipelines import ModelRef
from auteur.core.schema import Character, Voice


@dataclass(frozen=True)
class SpeakerChoice:
    speaker_id: int
    speaking_rate: float
    seed: int


def speaker_for(character: Character, num_speakers: int) -> SpeakerChoice:
    """A character's voice on a multi-speaker model, from its Voice (and its token when left at defaults)."""
    voice = character.voice
    identity = voice.model_dump_json()
    if voice == Voice():  # unvoiced characters would all share one speaker; tell them apart by token
        identity += character.token
    digest = zlib.crc32(identity.encode())
    return SpeakerChoice(speaker_id=digest % max(num_speakers, 1), speaking_rate=voice.rate, seed=digest)


class VitsSpeech:
    """Text in, mono float32 speech out, in a character's stable voice."""

    def __init__(self, ref: ModelRef, device: str) -> None:
        from transformers import AutoTokenizer, VitsModel

        _point_phonemizer_at_espeak()
        source, kwargs = ref.source(), ref.kwargs()
        self.tokenizer = AutoTokenizer.from_pretrained(source, revision=kwargs["revision"])
        self.model = VitsModel.from_pretrained(source, **kwargs).to(device).eval()
        self.device = device
        self.sample_rate = int(self.model.config.sampling_rate)

    def voice(self, character: Character) -> SpeakerChoice:
        return speaker_for(character, int(self.model.config.num_speakers))

    def speak(self, text: str, character: Character) -> np.ndarray:
        """The line spoken in the character's voice: mono float32 at `sample_rate`."""
        choice = self.voice(character)
        text = re.sub(r"\s+", " ", text).strip()
        inputs = self.tokenizer(text, return_tensors="pt").to(self.device)
        if inputs["input_ids"].shape[1] == 0:
            return np.zeros(0, dtype=np.float32)
        speaker = torch.tensor([choice.speaker_id], device=self.device) if self.model.config.num_speakers > 1 else None
        # VITS samples noise for durations and the prior; a seed of its own makes every take repeatable
        with torch.random.fork_rng(devices=[] if self.device == "cpu" else [self.device]), torch.inference_mode():
            torch.manual_seed(choice.seed)
            wave = self.model(**inputs, speaker_id=speaker, speaking_rate=choice.speaking_rate).waveform
        return wave[0].float().cpu().numpy()


def _point_phonemizer_at_espeak() -> None:
    if "PHONEMIZER_ESPEAK_LIBRARY" in os.environ:
        return
    try:
        import espeakng_loader

        os.environ["PHONEMIZER_ESPEAK_LIBRARY"] = str(espeakng_loader.get_library_path())
        os.environ.setdefault("ESPEAK_DATA_PATH", str(espeakng_loader.get_data_path()))
    except (ImportError, AttributeError):
        pass

"""Sound: offline speech, ambience beds, mixing and ducking."""

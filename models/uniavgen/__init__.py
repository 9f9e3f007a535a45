"""UniAVGen: a dual-branch (video + mel audio) diffusion transformer on Wan 2.2 TI2V-5B, ported as a shot renderer's model."""

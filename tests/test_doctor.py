from clirun import auteur


def test_doctor_finds_ffmpeg_speech_and_the_crew_on_a_cpu_machine(tmp_path):
    done = auteur("doctor", cache=tmp_path / "cache", extra_env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line.split("│")[1].strip(): line for line in done.stdout.splitlines() if line.count("│") >= 3}
    for component in ("ffmpeg", "speech (espeak-ng)", "torch", "langgraph", "roles"):
        assert "ok" in rows[component], rows.get(component)
    assert "director" in rows["roles"] and "storyboard" in rows["roles"]


def test_doctor_says_which_memory_and_speed_features_are_available():
    from auteur.pipeline.doctor import checks

    rows = {name: (good, detail) for name, good, detail in checks()}
    for feature in ("offload: model / group / sequential", "VAE tiling", "attention: sdpa", "attention: flash",
                    "attention: xformers", "step cache (first-block, taylorseer, pyramid)", "torch.compile", "FP8 weights"):
        assert f"optional: {feature}" in rows
    assert rows["optional: attention: sdpa"][0] and rows["optional: step cache (first-block, taylorseer, pyramid)"][0]
    from auteur.models.gpu.memory import fp8_supported

    assert rows["optional: FP8 weights"][0] == fp8_supported()
    assert "Lightricks/LTX-2" in rows["optional: ltx2 model"][1]

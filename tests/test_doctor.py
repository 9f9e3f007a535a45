from clirun import auteur


def test_doctor_finds_ffmpeg_speech_and_the_crew_on_a_cpu_machine(tmp_path):
    done = auteur("doctor", cache=tmp_path / "cache", extra_env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line.split("│")[1].strip(): line for line in done.stdout.splitlines() if line.count("│") >= 3}
    for component in ("ffmpeg", "speech (espeak-ng)", "torch", "langgraph", "roles"):
        assert "ok" in rows[component], rows.get(component)
    assert "director" in rows["roles"] and "storyboard" in rows["roles"]

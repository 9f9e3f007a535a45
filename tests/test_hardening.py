"""Issue 12: the inputs and faults that broke a run, one regression test (or more) per numbered item.

Tests that need a finished film share one tiny film (tests/tiny.toml, two shots) made once per module;
its --out path holds rich markup, which is item 1's third case.
"""

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auteur.core.errors import InputError
from auteur.core.jsonload import loads
from auteur.core.schema import MAX_SHOTS, Film
from auteur.pipeline.cache import Cache
from auteur.pipeline.console import safe
from auteur.pipeline.inputs import FilmInput, read_input
from auteur.pipeline.runs import RunDir
from auteur.tools.editing.ffmpeg import probe
from clirun import auteur
from conftest import PREMISE
from test_schema import planned_film

TINY = str(Path(__file__).with_name("tiny.toml"))
SHOTS = "2"


def one_line_error(done, match: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert match in lines[0], lines[0]
    return lines[0]


def script_file(tmp_path: Path, data, name="script.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the shared tiny film


@pytest.fixture(scope="module")
def films(tmp_path_factory):
    return tmp_path_factory.mktemp("films")


@pytest.fixture(scope="module")
def made(films):
    """One finished tiny film, made in a directory whose path is rich markup (`[/]` makes it two folders deep)."""
    out = films / "run [/] [bold]x"
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", SHOTS, "--out", str(out), cache=films / "cache")
    assert done.returncode == 0, done.stderr
    return out, done


@pytest.fixture(scope="module")
def film_cache(films, made) -> Path:
    return films / "cache"


# ---------------------------------------------------------------- 1. user text printed as markup


def test_1_safe_escapes_markup_and_shows_control_characters():
    assert safe("[/]") == "\\[/]"
    assert "\x1b" not in safe("a\x1b[2Jb\x00c\x9b") and "\x00" not in safe("a\x00")
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(f"[bold]x[/] {safe('[bold]kept[/bold] [/] ' + chr(27))}")
    assert console.export_text().strip() == "x [bold]kept[/bold] [/] \\x1b"


def test_1_a_source_named_with_markup_is_a_one_line_error(tmp_path):
    line = one_line_error(auteur("make", "[/].json", cwd=tmp_path), "script file [/].json does not exist")
    assert line == "error: script file [/].json does not exist"


def test_1_an_out_with_markup_is_named_literally(tmp_path):
    (tmp_path / "f[").write_text("")  # so that --out f[/] cannot be made
    one_line_error(auteur("make", "A fox finds a key", "--out", "f[/]", cwd=tmp_path),
                   "cannot write to --out f[/]: Not a directory")
    (tmp_path / "[bold]x").write_text("")
    one_line_error(auteur("make", "A fox finds a key", "--out", "[bold]x", cwd=tmp_path),
                   "--out [bold]x is a file, not a directory")


def test_1_escape_sequences_and_nul_from_a_script_never_reach_the_terminal(tmp_path):
    data = json.loads(planned_film().to_json())
    data["scenes"][0]["shots"][0]["id"] = "x\x1b[2J\x1b]0;pwned\x07\x00"
    done = auteur("make", str(script_file(tmp_path, data)), cwd=tmp_path)
    line = one_line_error(done, "field id")
    assert not any(ch in done.stderr + done.stdout for ch in "\x1b\x00\x07")
    assert "\\x1b" in line


def test_1_a_finished_film_whose_path_holds_markup_is_reported_literally(made):
    out, done = made
    assert done.stdout.splitlines()[0] == f"film: {out / 'film.mp4'}"
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- 2. wrong types, deep nesting


@pytest.mark.parametrize("field, value", [("characters", 123), ("locations", True), ("scenes", 4.5),
                                          ("scenes", [7]), ("characters", [None]), ("treatment", [])])
def test_2_a_top_level_field_of_the_wrong_type_names_the_field(tmp_path, field, value):
    data = json.loads(planned_film().to_json())
    data[field] = value
    with pytest.raises(InputError, match=rf"field {field}|{field[:-1]} #1"):
        read_input(str(script_file(tmp_path, data)))


def test_2_a_wrong_type_through_the_command_line_is_one_line_and_writes_nothing(tmp_path):
    data = json.loads(planned_film().to_json())
    data["characters"] = 123
    done = auteur("make", str(script_file(tmp_path, data)), "--out", str(tmp_path / "run"), cwd=tmp_path)
    one_line_error(done, "field characters: Input should be a valid list")
    assert not (tmp_path / "run").exists()


def test_2_json_nested_3000_deep_is_refused_before_parsing(tmp_path):
    path = script_file(tmp_path, "[" * 3000 + "]" * 3000)
    with pytest.raises(InputError, match="nests 3000 levels deep"):
        read_input(str(path))
    one_line_error(auteur("make", str(path), cwd=tmp_path), "nests 3000 levels deep")


def test_2_brackets_inside_strings_do_not_count_as_nesting():
    assert loads('{"a": "[[[[[[[[", "b": [[1]]}', "x.json") == {"a": "[[[[[[[[", "b": [[1]]}


# ---------------------------------------------------------------- 3. the lock before the first write


def test_3_the_loser_of_two_makes_on_one_out_writes_nothing(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # the winner, still planning
    try:
        done = auteur("make", "A fox finds a key", "--profile", TINY, "--out", str(out), cwd=tmp_path)
    finally:
        os.close(fd)
    one_line_error(done, "is in use by another auteur process")
    assert sorted(p.name for p in out.iterdir()) == [".lock"]


def test_3_create_holds_the_lock_until_released(tmp_path):
    run = RunDir.create(tmp_path / "run", "x")
    try:
        with pytest.raises(Exception, match="in use by another auteur process"):
            RunDir.create(tmp_path / "run", "x")
    finally:
        run.release()
    with pytest.raises(InputError, match="not empty"):
        RunDir.create(tmp_path / "run", "x").release()


# ---------------------------------------------------------------- 4. damaged cache entries, hard links


def scores(run: Path) -> dict:
    data = json.loads((run / "eval.json").read_text())
    assert data.pop("source") == str(run)
    return data


def entries(cache: Path, kind: str, suffix: str) -> list[Path]:
    return sorted((cache / kind).rglob(f"*{suffix}"))


def test_4_run_files_are_copies_not_hard_links(made, film_cache):
    out, _ = made
    for clip in (out / "shots").glob("*.mp4"):
        assert clip.stat().st_nlink == 1
    cached = entries(film_cache, "clips", ".mp4")
    before = [c.read_bytes() for c in cached]
    for clip in (out / "shots").glob("*.mp4"):
        kept = clip.read_bytes()
        clip.write_bytes(b"edited")
        assert [c.read_bytes() for c in cached] == before
        clip.write_bytes(kept)


@pytest.mark.slow
def test_4_a_truncated_cached_clip_and_image_are_made_again_with_a_warning(made, film_cache, tmp_path):
    out, _ = made
    cache = tmp_path / "cache"
    shutil.copytree(film_cache, cache)
    clip, image = entries(cache, "clips", ".mp4")[0], entries(cache, "images", ".png")[-1]
    clip.write_bytes(clip.read_bytes()[: clip.stat().st_size * 2 // 3])
    image.write_bytes(image.read_bytes()[:200])
    again = tmp_path / "again"
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", SHOTS, "--out", str(again), cache=cache)
    assert done.returncode == 0, done.stderr
    warnings = [ln for ln in done.stderr.splitlines() if ln.startswith("warning: cache entry")]
    assert sorted(w.split()[3] for w in warnings) == sorted([str(clip), str(image)]), done.stderr
    assert abs(probe(again / "film.mp4").duration - probe(out / "film.mp4").duration) < 0.05
    assert scores(again) == scores(out)
    assert Cache(cache).verified(clip) and Cache(cache).verified(image)


# ---------------------------------------------------------------- 5. a read-only cache


def unwritable_cache(tmp_path: Path, how: str) -> Path:
    if how == "procfs":
        return Path("/proc/self")  # a directory no one, root included, can create files in
    if os.geteuid() == 0:
        pytest.skip("root writes into a 0555 directory; the procfs case covers root")
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o555)
    return cache


@pytest.mark.parametrize("how", ["chmod", "procfs"])
def test_5_a_cache_that_cannot_be_written_fails_before_the_run_directory_exists(tmp_path, how):
    cache = unwritable_cache(tmp_path, how)
    done = auteur("make", "A fox finds a key", "--profile", TINY, "--out", str(tmp_path / "run"), cwd=tmp_path,
                  cache=cache)
    one_line_error(done, f"cannot use the cache directory {cache}")
    assert not (tmp_path / "run").exists()


# ---------------------------------------------------------------- 6. resume confines image paths


@pytest.mark.parametrize("path", ["/etc/hosts", "../../../secret.png", "shots/../../x.png", "./x.png", "a\\..\\b"])
def test_6_the_schema_refuses_image_paths_that_leave_the_run(path):
    data = json.loads(planned_film().to_json())
    data["characters"][0]["reference_image"] = path
    with pytest.raises(Exception, match="must be relative to the run directory"):
        Film.model_validate(data)
    data["characters"][0]["reference_image"] = "characters/char1.png"
    assert Film.model_validate(data).characters[0].reference_image == "characters/char1.png"


def test_6_a_symlink_out_of_the_run_is_not_a_file_of_the_run(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    (tmp_path / "run" / "characters").mkdir(parents=True)
    (tmp_path / "run" / "characters" / "char1.png").symlink_to(secret)
    assert not RunDir(tmp_path / "run").holds("characters/char1.png")


def test_6_resume_of_a_run_whose_input_names_foreign_images_reads_none_of_them(made, film_cache, tmp_path):
    out, _ = made
    run = tmp_path / "run"
    shutil.copytree(out, run)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the report")
    data = json.loads((run / "input.json").read_text())
    data["film"]["characters"] = json.loads((run / "script.json").read_text())["characters"]
    data["film"]["characters"][0]["reference_image"] = str(secret)
    (run / "input.json").write_text(json.dumps(data))
    before = (run / "report.html").read_bytes()
    os.utime(secret, (0, 0))
    done = auteur("resume", str(run), cache=film_cache)
    one_line_error(done, "field reference_image: image path")
    assert secret.stat().st_atime == 0  # never opened
    assert (run / "report.html").read_bytes() == before
    with pytest.raises(InputError, match="must be relative to the run directory"):
        FilmInput.from_json((run / "input.json").read_text())


# ---------------------------------------------------------------- 7. options and profile checked first


@pytest.mark.parametrize("args, match", [
    (["--shots", "0"], "--shots 0: a film has 1 to 400 shots"),
    (["--shots", "401"], "--shots 401: a film has 1 to 400 shots"),
    (["--minutes", "nan"], "--minutes nan: give a running time"),
    (["--minutes", "inf"], "--minutes inf: give a running time"),
    (["--workers", "0"], "--workers 0: render 1 to 64 shots at once"),
    (["--out", ""], "--out is empty"),
    (["--shots", "x"], "Invalid value for '--shots'"),
    (["--no-such-option"], "No such option: --no-such-option"),
])
def test_7_a_bad_option_is_one_line_and_writes_nothing(tmp_path, args, match):
    one_line_error(auteur("make", "A fox finds a key", *args, cwd=tmp_path, cache=tmp_path / "cache"), match)
    assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == []


def test_7_a_bad_assembly_preset_fails_before_the_run_directory_exists(tmp_path):
    profile = tmp_path / "mine.toml"
    profile.write_text(Path(TINY).read_text().replace('preset = "ultrafast"\n', 'preset = "warp"\n'))
    assert 'preset = "warp"' in profile.read_text().split("[assembly]")[1]
    done = auteur("make", "A fox finds a key", "--profile", str(profile), "--out", str(tmp_path / "run"), cwd=tmp_path)
    one_line_error(done, "assembly.preset")
    assert not (tmp_path / "run").exists()


# ---------------------------------------------------------------- 8. script size


def test_8_a_ten_thousand_shot_script_is_refused_with_the_limit(tmp_path):
    data = json.loads(planned_film().to_json())
    scene = data["scenes"][0]
    scene["shots"] = [{"id": f"s{k}", "shot_type": "wide", "visual_prompt": "sea", "duration": 2} for k in range(10_000)]
    path = script_file(tmp_path, data)
    started = time.perf_counter()
    with pytest.raises(InputError, match=rf"\d+ shots; a film has at most {MAX_SHOTS} shots"):
        read_input(str(path))
    assert time.perf_counter() - started < 10
    done = auteur("make", str(path), "--out", str(tmp_path / "run"), cwd=tmp_path)
    one_line_error(done, f"a film has at most {MAX_SHOTS} shots")
    assert not (tmp_path / "run").exists()


# ---------------------------------------------------------------- 9. children, .part and .work


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's reaping is left


def children(parent: int, marker: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == parent and marker in (proc / "cmdline").read_text():
                found.append(int(proc.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_9_an_ffmpeg_child_dies_when_auteur_is_killed():
    # ten minutes of silence at real-time speed: an ffmpeg that needs nothing from its parent, so
    # only the death signal can end it early (a closed pipe would not)
    code = ("from auteur.tools.editing.ffmpeg import run_ffmpeg\n"
            "run_ffmpeg(['-re', '-f', 'lavfi', '-i', 'anullsrc=r=8000', '-t', '600', '-f', 'null', '-'])\n")
    parent = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.time() + 60
    while not children(parent.pid, "anullsrc") and time.time() < deadline:
        time.sleep(0.05)
    [child] = children(parent.pid, "anullsrc")
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 10
    while alive(child) and time.time() < deadline:
        time.sleep(0.05)
    assert not alive(child), "ffmpeg outlived the auteur that started it"


def test_9_a_finished_run_leaves_no_work_folder_and_no_part_files(made):
    out, _ = made
    assert not (out / ".work").exists()
    assert not list(out.rglob(".*.part*"))


@pytest.mark.slow
def test_9_resume_removes_part_files_a_killed_process_left(made, film_cache, tmp_path):
    out, _ = made
    run = tmp_path / "run"
    shutil.copytree(out, run)
    leftovers = [run / ".film.k3j4.part.mp4", run / "shots" / ".sc1-sh01.x1.part.json"]
    for f in leftovers:
        f.write_bytes(b"half")
    done = auteur("resume", str(run), cache=film_cache)
    assert done.returncode == 0, done.stderr
    assert not any(f.exists() for f in leftovers)


# ---------------------------------------------------------------- 10. CSP, safetensors


def test_10_the_report_forbids_everything_it_does_not_use(made):
    out, _ = made
    page = (out / "report.html").read_text()
    csp = page.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "'self' data:"
    assert directives["script-src"] == "'none'"


@pytest.fixture(scope="module")
def tiny_sentence_models(tmp_path_factory):
    """A tiny BERT in sentence-transformers' layout, once as safetensors and once as a pickle checkpoint."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("sentence")
    vocab = root / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "fox", "key", "storm"]) + "\n")
    config = BertConfig(vocab_size=9, hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16,
                        max_position_embeddings=32)
    model = BertModel(config)
    tokenizer = BertTokenizerFast(vocab_file=str(vocab))
    made = {}
    for name in ("safe", "pickled"):
        model.save_pretrained(root / name)
        tokenizer.save_pretrained(root / name)
        made[name] = root / name
    # the same weights as a pickle checkpoint, the format that can run code when it is loaded
    import torch
    from safetensors.torch import load_file

    torch.save(load_file(made["pickled"] / "model.safetensors"), made["pickled"] / "pytorch_model.bin")
    (made["pickled"] / "model.safetensors").unlink()
    assert (made["safe"] / "model.safetensors").is_file() and not list(made["pickled"].glob("*.safetensors"))
    return made


def test_10_the_sentence_model_loads_only_from_safetensors(tiny_sentence_models):
    from auteur.core.errors import AuteurError
    from auteur.tools.evaluation.semantic import embed, load_encoder

    vectors = embed(["a fox", "a storm"], load_encoder(str(tiny_sentence_models["safe"])))
    assert vectors.shape == (2, 8)
    with pytest.raises(AuteurError, match="cannot load sentence model"):
        load_encoder(str(tiny_sentence_models["pickled"]))


# ---------------------------------------------------------------- 11. a cached re-run


def summary(run: Path) -> dict:
    return json.loads((run / "run.json").read_text())["summary"]


def test_11_an_unchanged_re_run_replays_the_film_without_loading_langgraph_or_models(made, film_cache, tmp_path):
    out, _ = made
    again = tmp_path / "again"
    code = ("import sys; from auteur.pipeline.cli import main\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "heavy = sorted(m for m in ('langgraph', 'torch', 'transformers', 'sentence_transformers') if m in sys.modules)\n"
            "print('heavy:', ','.join(heavy))\nsys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", code, "make", PREMISE, "--profile", TINY, "--shots", SHOTS, "--out",
                           str(again)], capture_output=True, text=True,
                          env={**os.environ, "AUTEUR_CACHE_DIR": str(film_cache)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "heavy:"
    assert summary(again)["replayed"] and summary(again)["shots_rendered"] == 0
    for name in ("film.mp4", "film.srt", "script.json", "storyboard.png", "report.html"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    assert scores(again) == scores(out)
    assert not list(again.rglob("*.part*"))


@pytest.mark.slow
def test_11_a_change_to_the_cards_re_assembles_but_reuses_clips_storyboard_and_scores(made, film_cache, tmp_path):
    out, _ = made
    cache = tmp_path / "cache"
    shutil.copytree(film_cache, cache)
    profile = tmp_path / "tiny.toml"
    profile.write_text(Path(TINY).read_text().replace("title_card_s = 0.5", "title_card_s = 1.0"))
    changed = tmp_path / "changed"
    done = auteur("make", PREMISE, "--profile", str(profile), "--shots", SHOTS, "--out", str(changed), cache=cache)
    assert done.returncode == 0, done.stderr
    assert "replayed" not in summary(changed)
    assert summary(changed)["shots_rendered"] == 0 and summary(changed)["images_drawn"] == 0
    assert probe(changed / "film.mp4").duration == pytest.approx(probe(out / "film.mp4").duration + 0.5, abs=0.05)
    assert (changed / "storyboard.png").read_bytes() == (out / "storyboard.png").read_bytes()
    assert len(entries(cache, "boards", ".png")) == 1 and len(entries(cache, "scores", ".json")) == 1
    assert len(entries(cache, "films", ".mp4")) == 2


# ---------------------------------------------------------------- issue 23: the items that need the finished film


def test_r3_8_a_malformed_ray_address_is_refused_even_when_the_film_is_cached(made, film_cache, tmp_path):
    out = tmp_path / "again"
    done = auteur("make", PREMISE, "--profile", TINY, "--shots", SHOTS, "--executor", "ray:[/]", "--out", str(out),
                  cache=film_cache)
    one_line_error(done, "Ray address '[/]' is not HOST:PORT")
    assert not out.exists()


def test_r3_11_a_full_disk_during_a_cached_replay_is_the_disk_full_line(made, film_cache, tmp_path, monkeypatch):
    import errno

    from auteur.core.errors import DiskFull
    from auteur.pipeline import cache as cache_module
    from auteur.pipeline.config import load_profile
    from auteur.pipeline.run import make

    def full(src, dest):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_module, "_clone_or_copy", full)  # every copy out of the cache meets a full disk
    out = tmp_path / "again"
    with pytest.raises(DiskFull, match=rf"no space left on the device holding {out} .* `auteur resume {out}`"):
        make(read_input(PREMISE), load_profile(TINY), target_shots=int(SHOTS), out=out, cache_dir=film_cache)
    assert json.loads((out / "run.json").read_text())["status"] == "failed"


def test_r3_13_resume_after_the_film_was_deleted_makes_the_same_film_again(made, film_cache, tmp_path):
    from auteur.pipeline.run import resume

    out, _ = made
    run = tmp_path / "run"
    shutil.copytree(out, run)
    (run / "film.mp4").unlink()
    result = resume(run, cache_dir=film_cache)
    assert result.run.film == run / "film.mp4"
    assert (run / "film.mp4").read_bytes() == (out / "film.mp4").read_bytes()
    assert "the finished film is missing; assembling it again" in (run / "run.log").read_text()

"""The GPU check's plan (two device calls, steps in the issue's order) and the device kit's manifest:
what is checked before anything unpacks, and what a device call unpacks and puts on its path."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import device_kit  # noqa: E402
import gpu_all  # noqa: E402
from gpu_plan import CALLS, KIND, STEPS, steps_of  # noqa: E402


# ---------------------------------------------------------------- the plan
def test_the_steps_run_in_the_issues_order_across_two_calls():
    order = [s.name for s in STEPS]
    first = ["ltx2_fast_shot_real", "mot_decode_7b", "mot_denoise_7b", "uniavgen_shot_real", "wan_shot_real",
             "studio_film", "mot_train_7b_lora"]
    assert [n for n in order if n in first] == first
    assert len(set(order)) == len(order)
    assert sorted(CALLS) == [1, 2] and {s.call for s in STEPS} == {1, 2}
    assert [s.call for s in STEPS] == sorted(s.call for s in STEPS)  # call 1's steps all come first
    assert KIND == "nvidia-h200"  # LTX-2 at 768x512x121 peaked at 81 GiB, over an H100


def test_each_call_fits_nine_minutes_and_its_budget_leaves_room_to_unpack_and_report():
    for n, call in CALLS.items():
        assert call["timeout_s"] <= 540 and call["budget"] <= call["timeout_s"] - 30
    # the first call's steps fit its budget whole: it holds the figures that matter most
    assert sum(s.seconds for s in steps_of(1)) <= CALLS[1]["budget"]


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_every_step_names_a_script_and_options_that_exist(step):
    for args in (step.gpu, step.tiny):
        script = ROOT / args[0]
        assert script.is_file(), args[0]
        source = script.read_text()
        for option in (a for a in args[1:] if a.startswith("--")):
            assert re.search(rf"[\"']{re.escape(option)}[\"']", source), f"{args[0]} has no option {option}"
        assert "{json}" in args  # every step writes its figures where the call collects them


def test_only_refuses_a_step_that_does_not_exist():
    assert [s.name for s in steps_of(only="film_budget,mot_decode_7b")] == ["mot_decode_7b", "film_budget"]
    with pytest.raises(SystemExit, match="no step named mot_decode_8b"):
        steps_of(only="mot_decode_8b")


# ---------------------------------------------------------------- the kit
def _wheel(folder: Path, name: str, version: str) -> Path:
    path = folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{name.replace('-', '_')}/__init__.py", f"VERSION = {version!r}\n")
    return path


@pytest.fixture
def kit(tmp_path):
    """A small kit laid by the real functions: two fake wheels, a site folder, a stand-in ffmpeg."""
    wheels_dir, site = tmp_path / "wheels", tmp_path / "staged"
    wheels_dir.mkdir()
    (site / "fakepkg").mkdir(parents=True)
    (site / "fakepkg" / "__init__.py").write_text("VALUE = 42\n")
    wheels = []
    for name, version in (("fakepkg", "1.0"), ("helper", "2.1")):
        path = _wheel(wheels_dir, name, version)
        wheels.append(device_kit.Wheel(name, version, path.name, path.stat().st_size, device_kit.sha256(path)))
    out = tmp_path / "kit"
    out.mkdir()
    device_kit.tar_folder(site, out / "site.tar.xz")
    ffmpeg = tmp_path / "ffmpeg"
    ffmpeg.write_text("#!/bin/sh\necho 'ffmpeg version stand-in'\n")
    device_kit.xz(ffmpeg, out / "ffmpeg.xz")
    image = {device_kit.canonical(n.split("==")[0]): "1" for n in device_kit.NEEDS}  # the steps' needs: met
    data = device_kit.manifest(wheels, image, {"site": out / "site.tar.xz", "ffmpeg": out / "ffmpeg.xz"}, "stand-in")
    (out / "manifest.json").write_text(json.dumps(data))
    return out, data


def test_a_kit_matching_its_manifest_unpacks_its_packages_and_ffmpeg(kit, tmp_path):
    out, data = kit
    assert device_kit.check_manifest(data, out) == []
    assert [w["file"] for w in data["wheels"]] == ["fakepkg-1.0-py3-none-any.whl", "helper-2.1-py3-none-any.whl"]
    env = gpu_all.environment(tmp_path / "scratch", out)
    ran = subprocess.run([sys.executable, "-c", "import fakepkg, auteur.core.schema; print(fakepkg.VALUE)"],
                         env=env, capture_output=True, text=True, cwd="/")
    assert ran.stdout.strip() == "42", ran.stderr
    ffmpeg = subprocess.run([env["AUTEUR_FFMPEG"]], capture_output=True, text=True)
    assert ffmpeg.stdout.strip() == "ffmpeg version stand-in"


def test_an_altered_or_missing_archive_is_refused_before_anything_unpacks(kit, tmp_path):
    out, data = kit
    blob = bytearray((out / "ffmpeg.xz").read_bytes())
    blob[-20] ^= 0xFF
    (out / "ffmpeg.xz").write_bytes(bytes(blob))
    (out / "site.tar.xz").unlink()
    assert device_kit.check_manifest(data, out) == [
        "site: site.tar.xz is missing", "ffmpeg: ffmpeg.xz differs from the manifest (repack with --pack)"]
    with pytest.raises(SystemExit, match="the device kit is damaged: site: site.tar.xz is missing"):
        device_kit.unpack(out, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_a_manifest_carrying_twice_what_the_image_has_or_missing_a_need_is_inconsistent(kit):
    out, data = kit
    data = json.loads(json.dumps(data))
    data["wheels"].append(dict(data["wheels"][0]))
    data["wheels"].append({"name": "torch", "version": "2.11.0", "file": "torch.whl", "size": 1, "sha256": "0"})
    data["image"]["torch"] = "2.11.0"
    del data["image"]["xgrammar"]
    assert device_kit.check_manifest(data, out) == [
        "fakepkg: carried twice", "torch: the image has it already",
        "xgrammar: needed by the steps but neither carried nor in the image"]


def test_the_packed_kit_here_matches_its_manifest_and_travels_within_64_mib():
    """The real .device/ when this checkout has packed one (the fake kit above tests the same logic always)."""
    kit = ROOT / ".device"
    if not (kit / "manifest.json").is_file():
        pytest.skip("no .device/ packed in this checkout (python benchmarks/gpu_all.py --pack)")
    data = json.loads((kit / "manifest.json").read_text())
    assert device_kit.check_manifest(data, kit) == []
    assert sum(p.stat().st_size for p in kit.iterdir()) + device_kit.tree_size() <= device_kit.LIMIT
    carried = {device_kit.canonical(w["name"]) for w in data["wheels"]}
    assert {"diffusers", "pydantic", "xgrammar", "ftfy", "torchsde", "langgraph"} <= carried
    assert not carried & set(data["image"])


def test_a_call_unpacks_the_kit_runs_its_steps_and_writes_one_json_and_one_log(kit, tmp_path, monkeypatch):
    out, _ = kit
    monkeypatch.delenv("OUT", raising=False)
    results = tmp_path / "results"
    rc = gpu_all.main(["--only", "film_budget", "--tiny", "--kit", str(out), "--scratch", str(tmp_path / "scratch"),
                       "--out", str(results)])
    report = json.loads((results / "steps.json").read_text())
    assert rc == 0 and report["failed"] == [] and sorted(p.name for p in results.iterdir()) == ["steps.json", "steps.log"]
    (step,) = report["steps"]
    assert step["step"] == "film_budget" and step["exit"] == 0 and step["figures"]  # the step's own figures, collected
    assert "===== film_budget: exit 0" in (results / "steps.log").read_text()


# ---------------------------------------------------------------- what the film path imports there

# Run in a fresh interpreter: only the lent image's packages, the kit's, their dependencies and the standard
# library can be imported; then the modules a studio film loads at start are imported.
_BLOCKED_IMPORTS = r'''
import importlib.abc, importlib.metadata as md, json, sys
from packaging.requirements import Requirement
image, absent, kit = json.loads(sys.argv[1]), set(json.loads(sys.argv[2])), json.loads(sys.argv[3])
canon = lambda n: n.lower().replace("_", "-").replace(".", "-")
# the image's distributions (less what is absent there), the kit's, and what each needs, as installed here
dists, todo = set(), [(canon(r), True) for r in image] + [(canon(r), False) for r in kit]
while todo:
    name, in_image = todo.pop()
    if name in dists or in_image and name in absent:
        continue
    dists.add(name)
    try:
        requires = md.requires(name) or []
    except md.PackageNotFoundError:
        continue
    for line in requires:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            todo.append((canon(req.name), in_image))
allowed = {m for m, ds in md.packages_distributions().items() if any(canon(d) in dists for d in ds)}
allowed |= set(sys.stdlib_module_names) | {"auteur", "_distutils_hack", "__main__"}

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top not in allowed and not top.startswith("_"):
            raise ModuleNotFoundError(f"{top} is neither in the lent image nor in the kit", name=top)
        return None

sys.meta_path.insert(0, Blocker())
for module in sys.argv[4:]:
    importlib.import_module(module)
print("ok")
'''


def test_what_a_studio_film_imports_at_start_is_in_the_image_or_the_kit():
    # a package imported at a module's top is needed wherever that module loads: langcodes (the subtitle tag)
    # was imported by the assembler and is in neither the lent image nor the kit
    image = [r.split("==")[0] for r in device_kit.IMAGE]
    kit = [n.split("==")[0] for n in device_kit.NEEDS]
    modules = ["auteur.pipeline.cli", "auteur.pipeline.run", "auteur.pipeline.assembly", "auteur.pipeline.crew",
               "auteur.tools.editing.assemble", "auteur.tools.evaluation.score", "auteur.models.ltx2_renderer",
               "auteur.models.wan_renderer", "auteur.models.uniavgen", "auteur.models.mot.director",
               "auteur.models.gpu.shot"]
    done = subprocess.run([sys.executable, "-c", _BLOCKED_IMPORTS, json.dumps(image), json.dumps(device_kit.ABSENT),
                           json.dumps(kit),
                           *modules], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]

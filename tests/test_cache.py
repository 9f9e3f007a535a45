"""The artifact cache: keys that change with every input and with nothing else, entries made once."""

import hashlib
import os
import time
from pathlib import PurePosixPath

import pytest

from auteur.core.atomic import atomic_path, scratch_dir
from auteur.core.errors import InputError
from auteur.pipeline.cache import CACHE_VERSION, Cache, default_cache_dir, place

PARTS = ("clip", {"b": 1, "a": [2.5, None]}, "é", PurePosixPath("shots/x.png"), 7)


def test_a_key_is_pinned_so_no_refactor_silently_invalidates_or_aliases_every_cache():
    # a deliberate change of the key's recipe bumps CACHE_VERSION (and this digest) in the same commit
    assert CACHE_VERSION == 1
    assert Cache.key(*PARTS) == "b3609c4a3be4eeaba4b3f4f31f5576c7f8e7e75aa17b40f169323b2b57120e98"


def test_a_key_changes_with_every_part_and_their_order():
    base = Cache.key(*PARTS)
    for k in range(len(PARTS)):
        changed = list(PARTS)
        changed[k] = [changed[k]]
        assert Cache.key(*changed) != base, f"part {k} does not reach the key"
    assert Cache.key(*reversed(PARTS)) != base
    assert Cache.key("clip", 1.0) != Cache.key("clip", "1.0")


def test_a_key_ignores_the_order_of_a_dicts_entries():
    assert Cache.key({"a": 1, "b": 2}) == Cache.key({"b": 2, "a": 1})


def test_a_key_is_the_same_asked_of_the_class_or_of_a_cache(tmp_path):
    assert Cache(tmp_path).key(*PARTS) == Cache.key(*PARTS)


def test_a_file_digest_is_the_sha256_of_all_its_bytes(tmp_path):
    path = tmp_path / "clip.mp4"
    data = os.urandom((1 << 20) * 2 + 5)  # more than one read block, and a partial last one
    path.write_bytes(data)
    assert Cache.file_digest(path) == hashlib.sha256(data).hexdigest()
    assert Cache(tmp_path / "cache").file_digest(path) == hashlib.sha256(data).hexdigest()
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert Cache.file_digest(path) != hashlib.sha256(data).hexdigest()


def test_entries_live_under_their_kind_and_the_keys_first_two_hex_digits(tmp_path):
    key = Cache.key(*PARTS)
    assert Cache(tmp_path).path("clips", key, ".mp4") == tmp_path / "clips" / key[:2] / f"{key}.mp4"


def test_an_entry_is_made_once_then_placed_from_the_cache(tmp_path):
    cache, made = Cache(tmp_path / "cache"), []

    def make(path):
        made.append(path)
        path.write_bytes(b"clip bytes")

    key = Cache.key("clip", 1)
    assert cache.materialize("clips", key, ".mp4", tmp_path / "run" / "a.mp4", make) is False
    assert cache.materialize("clips", key, ".mp4", tmp_path / "run" / "b.mp4", make) is True
    assert len(made) == 1 and made[0] != cache.path("clips", key, ".mp4")  # made aside, then renamed in
    assert (tmp_path / "run" / "a.mp4").read_bytes() == (tmp_path / "run" / "b.mp4").read_bytes() == b"clip bytes"
    assert cache.path("clips", key, ".mp4").read_bytes() == b"clip bytes"


def test_placing_makes_the_folders_it_needs(tmp_path):
    src, dest = tmp_path / "entry", tmp_path / "a" / "b" / "c" / "clip.mp4"
    src.write_bytes(b"bytes")
    place(src, dest)
    assert dest.read_bytes() == b"bytes"


def test_placing_replaces_what_was_there(tmp_path):
    src, dest = tmp_path / "entry", tmp_path / "deep" / "run" / "clip.mp4"
    src.write_bytes(b"new")
    dest.parent.mkdir(parents=True)
    dest.write_bytes(b"old")
    place(src, dest)
    assert dest.read_bytes() == b"new" and list(dest.parent.iterdir()) == [dest]  # no temporary left behind


def test_the_cache_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTEUR_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine" and Cache().root == tmp_path / "mine"
    monkeypatch.delenv("AUTEUR_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "auteur"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "auteur"
    assert Cache().root.is_dir()  # made, with every missing parent


def test_an_unusable_cache_folder_is_one_line_naming_it(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError) as err:
        Cache(blocker / "sub")
    assert str(err.value) == (f"cannot use the cache directory {blocker / 'sub'}: Not a directory "
                              f"(set AUTEUR_CACHE_DIR to a writable folder)")
    assert not list(blocker.parent.glob(".write-test.*"))


# ---------------------------------------------------------------- entries checked on every read


def made_entry(cache: Cache, data: bytes = b"clip bytes"):
    entry = cache.path("clips", Cache.key("clip", data.hex()), ".mp4")
    cache.materialize("clips", Cache.key("clip", data.hex()), ".mp4", cache.root / "first.mp4",
                      lambda path: path.write_bytes(data))
    return entry


def test_a_made_entry_records_the_sha256_of_its_bytes_beside_it(tmp_path):
    entry = made_entry(Cache(tmp_path))
    sidecar = entry.with_name(entry.name + ".sha256")
    assert sidecar.read_text() == hashlib.sha256(b"clip bytes").hexdigest() + "\n"
    assert Cache(tmp_path).recorded_digest(entry) == hashlib.sha256(b"clip bytes").hexdigest()


def test_reuse_places_an_entry_whose_bytes_match_their_sha256(tmp_path):
    cache = Cache(tmp_path / "cache")
    entry = made_entry(cache)
    assert cache.reuse("clips", entry.stem, ".mp4", tmp_path / "run" / "a.mp4")
    assert (tmp_path / "run" / "a.mp4").read_bytes() == b"clip bytes" and not cache.warnings


def test_reuse_refuses_an_entry_edited_to_the_same_length_and_removes_it_with_a_warning(tmp_path):
    cache = Cache(tmp_path / "cache")
    entry = made_entry(cache)
    entry.write_bytes(b"clip BYTES")
    assert not cache.reuse("clips", entry.stem, ".mp4", tmp_path / "run" / "a.mp4")
    assert not (tmp_path / "run" / "a.mp4").exists()
    assert not entry.exists() and not entry.with_name(entry.name + ".sha256").exists()
    assert cache.warnings == [f"cache entry {entry} is damaged (its digest does not match the one recorded); "
                              f"making it again"]


def test_an_entry_without_its_recorded_sha256_is_not_complete(tmp_path):
    cache = Cache(tmp_path / "cache")
    entry = made_entry(cache)
    entry.with_name(entry.name + ".sha256").unlink()  # a writer killed between the entry and its digest
    assert not cache.verified(entry)
    assert not cache.reuse("clips", entry.stem, ".mp4", tmp_path / "run" / "a.mp4")
    made = []
    assert not cache.materialize("clips", entry.stem, ".mp4", tmp_path / "run" / "b.mp4",
                                 lambda path: made.append(path.write_bytes(b"clip bytes")))
    assert made and cache.verified(entry)  # made again, and now recorded


def test_a_missing_entry_is_neither_verified_nor_reused(tmp_path):
    cache = Cache(tmp_path / "cache")
    entry = cache.path("clips", Cache.key("nothing"), ".mp4")
    assert not cache.verified(entry) and not cache.reuse("clips", entry.stem, ".mp4", tmp_path / "a.mp4")
    assert not cache.warnings


def test_an_entry_whose_file_is_gone_is_not_verified_and_not_called_damaged(tmp_path):
    cache = Cache(tmp_path / "cache")
    entry = made_entry(cache)
    entry.unlink()  # its digest is left
    assert cache.verified(entry) is False and not cache.warnings


def test_an_entry_whose_recorded_digest_is_not_text_is_damaged(tmp_path, caplog):
    cache = Cache(tmp_path / "cache")
    entry = made_entry(cache)
    entry.with_name(entry.name + ".sha256").write_bytes(b"\xff\xfe")
    with caplog.at_level("WARNING", logger="auteur"):
        assert cache.verified(entry) is False
    assert not entry.exists() and cache.recorded_digest(entry) is None
    assert [r.getMessage() for r in caplog.records] == cache.warnings and len(cache.warnings) == 1


def test_placing_an_entry_remembers_which_entry_the_runs_file_is_a_copy_of(tmp_path):
    cache = Cache(tmp_path / "cache")
    entry = made_entry(cache)
    cache.put(entry, tmp_path / "run" / "shots" / "a.mp4")
    assert cache.placed[(tmp_path / "run" / "shots" / "a.mp4").resolve()] == entry


def test_the_reflink_request_is_linux_ficlone():
    from auteur.pipeline.cache import FICLONE

    # _IOW(0x94, 9, int): direction write (1) << 30 | sizeof(int) << 16 | type 0x94 << 8 | number 9
    assert FICLONE == (1 << 30) | (4 << 16) | (0x94 << 8) | 9


def test_keeping_a_file_made_elsewhere_records_it_and_remembers_where_the_copy_came_from(tmp_path):
    cache = Cache(tmp_path / "cache")
    source = tmp_path / "run" / "film.mp4"
    source.parent.mkdir()
    source.write_bytes(b"a film")
    entry = cache.keep("films", "ab" * 32, ".mp4", source)
    assert entry == cache.path("films", "ab" * 32, ".mp4") and entry.read_bytes() == b"a film"
    assert cache.verified(entry) and cache.placed[source.resolve()] == entry


# ---------------------------------------------------------------- issue 23, item 9: what killed writers leave


def test_a_sweep_never_follows_a_link_out_of_the_cache(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    stale = elsewhere / ".film.a1.part.mp4"  # looks like a leftover, but is not the cache's
    stale.write_bytes(b"someone else's")
    old = time.time() - 60
    os.utime(stale, (old, old))
    cache = Cache(tmp_path / "cache")
    (cache.root / "clips").mkdir()
    (cache.root / "clips" / "ab").symlink_to(elsewhere, target_is_directory=True)
    assert cache.sweep() == 0 and stale.read_bytes() == b"someone else's"


def test_a_sweep_reaches_every_folder_of_the_cache(tmp_path, caplog):
    cache = Cache(tmp_path / "cache")
    deep = cache.root / "renderer" / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    stale = [cache.root / ".x.k1.part.json", deep / ".y.k2.part.wav"]
    old = time.time() - 60
    for path in stale:
        path.write_bytes(b"half")
        os.utime(path, (old, old))
    with caplog.at_level("INFO", logger="auteur"):
        assert cache.sweep() == 2
    assert not any(p.exists() for p in stale)
    assert [r.getMessage() for r in caplog.records] == ["removed 2 leftovers of killed writers from the cache"]


def test_a_folder_the_sweep_cannot_read_is_passed_over_and_the_rest_still_swept(tmp_path, monkeypatch):
    cache = Cache(tmp_path / "cache")
    (cache.root / "z-unreadable").mkdir()
    (cache.root / "clips").mkdir()
    stale = cache.root / "clips" / ".x.k1.part.mp4"
    stale.write_bytes(b"half")
    old = time.time() - 60
    os.utime(stale, (old, old))
    real = os.scandir

    def scandir(path):  # as root nothing is unreadable: a folder that vanished or was locked away meanwhile
        if os.path.basename(path) == "z-unreadable":
            raise PermissionError(13, "Permission denied", str(path))
        return iter(sorted(real(path), key=lambda e: e.name))  # so the unreadable folder is walked first

    monkeypatch.setattr(os, "scandir", scandir)
    assert cache.sweep() == 1 and not stale.exists()


def test_a_sweep_removes_what_dead_writers_left_and_keeps_what_live_ones_hold(tmp_path):
    cache = Cache(tmp_path / "cache")
    folder = cache.root / "clips" / "ab"
    folder.mkdir(parents=True)
    entry = folder / "abcd.mp4"
    entry.write_bytes(b"a finished clip")
    dead_part = folder / ".abcd.x1y2.part.mp4"
    dead_part.write_bytes(b"half a clip")
    dead_scratch = folder / ".draft-k3j4.scratch"
    dead_scratch.mkdir()
    (dead_scratch / "mix.wav").write_bytes(b"RIFF")
    voices = cache.root / "renderer" / "uniavgen-voices"  # three folders deep, as the shared voices are
    voices.mkdir(parents=True)
    dead_voice = voices / ".char1-ab.q7.part.wav"
    dead_voice.write_bytes(b"RIFF")
    young = folder / ".efgh.z9.part.mp4"
    young.write_bytes(b"just made")  # maybe a live writer's, between making it and locking it
    old = time.time() - 60
    for path in (dead_part, dead_scratch, dead_voice):
        os.utime(path, (old, old))
    with atomic_path(folder / "live.mp4") as live, scratch_dir(folder, "draft") as live_scratch:
        live.write_bytes(b"being written")
        os.utime(live, (old, old))
        os.utime(live_scratch, (old, old))
        assert cache.sweep() == 3
        assert live.is_file() and live_scratch.is_dir() and young.is_file()
    assert not dead_part.exists() and not dead_scratch.exists() and not dead_voice.exists()
    assert entry.read_bytes() == b"a finished clip" and (folder / "live.mp4").read_bytes() == b"being written"
    assert sorted(p.name for p in folder.iterdir()) == [".efgh.z9.part.mp4", "abcd.mp4", "live.mp4"]


# ---------------------------------------------------------------- the code's digest, part of every key


@pytest.fixture
def package(tmp_path, monkeypatch):
    root = tmp_path / "src" / "demo_pkg"
    (root / "__pycache__").mkdir(parents=True)
    for name, text in (("__init__.py", ""), ("a.py", "A = 1\n"), ("b.toml", "x = 1\n"), ("c.txt", "words\n"),
                       ("d.html", "<p>page</p>\n"), ("e.json", "{}\n"), ("__pycache__/a.py", "cached\n")):
        (root / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    return root


@pytest.mark.parametrize("name", ["a.py", "b.toml", "c.txt", "d.html"])
def test_the_code_digest_changes_with_each_source_templates_and_data_file(package, name):
    from auteur.pipeline.cache import code_digest

    before = code_digest("demo_pkg")
    (package / name).write_text((package / name).read_text() + " ")
    assert code_digest("demo_pkg") != before


@pytest.mark.parametrize("name", ["e.json", "__pycache__/a.py"])
def test_the_code_digest_ignores_other_files_and_bytecode_caches(package, name):
    from auteur.pipeline.cache import code_digest

    before = code_digest("demo_pkg")
    (package / name).write_text("changed\n")
    assert code_digest("demo_pkg") == before


def test_the_code_digest_of_a_module_is_its_file_and_of_nothing_is_the_empty_digest(package):
    from auteur.pipeline.cache import code_digest

    before = code_digest("demo_pkg.a")
    assert before != code_digest("demo_pkg") and before != hashlib.sha256(b"").hexdigest()
    (package / "a.py").write_text("A = 2\n")
    assert code_digest("demo_pkg.a") != before
    assert code_digest("no_such_package_here") == hashlib.sha256(b"").hexdigest()
    assert code_digest("no_such_package_here", "demo_pkg") == code_digest("demo_pkg")

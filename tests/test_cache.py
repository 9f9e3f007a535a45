"""The artifact cache: keys that change with every input and with nothing else, entries made once."""

import hashlib
import os
import re
from pathlib import PurePosixPath

import pytest

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
    expected = rf"cannot use the cache directory {re.escape(str(blocker / 'sub'))}: [^\n]+ " \
               r"\(set AUTEUR_CACHE_DIR to a writable folder\)"
    assert re.fullmatch(expected, str(err.value))

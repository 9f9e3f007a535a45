"""FFMETADATA chapters: the document's shape, its escaping, and a round trip through ffmpeg."""

from auteur.tools.editing.chapters import escape, ffmetadata
from auteur.tools.editing.ffmpeg import probe, run_ffmpeg

AWKWARD = "Scene ' : [ ] ; , %{ = # \\ 🎬"


def test_document_has_header_global_title_and_one_block_per_chapter():
    doc = ffmetadata("My Film", [(0.0, 2.5, "One"), (2.5, 6.0, "Two")])
    lines = doc.splitlines()
    assert lines[0] == ";FFMETADATA1"
    assert lines[1] == "title=My Film"
    assert doc.count("[CHAPTER]") == 2
    assert doc.count("TIMEBASE=1/1000") == 2
    assert "START=2500\nEND=6000\ntitle=Two" in doc


def test_specials_are_backslash_escaped():
    assert escape("a=b;c#d\\e\nf") == "a\\=b\\;c\\#d\\\\e\\\nf"
    assert escape("plain 🎬 [x] %{y}") == "plain 🎬 [x] %{y}"


def test_control_characters_other_than_newline_are_dropped():
    assert escape("a\rb\x00c") == "abc"


def test_end_is_never_before_start():
    assert "START=3000\nEND=3000" in ffmetadata("t", [(3.0, 1.0, "backwards")])


def test_titles_with_awkward_characters_round_trip_through_an_mp4(tmp_path):
    meta = tmp_path / "meta.txt"
    meta.write_text(ffmetadata("Film " + AWKWARD, [(0.0, 1.0, AWKWARD), (1.0, 2.0, "Two = 2")]), encoding="utf-8")
    out = tmp_path / "out.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=black:s=64x64:r=10:d=2", "-f", "ffmetadata", "-i", str(meta),
                "-map", "0:v", "-map_metadata", "1", "-map_chapters", "1", "-c:v", "libx264", str(out)])
    assert probe(out).chapters == [(0.0, 1.0, AWKWARD), (1.0, 2.0, "Two = 2")]
    dumped = run_ffmpeg(["-i", str(out), "-f", "ffmetadata", "-"]).stdout.decode("utf-8")
    assert "title=Film " + escape(AWKWARD) in dumped.splitlines()

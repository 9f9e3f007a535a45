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


def test_a_film_of_a_text_with_chapters_has_the_texts_chapters_spanning_their_scenes(tmp_path):
    from auteur.models.renderer import RenderedClip
    from auteur.tools.editing.assemble import ShotClip, _Piece, _chapters

    def piece(scene: str, chapter: str) -> _Piece:
        clip = ShotClip(clip=RenderedClip(path=tmp_path / f"{scene}.mp4", duration=2.0), scene_id=scene,
                        scene_title=f"{scene} title", chapter=chapter)
        return _Piece(scene, tmp_path / f"{scene}.seg.mp4", shot=clip)

    pieces = [piece("sc1", "The Map"), piece("sc2", "The Map"), piece("sc3", "The Barge")]
    assert _chapters(pieces, [0.0, 2.0, 4.0, 6.0]) == [(0.0, 4.0, "Chapter 1: The Map"), (4.0, 6.0, "Chapter 2: The Barge")]
    plain = [piece("sc1", ""), piece("sc2", "")]
    assert [name for _, _, name in _chapters(plain, [0.0, 2.0, 4.0])] == ["Scene 1: sc1 title", "Scene 2: sc2 title"]

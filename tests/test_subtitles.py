"""SRT writing and reading: timing format, numbering, wrapping, cleaning, round trips."""

from hypothesis import given, settings
from hypothesis import strategies as st

from auteur.tools.editing.subtitles import MAX_LINE, Cue, clean_text, literal_for_libass, parse_srt, timestamp, to_srt

AWKWARD = "It's \"odd\": [a] ; b, 100%{x} = #1 \\ back 🎬 שלום"


def _blocks(srt: str) -> list[list[str]]:
    return [b.split("\n") for b in srt.strip("\n").split("\n\n")]


def test_timestamps_are_hours_minutes_seconds_milliseconds():
    assert timestamp(0) == "00:00:00,000"
    assert timestamp(3661.5) == "01:01:01,500"
    assert timestamp(59.9996) == "00:01:00,000"
    assert timestamp(-1) == "00:00:00,000"


def test_cues_are_numbered_from_one_in_time_order():
    srt = to_srt([Cue(5, 6, "second"), Cue(1, 2, "first"), Cue(9, 10, "third")])
    blocks = _blocks(srt)
    assert [b[0] for b in blocks] == ["1", "2", "3"]
    assert [b[2] for b in blocks] == ["first", "second", "third"]
    assert blocks[0][1] == "00:00:01,000 --> 00:00:02,000"


def test_long_lines_wrap_into_two_balanced_lines_of_at_most_42_characters():
    text = "The storm came in from the west and the keeper lit the great lamp"
    lines = _blocks(to_srt([Cue(0, 4, text)]))[0][2:]
    assert len(lines) == 2
    assert all(len(line) <= MAX_LINE for line in lines)
    assert " ".join(lines) == text
    assert abs(len(lines[0]) - len(lines[1])) < 12


def test_text_too_long_for_two_lines_becomes_consecutive_cues_over_the_same_time():
    text = " ".join(f"word{i}" for i in range(60))
    cues = parse_srt(to_srt([Cue(10, 22, text)]))
    assert len(cues) > 1
    assert cues[0].start == 10 and cues[-1].end == 22
    assert all(a.end == b.start for a, b in zip(cues, cues[1:]))
    assert all(len(c.text.split("\n")) <= 2 and all(len(ln) <= MAX_LINE for ln in c.text.split("\n")) for c in cues)
    assert " ".join(c.text.replace("\n", " ") for c in cues) == text


def test_a_word_longer_than_a_line_is_broken():
    cues = parse_srt(to_srt([Cue(0, 1, "x" * 100)]))
    assert "".join(c.text.replace("\n", "") for c in cues) == "x" * 100
    assert all(len(ln) <= MAX_LINE for c in cues for ln in c.text.split("\n"))


def test_control_characters_are_removed_and_newlines_flattened():
    assert clean_text("a\x00b\x1b[0m\tc\r\n\n d\u2028e") == "ab[0m c d e"
    srt = to_srt([Cue(0, 1, "one\n\ntwo")])
    assert "\n\n" not in srt.strip("\n")
    assert parse_srt(srt)[0].text == "one two"


def test_empty_and_zero_length_cues_are_dropped():
    srt = to_srt([Cue(0, 1, ""), Cue(1, 2, " \n\t"), Cue(2, 2, "instant"), Cue(3, 4, "\x01\x02"), Cue(5, 6, "kept")])
    cues = parse_srt(srt)
    assert [c.text for c in cues] == ["kept"]
    assert _blocks(srt)[0][0] == "1"


def test_awkward_characters_round_trip():
    cues = parse_srt(to_srt([Cue(1.25, 3.5, AWKWARD)]))
    assert len(cues) == 1
    assert (cues[0].start, cues[0].end) == (1.25, 3.5)
    assert cues[0].text.replace("\n", " ") == AWKWARD


def test_parse_accepts_crlf_bom_dots_and_missing_numbers():
    text = "\ufeff1\r\n00:00:01.5 --> 00:00:02,250\r\nhello\r\nthere\r\n\r\n00:01:00,000 --> 00:01:01,000\r\nbye\r\n"
    cues = parse_srt(text)
    assert [(c.start, c.end, c.text) for c in cues] == [(1.5, 2.25, "hello\nthere"), (60.0, 61.0, "bye")]


def test_parse_skips_blocks_without_timing():
    assert parse_srt("garbage\n\n1\nnot a time\ntext\n") == []


def test_burn_in_text_leaves_no_markup_for_libass():
    safe = literal_for_libass("{\\an8} hi <b>x</b> \\N")
    assert "{\\" not in safe and "\\N" not in safe and "<b" not in safe
    assert safe.replace("\u2060", "").replace("\\{", "{").replace("\\}", "}") == "{\\an8} hi <b>x</b> \\N"


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(min_size=1, max_size=80), st.floats(0, 5000, allow_nan=False))
def test_any_short_text_round_trips_as_its_cleaned_form(text, start):
    cues = parse_srt(to_srt([Cue(start, start + 2, text)]))
    cleaned = clean_text(text)
    if not cleaned:
        assert cues == []
    else:
        assert " ".join(c.text.replace("\n", " ") for c in cues).split() == cleaned.split()
        assert abs(cues[0].start - start) <= 0.0005

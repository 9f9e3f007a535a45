"""Editing: clips to a film — ffmpeg calls, assembly, title/end cards, chapters, subtitles, loudness."""

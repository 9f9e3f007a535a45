"""Storyboards: the sheet of shot panels a run writes as storyboard.png."""

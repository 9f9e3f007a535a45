"""Errors a user can meet. The CLI prints them as one line and exits non-zero."""


class AuteurError(Exception):
    """A problem the user can act on; the message names what is wrong and what to do."""


class InputError(AuteurError):
    """The prompt, script or option given to auteur is not usable."""

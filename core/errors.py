"""Errors a user can meet. The CLI prints them as one line and exits non-zero."""


class AuteurError(Exception):
    """A problem the user can act on; the message names what is wrong and what to do."""


class InputError(AuteurError):
    """The prompt, script or option given to auteur is not usable."""


class DiskFull(AuteurError):
    """A write failed for lack of space; the run continues with `auteur resume` once there is room."""


def is_disk_full(err: BaseException) -> bool:
    """Whether `err` is a full disk (or quota), however it reached us: OSError, SQLite, or ffmpeg's message."""
    import errno
    import sqlite3

    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(err, sqlite3.OperationalError) and "disk is full" in str(err):
        return True
    return "No space left on device" in str(err) or "Disk quota exceeded" in str(err)

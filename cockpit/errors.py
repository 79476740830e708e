"""Expected failures of the command line: one clear line for the operator, never a traceback.

A command raises `CommandError` (or a subclass) for a failure it can explain; `cockpit.cli.main`
prints its message on stderr and exits with its code. Database and file-system errors that the
commands do not catch themselves are explained there too (`cli.describe`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class CommandError(Exception):
    """A failure the operator can act on; `str(exc)` is the whole message (one line)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _probe(directory: Path, shown: Path) -> None:
    try:
        fd, name = tempfile.mkstemp(prefix=".cockpit-write-probe-", dir=directory)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise CommandError(f"cannot write to {shown}: {exc.strerror or exc}", 2) from exc


def ensure_writable_dir(path: Path) -> None:
    """Create the folder `path` (and its parents) and prove a file can be written in it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise CommandError(f"cannot write to {path}: it exists and is not a folder", 2) from exc
    except OSError as exc:
        raise CommandError(f"cannot write to {path}: {exc.strerror or exc}", 2) from exc
    if not path.is_dir():
        raise CommandError(f"cannot write to {path}: it exists and is not a folder", 2)
    _probe(path, path)


def ensure_writable_file(path: Path) -> None:
    """Prove the file `path` can be written (its folder exists and takes a file) without creating it."""
    if path.is_dir():
        raise CommandError(f"cannot write to {path}: it is a folder", 2)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        reason = "its folder does not exist" if not parent.exists() else f"{parent} is not a folder"
        raise CommandError(f"cannot write to {path}: {reason}", 2)
    _probe(parent, path)

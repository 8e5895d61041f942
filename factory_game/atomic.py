"""Writing a file so that a crash, a full disk or a power cut never leaves it half-written: the text goes to a
temporary file in the same directory, is flushed to disk, replaces the old file in one rename, and the directory is
flushed too (so the rename itself survives a power cut, as SQLite does for its journal). Saves, the campaign
progress and every file the command line writes go this way.

A process killed between creating its temporary file and the rename leaves that file behind; the next write to the
same target removes such leftovers once they are older than :data:`STALE_S` (a younger one may be another writer's
file in progress).
"""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

STALE_S = 3600  # a temporary file this old belongs to no live writer


def write_text_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8), creating its directory if needed. Raises OSError on failure, and
    then the previous file (if any) is still there, whole."""
    with atomic_writer(path) as handle:
        handle.write(text)


@contextlib.contextmanager
def atomic_writer(path: Path, mkdir: bool = True, binary: bool = False) -> Iterator[IO]:
    """A handle (text, or bytes with ``binary``) whose content replaces ``path`` when the block ends without an
    exception; on an exception the temporary file is removed and ``path`` is untouched. Text is written as given
    (``newline=""``: a CSV writer's line ends stay its own). The new file gets the old one's permissions, or the
    umask's for a new file (a temporary file alone would be private, 0600)."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if mkdir:
        directory.mkdir(parents=True, exist_ok=True)
    _remove_stale(directory, path.name)
    handle = tempfile.NamedTemporaryFile("wb" if binary else "w", encoding=None if binary else "utf-8",
                                         newline=None if binary else "", dir=directory, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False)
    try:
        with handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), _mode_for(path))
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not every system opens directories (Windows): the file itself is whole either way
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_stale(directory: Path, name: str) -> None:
    cutoff = time.time() - STALE_S
    with contextlib.suppress(OSError):
        for leftover in directory.glob(f".{glob.escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()

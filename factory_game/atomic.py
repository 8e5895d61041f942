"""Writing a file so that a crash, a full disk or a power cut never leaves it half-written: the text goes to a
temporary file in the same directory, is flushed to disk, and replaces the old file in one rename. Saves and the
campaign progress both write this way."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def write_text_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8), creating its directory if needed. Raises OSError on failure, and
    then the previous file (if any) is still there, whole."""
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


@contextmanager
def replacing(path: Path, binary: bool = False) -> Iterator[IO]:
    """A file handle whose content replaces ``path`` in one rename when the block ends without an error (streamed
    outputs: a synthetic log, a sweep's results); on an error the previous file, if any, is left as it was."""
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("wb" if binary else "w", encoding=None if binary else "utf-8",
                                         newline=None if binary else "", dir=directory, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False)
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise

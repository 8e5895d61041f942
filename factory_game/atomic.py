"""Writing a file so that a crash, a full disk or a power cut never leaves it half-written: the text goes to a
temporary file in the same directory, is flushed to disk, and replaces the old file in one rename. Saves and the
campaign progress both write this way."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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

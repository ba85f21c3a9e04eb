"""Atomic file writes: a temp file in the target's folder, renamed over the target once complete, so a reader
never sees half a file and a crash leaves the old one. The result gets the usual permissions (0666 & ~umask),
not the 0600 of a temp file."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def usual_permissions(folder: Path) -> None:
    """Give every file under `folder` the usual permissions (0666 & ~umask): some writers (safetensors'
    save_file) create 0600 files, which other users could not read once the folder is renamed into place."""
    mode = 0o666 & ~_umask()
    for path in folder.rglob("*"):
        if path.is_file():
            os.chmod(path, mode)


def atomic_write(path: str | Path, write: Callable[[IO[bytes]], None]) -> Path:
    """Call `write(file)` on a binary temp file beside `path`, then rename it to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path

"""Atomic output files: written under a temporary name in the same directory, then renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


class AtomicWriter:
    """A text file that appears under its final name only when closed without error.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with AtomicWriter(d / "a.txt") as f:
    ...     _ = f.write("x")
    >>> (d / "a.txt").read_text()
    'x'
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file: IO[str] | None = None
        self._tmp = ""

    def __enter__(self) -> IO[str]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; output files get the usual mode
        self._file = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self._file

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._file is not None
        if exc_type is None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._tmp, self.path)
        else:
            self._file.close()
            Path(self._tmp).unlink(missing_ok=True)


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with AtomicWriter(path) as f:
        f.write(text)

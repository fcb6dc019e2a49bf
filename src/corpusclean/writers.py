"""Atomic output files: written under a temporary name in the same directory, then renamed.

Output never goes through a symbolic link: an existing link at the final name is refused
(:class:`~corpusclean.errors.OutputError`) rather than followed or silently replaced, and the
temporary file is created with ``O_EXCL`` (``tempfile.mkstemp``), which never follows one either.
Characters that UTF-8 cannot hold (lone surrogates) are written as ``\\uXXXX`` escapes, which
inside a JSON string read back as the same character, instead of failing the whole run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO

from .errors import OutputError


def check_target(path: Path) -> None:
    """Refuse to write ``path`` if it is a symbolic link or anything but a regular file.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "x").symlink_to("/etc/hostname")
    >>> check_target(d / "x")
    Traceback (most recent call last):
    ...
    corpusclean.errors.OutputError: ...x is a symbolic link; corpusclean does not write through links (remove it, or choose another output directory)
    """
    if path.is_symlink():
        msg = (
            f"{path} is a symbolic link; corpusclean does not write through links "
            "(remove it, or choose another output directory)"
        )
        raise OutputError(msg)
    if path.exists() and not path.is_file():
        msg = (
            f"{path} exists and is not a regular file; remove it or choose another output directory"
        )
        raise OutputError(msg)


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
        check_target(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
        except OSError as exc:
            msg = (
                f"cannot create a file in {self.path.parent}: {exc.strerror or exc}; "
                "check that it is writable"
            )
            raise OutputError(msg) from None
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; output files get the usual mode
        self._file = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
        return self._file

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._file is not None
        if exc_type is None:
            try:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
                check_target(self.path)
                os.replace(self._tmp, self.path)
            except BaseException:
                self._file.close()
                Path(self._tmp).unlink(missing_ok=True)
                raise
        else:
            self._file.close()
            Path(self._tmp).unlink(missing_ok=True)


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with AtomicWriter(path) as f:
        f.write(text)


class StagedFile:
    """A binary file written under ``NAME.PID.tmp`` beside ``path``; :meth:`commit` renames it
    into place, :meth:`discard` removes it. The executors write shard parts, spills and markers
    with it: a killed process leaves at most a temporary file, never a partial ``path``.

    ``sync=False`` (work files) skips ``fsync``: what a killed process wrote is still in the
    kernel's hands, which is all that resuming needs.

    >>> import tempfile, pathlib
    >>> f = StagedFile(pathlib.Path(tempfile.mkdtemp()) / "part")
    >>> _ = f.file.write(b"x"); f.commit(); f.path.read_bytes()
    b'x'
    """

    def __init__(self, path: str | Path, *, sync: bool = False) -> None:
        self.path = Path(path)
        self.sync = sync
        self.tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        self.file = open(self.tmp, "wb", buffering=1024 * 1024)  # noqa: SIM115

    def commit(self) -> None:
        if self.sync:
            self.file.flush()
            os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self.file.close()
        self.tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: str | Path, data: bytes, *, sync: bool = False) -> None:
    """Write ``data`` to ``path`` through a :class:`StagedFile`."""
    staged = StagedFile(path, sync=sync)
    try:
        staged.file.write(data)
        staged.commit()
    except BaseException:
        staged.discard()
        raise

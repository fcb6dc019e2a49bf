"""Compressed input: which suffix is which codec, a decompressing stream for each, and the
errors a broken stream raises.

``.gz`` (gzip), ``.bz2`` and ``.xz`` come with Python; ``.zst``/``.zstd`` needs the
``zstandard`` package (``pip install 'corpusclean[zstd]'``). Each stream is read as it comes
(never whole), and a stream that is cut short or is not in its format raises one of
:data:`ERRORS`, which readers turn into a ``read.bad_<codec>`` reject.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from typing import IO, Any

from ..errors import import_extra

#: Codec of each compressed suffix.
CODECS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zstd": "zstd"}

#: The extra that brings the package a codec needs, for the codecs Python lacks.
EXTRAS = {"zstd": ("zstandard", "zstd")}

#: zstd input is fed to the decompressor this many bytes at a time: one call's output is at
#: most about 32 000 times its input (a run-length block), so 4 KiB bound it near 128 MiB.
_ZSTD_FEED = 4096


class _ZstdError(OSError):
    """A zstd stream that is not zstd, or is damaged."""


#: What reading a broken compressed stream raises (``gzip.BadGzipFile`` is an ``OSError``).
ERRORS: tuple[type[BaseException], ...] = (EOFError, OSError, zlib.error, lzma.LZMAError)


def codec_of(name: str) -> tuple[str, str | None]:
    """A file name without its compression suffix, and the codec of that suffix (or None).

    >>> codec_of("a.jsonl.zst"), codec_of("b.html")
    (('a.jsonl', 'zstd'), ('b.html', None))
    """
    lower = name.lower()
    for suffix, codec in CODECS.items():
        if lower.endswith(suffix):
            return name[: -len(suffix)], codec
    return name, None


def reason(codec: str) -> str:
    """The reject reason of a broken stream of ``codec``.

    >>> reason("gzip"), reason("zstd")
    ('read.bad_gzip', 'read.bad_zstd')
    """
    return f"read.bad_{codec}"


def require(codec: str) -> None:
    """Raise :class:`MissingExtraError` naming the extra when ``codec``'s package is missing."""
    if codec not in EXTRAS:
        return
    package, extra = EXTRAS[codec]
    import_extra(package, extra, f"reading {codec}-compressed files")


def open_stream(f: IO[bytes], codec: str | None) -> IO[bytes]:
    """A stream of the decompressed bytes of ``f`` (``f`` itself without a codec). Raises
    :class:`MissingExtraError` when the codec's package is not installed."""
    if codec is None:
        return f
    if codec == "gzip":
        return gzip.GzipFile(fileobj=f, mode="rb")
    if codec == "bz2":
        return bz2.BZ2File(f, mode="rb")
    if codec == "xz":
        return lzma.LZMAFile(f, mode="rb")
    if codec == "zstd":
        require(codec)
        return io.BufferedReader(_ZstdReader(f), buffer_size=256 * 1024)
    msg = f"unknown codec {codec!r}"
    raise ValueError(msg)


class _ZstdReader(io.RawIOBase):
    """The frames of a zstd stream one after the other, fed to the decompressor a little at a
    time; a stream that ends inside a frame raises ``EOFError`` (``zstandard``'s own readers
    stop there silently)."""

    def __init__(self, f: IO[bytes]) -> None:
        import zstandard

        self._f = f
        self._new = zstandard.ZstdDecompressor().decompressobj
        self._z: Any = None  # the decompressor of the current frame, None between frames
        self._pending = b""  # decompressed bytes not yet read
        self._input = b""  # compressed bytes not yet fed
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        while not self._pending and not self._done:
            self._step()
        n = min(len(buf), len(self._pending))
        buf[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _step(self) -> None:
        if not self._input:
            self._input = self._f.read(64 * 1024)
            if not self._input:
                if self._z is not None:
                    msg = "the zstd stream ends inside a frame"
                    raise EOFError(msg)
                self._done = True
                return
        if self._z is None:
            self._z = self._new()
        feed, self._input = self._input[:_ZSTD_FEED], self._input[_ZSTD_FEED:]
        try:
            self._pending = self._z.decompress(feed)
        except Exception as exc:
            raise _ZstdError(str(exc)) from None
        if self._z.eof:
            self._input = self._z.unused_data + self._input
            self._z = None

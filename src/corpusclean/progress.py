"""How far a run is: bytes of input done out of the plan's total, rate and time left.

On a terminal a progress bar (tqdm); elsewhere (a batch job's log) a line every ``every``
seconds: done, total, rate, ETA. The driver calls :meth:`Progress.start` with the plan's
total and :meth:`Progress.update` as bytes are read; output files never depend on it.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

#: ``--progress`` choices; ``auto`` is ``bar`` on a terminal and ``log`` otherwise.
MODES = ("auto", "bar", "log", "none")
#: Seconds between two log lines.
LOG_EVERY = 10.0

_MB = 1024 * 1024


def duration(seconds: float) -> str:
    """A short duration.

    >>> duration(42), duration(140), duration(7300)
    ('42s', '2m20s', '2h01m')
    """
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class Progress:
    """Progress of one run, drawn as ``mode`` says (see :data:`MODES`)."""

    def __init__(self, mode: str = "auto", *, every: float = LOG_EVERY, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if self.stream.isatty() else "log"
        self.mode = mode
        self.every = every
        self.total = self.done = self.initial = self.files = 0
        self._bar: Any = None
        self._t0 = self._last = 0.0
        self._logged = -1  # bytes done when the last log line was printed

    def start(self, total: int, files: int, done: int = 0) -> None:
        """The plan is known: ``total`` bytes in ``files`` files, ``done`` of them already."""
        self.total, self.files, self.done, self.initial = total, files, done, done
        self._t0 = self._last = time.monotonic()
        if self.mode == "bar":
            from tqdm import tqdm

            self._bar = tqdm(total=total, initial=done, unit="B", unit_scale=True, unit_divisor=1024,
                             desc=f"cleaning {files} files", file=self.stream, dynamic_ncols=True)

    def update(self, done: int) -> None:
        """``done`` bytes of the total are read (a running total)."""
        done = min(done, self.total)
        if self._bar is not None and done > self.done:
            self._bar.update(done - self.done)
        self.done = max(self.done, done)
        now = time.monotonic()
        if self.mode == "log" and now - self._last >= self.every:
            self._log(now)

    def _log(self, now: float) -> None:
        self._last, self._logged = now, self.done
        print(f"corpusclean: {self.line(now)}", file=self.stream, flush=True)

    def line(self, now: float | None = None) -> str:
        """Done, total, rate and time left, as a log line says them."""
        elapsed = (now or time.monotonic()) - self._t0
        rate = (self.done - self.initial) / elapsed if elapsed > 0 else 0.0
        share = self.done / self.total if self.total else 1.0
        eta = duration((self.total - self.done) / rate) if rate > 0 else "unknown"
        return (f"{self.done / _MB:.1f} of {self.total / _MB:.1f} MB ({share:.0%}), "
                f"{rate / _MB:.2f} MB/s, ETA {eta}")

    def close(self) -> None:
        """End the display; in log mode, a last line when the last one logged is out of date."""
        if self.mode == "log" and self.total and self._logged != self.done:
            self._log(time.monotonic())
        if self._bar is not None:
            self._bar.close()
            self._bar = None

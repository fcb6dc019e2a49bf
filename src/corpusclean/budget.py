"""A per-document time budget: a pathological document becomes a reject instead of a hang.

:func:`time_budget` arms ``SIGALRM`` with :func:`signal.setitimer` for the length of a ``with``
block and raises :class:`BudgetExceeded` inside it when the time is up. Python runs signal
handlers between bytecodes, and both regular-expression engines (``re`` and ``regex``) check for
signals while they backtrack, so a filter stuck in a slow pattern is interrupted too. Code that
never returns to the interpreter (a C extension that does not check for signals) can still
overrun the budget: it is interrupted as soon as it returns.

Where signals cannot be used (Windows, a thread other than the main one, or a handler for
``SIGALRM`` that the application installed itself), the block runs without a limit and
:func:`budget_available` says so; nothing else changes. Budgets nest: an inner budget never
outlasts the one around it, and the outer timer is re-armed on exit.

>>> with time_budget(1.0):
...     sum(range(10))
45
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger(__name__)

#: Seconds one document may spend in the pipeline (or in reading) before it is rejected.
DEFAULT_SECONDS = 10.0


class BudgetExceeded(BaseException):
    """Raised inside a :func:`time_budget` block when its time is up.

    A ``BaseException`` (like ``KeyboardInterrupt``), so a filter's ``except Exception``
    cannot swallow it and keep going.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than the time budget of {seconds:g} s")
        self.seconds = seconds


_state = threading.local()
_warned = False
_default: float | None = DEFAULT_SECONDS


def default_seconds() -> float | None:
    """The budget :func:`corpusclean.runner.run_safely` uses when none is passed."""
    return _default


@contextmanager
def default_budget(seconds: float | None) -> Iterator[None]:
    """Set the default per-document budget for the block (``None`` or ``0``: no limit).

    >>> with default_budget(2.5):
    ...     default_seconds()
    2.5

    A process pool started inside the block with ``fork`` inherits it; workers started with
    ``spawn`` must set it themselves.
    """
    global _default
    saved = _default
    _default = seconds or None
    try:
        yield
    finally:
        _default = saved


def budget_available() -> bool:
    """Whether :func:`time_budget` can interrupt code here (a Unix main thread)."""
    return (
        hasattr(signal, "setitimer")
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
        and _foreign_handler() is False
    )


def _foreign_handler() -> bool:
    """Whether someone else's handler is on SIGALRM (then we leave the signal alone)."""
    current = signal.getsignal(signal.SIGALRM)
    return current not in (signal.SIG_DFL, signal.SIG_IGN, None, _on_alarm)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    stack: list[float] = getattr(_state, "stack", [])
    raise BudgetExceeded(stack[-1] if stack else 0.0)


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` in the block if it runs longer than ``seconds``.

    ``None`` or a value ``<= 0`` means no budget. Where signals are unavailable the block runs
    unlimited (see :func:`budget_available`).
    """
    global _warned
    if seconds is None or seconds <= 0:
        yield
        return
    if not budget_available():
        if not _warned:
            log.warning(
                "the per-document time budget needs SIGALRM on the main thread; running without it"
            )
            _warned = True
        yield
        return
    stack: list[float] = _state.__dict__.setdefault("stack", [])
    previous_handler = signal.signal(signal.SIGALRM, _on_alarm)
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    limit = min(seconds, outer_left) if outer_left > 0 else seconds
    depth = len(stack)
    stack.append(seconds)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        late: BudgetExceeded | None = None
        while True:
            # An alarm that went off just as the block ended runs its handler at some later
            # instruction, possibly in here: every step is repeatable, so the clean-up is
            # done again to the end and the late alarm is raised after it.
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                del stack[depth:]
                signal.signal(signal.SIGALRM, previous_handler)
                if outer_left > 0:
                    # Re-arm the enclosing budget with what is left of it (at least a tick, so
                    # an outer budget that ran out while we held the timer still fires).
                    left = outer_left - (time.monotonic() - start)
                    signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4))
                break
            except BudgetExceeded as exc:
                late = exc
        if late is not None:
            raise late

"""The one place that imports the compiled core, ``corpusclean._core``.

The Python implementations are the reference; the core reproduces them, byte for byte, and is
used where it is present. ``CORPUSCLEAN_BACKEND`` chooses, once per process:

- ``auto`` (default): the core when it imports, else the Python reference (logged once, at debug);
- ``rust``: the core, or :class:`~corpusclean.errors.BackendError` saying how to build it;
- ``python``: the reference only; ``_core`` is never imported.

Outputs never depend on the choice, so the pipeline's fingerprint leaves it out; run statistics
record it (:func:`backend_name`).

>>> backend_name() in {"rust", "python"}
True
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType
from typing import TypeVar

from .errors import BackendError

_log = logging.getLogger(__name__)

_T = TypeVar("_T")

ENV_VAR = "CORPUSCLEAN_BACKEND"
CHOICES = ("auto", "rust", "python")


def requested() -> str:
    """The backend asked for by ``CORPUSCLEAN_BACKEND`` (``auto`` when unset)."""
    value = os.environ.get(ENV_VAR, "auto").strip().lower() or "auto"
    if value not in CHOICES:
        raise BackendError(f"{ENV_VAR}={value!r}: expected one of {', '.join(CHOICES)}")
    return value


@cache
def core() -> ModuleType | None:
    """The compiled core module, or None when the Python reference is to be used."""
    choice = requested()
    if choice == "python":
        return None
    try:
        from . import _core
    except ImportError as exc:
        if choice == "rust":
            raise BackendError(
                f"{ENV_VAR}=rust but the compiled core does not import ({exc}); build it with "
                "`pip install .` (needs a Rust toolchain) or set "
                f"{ENV_VAR}=python"
            ) from exc
        _log.debug("compiled core unavailable (%s); using the Python reference", exc)
        return None
    return _core


def backend_name() -> str:
    """``"rust"`` when the compiled core is in use, else ``"python"``."""
    return "python" if core() is None else "rust"


#: Inputs the core handed back to the reference, by code (``core.fallback.surrogates``: a
#: text with lone surrogates, which have no UTF-8 form; other ``core.fallback.*`` codes: an
#: input the core declines by design, logged at debug; ``core.panic``: a failure of the core),
#: in this process.
FALLBACKS: Counter[str] = Counter()


@contextmanager
def fallback_on_error(step: str) -> Iterator[None]:
    """Run a core call inside; when the core cannot take the input (a ``str`` with lone
    surrogates) or fails (``_core.CoreError``), count it, log it and let the caller go on to
    the Python reference, which gives the answer."""
    module = core()
    error: type[Exception] = module.CoreError if module is not None else _NoError
    try:
        yield
    except UnicodeEncodeError:
        FALLBACKS["core.fallback.surrogates"] += 1
    except error as exc:
        _failed(step, exc)


def _failed(step: str, exc: Exception) -> None:
    code = str(exc.args[0]) if exc.args else "core.error"
    FALLBACKS[code] += 1
    if code.startswith("core.fallback."):  # an input the core declines, by design: not a failure
        _log.debug("%s: the compiled core hands this input to the Python reference (%s)", step, exc)
    else:
        _log.warning("%s: the compiled core failed (%s); using the Python reference", step, exc)


class _NoError(Exception):
    """Never raised: what :func:`fallback_on_error` catches when there is no core."""


def attempt(call: Callable[[ModuleType], _T], step: str = "core") -> _T | None:
    """``call(core)``, or None when the reference is to answer instead: no core in use, or a
    fallback of :func:`fallback_on_error` (the same, without a context manager: called once
    per document and step)."""
    module = core()
    if module is None:
        return None
    try:
        return call(module)
    except UnicodeEncodeError:
        FALLBACKS["core.fallback.surrogates"] += 1
    except module.CoreError as exc:
        _failed(step, exc)
    return None

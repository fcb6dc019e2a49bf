"""Differential tests: the compiled core against the Python reference, exact equality.

They need the core: skipped cleanly when it is not built (or ``CORPUSCLEAN_BACKEND=python``);
with ``CORPUSCLEAN_BACKEND=rust`` a missing core is an error, raised by ``_accel.core()``.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from corpusclean import _accel

ROOT = Path(__file__).resolve().parents[2]
#: The benchmark's dev split, beside the repository (or beside the folder of its worktrees).
BENCH = next((p for p in (ROOT.parent / "shared" / "bench" / "dev",
                          ROOT.parents[1] / "shared" / "bench" / "dev") if p.is_dir()), None)


@pytest.fixture(scope="session")
def core() -> ModuleType:
    module = _accel.core()
    if module is None:
        pytest.skip("compiled core not in use (not built, or CORPUSCLEAN_BACKEND=python)")
    return module

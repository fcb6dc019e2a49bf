"""The backend switch: which implementation runs, and what a missing core says."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from corpusclean import _accel, _version
from corpusclean.errors import BackendError

ROOT = Path(__file__).resolve().parents[1]


def _run(env_value: str, code: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, _accel.ENV_VAR: env_value}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_python_backend_never_imports_the_core():
    out = _run(
        "python",
        "import sys, corpusclean._accel as a; print(a.backend_name(), "
        "'corpusclean._core' in sys.modules)",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["python", "False"]


def test_unknown_backend_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(_accel.ENV_VAR, "fortran")
    with pytest.raises(BackendError, match="expected one of auto, rust, python"):
        _accel.requested()


def test_versions_agree():
    cargo = (ROOT / "rust" / "Cargo.toml").read_text(encoding="utf-8")
    match = re.search(r'^version = "([^"]+)"', cargo, re.MULTILINE)
    assert match is not None
    assert match.group(1) == _version.__version__


def test_core_is_a_release_build_of_this_version():
    core = _accel.core()
    if core is None:
        pytest.skip("compiled core not built here (CORPUSCLEAN_BACKEND=python or no toolchain)")
    assert core.__version__ == _version.__version__
    assert core.build_profile == "release"


@pytest.mark.parametrize(("code", "level"), [
    ("core.fallback.report", "DEBUG"),  # an input the core declines by design
    ("core.panic", "WARNING"),  # a failure of the core
    ("core.error", "WARNING"),
])
def test_a_declined_input_is_counted_and_only_a_failure_warns(caplog, monkeypatch, code, level):
    module = _accel.core()
    if module is None:
        pytest.skip("compiled core not in use")
    monkeypatch.setattr(_accel, "FALLBACKS", Counter())

    def fails(core):
        raise core.CoreError(code, "because")

    with caplog.at_level("DEBUG", logger="corpusclean._accel"):
        assert _accel.attempt(fails, "report.gather") is None
    assert _accel.FALLBACKS == {code: 1}
    assert [r.levelname for r in caplog.records] == [level]

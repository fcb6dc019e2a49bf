"""The exceptions corpusclean raises. Each carries a dotted ``code`` and says what to do next."""

from __future__ import annotations

import importlib
from types import ModuleType


class CorpuscleanError(Exception):
    """Base class of every error corpusclean raises on purpose."""

    code = "error"


class ConfigError(CorpuscleanError):
    """A pipeline configuration is wrong; the message lists every problem found."""

    code = "config.invalid"

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"the pipeline configuration has {len(self.problems)} problem(s):\n{lines}")


class UnknownStepError(ConfigError):
    """A step names a filter that is not registered."""

    code = "config.unknown_step"


class DuplicateNameError(CorpuscleanError):
    """A different filter is already registered under this name."""

    code = "registry.duplicate_name"


class InputError(CorpuscleanError):
    """An input cannot be read at all (usage error: a missing directory, for example)."""

    code = "input.invalid"


class OutputError(CorpuscleanError):
    """The output cannot be written where it was asked to go."""

    code = "output.invalid"


class BackendError(CorpuscleanError):
    """The compiled core was asked for (``CORPUSCLEAN_BACKEND=rust``) and cannot be used."""

    code = "backend.unavailable"


class MissingExtraError(CorpuscleanError, ImportError):
    """An optional part needs a package that is not installed; the message names the extra."""

    code = "install.missing_extra"


def import_extra(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` of an optional extra, or raise :class:`MissingExtraError` saying that
    ``purpose`` needs its package and how to install it.

    >>> import_extra("json", "none", "this example").__name__
    'json'
    """
    try:
        importlib.import_module(module.split(".")[0])  # as ``from package import sub`` does first
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        msg = f"{purpose} needs the {package} package: pip install 'corpusclean[{extra}]'"
        raise MissingExtraError(msg) from None

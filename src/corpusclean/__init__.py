"""corpusclean: clean scraped web text into normalized, language-tagged JSONL.

>>> from corpusclean import Pipeline, Document
>>> result = Pipeline.default().run(Document.from_text("Hello   world.\\n\\n\\n"))
>>> result.doc.text
'Hello world.'
"""

import logging

from ._version import __version__
from .decision import Decision, drop, keep, remove_lines, rewrite
from .document import Document, Line, Removal
from .executors.records import clean_records
from .errors import ConfigError, CorpuscleanError, DuplicateNameError, InputError, OutputError, UnknownStepError
from .pipeline import Pipeline, Result, Step
from .registry import FilterInfo, Registry, default_registry
from .runner import clean_directory, clean_text

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "ConfigError",
    "CorpuscleanError",
    "Decision",
    "Document",
    "DuplicateNameError",
    "FilterInfo",
    "InputError",
    "Line",
    "OutputError",
    "Pipeline",
    "Registry",
    "Removal",
    "Result",
    "Step",
    "UnknownStepError",
    "__version__",
    "clean_directory",
    "clean_records",
    "clean_text",
    "default_registry",
    "drop",
    "keep",
    "remove_lines",
    "rewrite",
]

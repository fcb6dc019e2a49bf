"""``python -m corpusclean``: the same as the ``corpusclean`` command."""

import sys

from .cli import main

sys.exit(main())

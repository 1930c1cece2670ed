"""Allow ``python -m textrecog``."""

import sys

from textrecog.cli import main

sys.exit(main())

"""Run the `venue` command as `python -m toolkit`."""

import sys

from .cli import main

sys.exit(main())

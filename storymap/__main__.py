"""`python -m storymap`: the command line."""

import sys

from storymap.cli import main

sys.exit(main())

"""`python -m schemadoc.cli`: the `schemadoc` command."""

import sys

from schemadoc.cli import main

sys.exit(main())

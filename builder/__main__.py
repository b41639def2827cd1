"""Command line: `python -m builder check FILE` (and the other subcommands in builder/cli.py)."""
import sys

from .cli import main

sys.exit(main())

"""Entry point for `python -m trainers`."""
import sys

from .cli import main

sys.exit(main())

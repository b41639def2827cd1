"""Command line: `python -m export FILE [--format pytorch|onnx|weights] [-o OUT]` (also `python -m builder export`)."""
import sys

from .cli import main

sys.exit(main())

"""The command line, one module per command: ``perceptron-lab COMMAND``."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]

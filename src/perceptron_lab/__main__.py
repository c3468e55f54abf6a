"""``python -m perceptron_lab …``: the command line (what torchrun -m perceptron_lab runs)."""

import sys

from perceptron_lab.cli import main

sys.exit(main())

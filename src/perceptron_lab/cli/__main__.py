"""``python -m perceptron_lab.cli``: the same as the ``perceptron-lab`` command."""

import sys

from .main import main

sys.exit(main())

"""perceptron-lab: train single-layer neural networks and watch every number they learn from."""

__version__ = "0.1.0"

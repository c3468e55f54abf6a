"""The playground: a page where one neuron trains step by step on the real engine.

``perceptron-lab playground`` serves it to a browser (server.py); in Jupyter,
:func:`playground` shows it as a widget (widget.py). Both drive a :class:`~.lab.Lab`,
pure Python, which answers the page's messages with frames (docs/playground.md).
"""

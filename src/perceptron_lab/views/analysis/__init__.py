"""Numbers the plots draw that the trace does not hold, computed from the trace and the data.

- :mod:`.loss_grid`: the loss over a grid of two parameters, and the optimizer's path;
- :mod:`.contributions`: each sample's term xₙᵀ·(dL/dZ)ₙ of dL/dW in one step;
- :mod:`.plane`: a 2-feature run's points, decision boundary and class regions;
- :mod:`.bce_sweep`: binary cross-entropy three ways over a sweep of logits;
- :mod:`.parameters`: a run's parameters read back from its step rows;
- :mod:`.run_differences`: the settings that differ between runs, as their labels.

The plots in :mod:`perceptron_lab.views.plots` draw these; they never compute them.
"""

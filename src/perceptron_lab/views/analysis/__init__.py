"""Numbers the plots draw that the trace does not hold, computed from the trace and the data.

- :mod:`.surface`: the loss over a grid of two parameters, and the optimizer's path;
- :mod:`.attribution`: each sample's term xₙᵀ·(dL/dZ)ₙ of dL/dW in one step;
- :mod:`.plane`: a 2-feature run's points, decision boundary and class regions;
- :mod:`.stability`: binary cross-entropy three ways over a sweep of logits;
- :mod:`.rundata`: a run's data and parameters read back by its recipe.

Views draw these; they never compute them.
"""

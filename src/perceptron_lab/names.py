"""The names of the losses and update rules, importable without torch (for the CLI's help).

The registries in :mod:`perceptron_lab.losses` and :mod:`perceptron_lab.optim` are the
source of truth; a test keeps these lists equal to them.
"""

LOSS_NAMES = ("bce", "cross_entropy", "mse", "perceptron")
OPTIMIZER_NAMES = ("sgd", "adam", "adamw", "rmsprop", "adagrad")

"""Data: built-in datasets, data files and arrays -> validated ``Dataset``; split, standardize.

>>> from perceptron_lab.data import load, split, standardize
>>> train, test = split(load("iris"), test_size=0.25, seed=0)
>>> train, test = standardize(train, test)

Only NumPy is imported here; pandas, pyarrow and scikit-learn are imported by the
functions that need them, and torch never.
"""

from perceptron_lab.data.arrays import from_arrays
from perceptron_lab.data.builtin import BUILTINS
from perceptron_lab.data.dataset import TASKS, Dataset, Task
from perceptron_lab.data.loading import load
from perceptron_lab.data.prepare import Standardizer, split, standardize

__all__ = [
    "BUILTINS",
    "TASKS",
    "Dataset",
    "Standardizer",
    "Task",
    "from_arrays",
    "load",
    "split",
    "standardize",
]

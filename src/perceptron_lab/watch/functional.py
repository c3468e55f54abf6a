"""Functional losses (``F.mse_loss``, ``F.cross_entropy``, …) seen as the nn losses they equal.

A loop may call ``torch.nn.functional``'s losses instead of an ``nn`` loss module; no
module hook sees those. A torch function mode (``torch.overrides.TorchFunctionMode``,
PyTorch's public way to observe calls of its functions) sees every call of them inside
the watch, whatever name the loop calls them by, and hands the recorder the call as the
equivalent module would have made it: ``F.cross_entropy(z, y, reduction="sum")`` is
``nn.CrossEntropyLoss(reduction="sum")(z, y)``, so the closed form, finite differences and
the diagnoses treat both alike. Every other function passes straight through.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

# the functional losses and the nn module each one equals (same argument names)
MODULES: dict[Callable[..., Any], type[nn.Module]] = {
    F.mse_loss: nn.MSELoss,
    F.cross_entropy: nn.CrossEntropyLoss,
    F.binary_cross_entropy_with_logits: nn.BCEWithLogitsLoss,
    F.binary_cross_entropy: nn.BCELoss,
    F.nll_loss: nn.NLLLoss,
    F.margin_ranking_loss: nn.MarginRankingLoss,
}
INPUTS = ("input", "input1", "input2", "target")  # the call's tensors; the rest are options


def equivalent(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[nn.Module, tuple[Any, ...]] | None:
    """The nn module ``func(*args, **kwargs)`` equals, and the arguments to call it with.

    None for a function that is not one of :data:`MODULES`, or an option the module does
    not take (``F.mse_loss(weight=…)``: nn.MSELoss has no weight).
    """
    cls = MODULES.get(func)
    if cls is None:
        return None
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except TypeError:
        return None
    takes = inspect.signature(cls).parameters
    options = {k: v for k, v in bound.arguments.items() if k not in INPUTS}
    if any(k not in takes and v is not None for k, v in options.items()):
        return None
    module = cls(**{k: v for k, v in options.items() if k in takes})
    return module, tuple(bound.arguments[k] for k in INPUTS if k in bound.arguments)


class FunctionalLosses(TorchFunctionMode):
    """Hands each functional loss call to ``on_loss(module, args, output)``; runs everything."""

    def __init__(self, on_loss: Callable[[nn.Module, tuple[Any, ...], Any], None]) -> None:
        super().__init__()
        self.on_loss = on_loss

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if func in MODULES and isinstance(out, torch.Tensor):
            found = equivalent(func, args, kwargs)
            if found is not None:
                self.on_loss(found[0], found[1], out)
        return out

"""torch.optim without importing torch._dynamo until something compiles (the CLI's own processes).

torch.optim imports ``torch._dynamo`` (with sympy and torch._inductor: about as long as
``import torch`` itself) the first time an optimizer is built or stepped, yet uses it only
while ``torch.compile`` traces. It binds it in two kinds of wrapper:

- a method decorated ``@torch._disable_dynamo`` (``Optimizer.add_param_group``, run by
  every constructor, ``zero_grad``, ``state_dict``, ``load_state_dict``): on its first call
  torch imports torch._dynamo to build ``torch._dynamo.disable(fn)`` and caches it on
  ``fn.__dynamo_disable``;
- a ``step`` decorated ``@_use_grad_for_differentiable`` (every torch.optim rule's): each
  call imports torch._dynamo to put ``torch._dynamo.graph_break()`` around the update, run
  with grad mode set to ``defaults["differentiable"]``.

:func:`defer_dynamo` fills the first kind's cache and replaces the second kind's ``step``
on the classes with functions that do the same without importing it: a disabled method
is called as itself; a step sets grad mode exactly as torch's does, without the graph
breaks. This is behaviour-identical: nothing can be compiling before torch._dynamo is
imported (``torch.compile`` and ``torch.export`` import it first), and while nothing is
compiling ``disable(fn)(*a)`` is ``fn(*a)`` and ``graph_break()`` does nothing. Each of
these functions looks, at every call, whether torch._dynamo is in ``sys.modules``; from
the moment it is (a feature that compiles imported it) it hands the call to torch's own
wrapper — a disabled method's cache is emptied so torch caches its real
``disable(fn)`` —, so anything compiled from then on sees torch's functions.

Only the CLI's processes that train call it (demo, step, train, …; the CLI compiles no
torch.optim step), never ``import perceptron_lab``: it changes attributes of torch.optim's
classes for the whole process, and a library user's process (``watch`` around a loop that
may use ``torch.compile``) stays torch's own.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from typing import Any

DYNAMO = "torch._dynamo"
CACHE = "__dynamo_disable"  # the attribute torch._compile._disable_dynamo caches on fn


def defer_dynamo() -> None:
    """Defer ``import torch._dynamo`` in torch.optim until something imports it (idempotent).

    Covers torch.optim's classes defined by now (every built-in rule); a wrapper whose shape
    is not torch's (another torch version) is left as it is: slower, never different.
    """
    if DYNAMO in sys.modules:
        return  # already paid: nothing to save
    from torch._compile import _disable_dynamo
    from torch.optim.optimizer import Optimizer, _use_grad_for_differentiable

    disabled_code = _disable_dynamo(_nothing).__code__
    step_code = _use_grad_for_differentiable(_nothing).__code__
    for cls in _classes(Optimizer):
        for name, attr in list(vars(cls).items()):
            code = getattr(attr, "__code__", None)
            if code is disabled_code:
                _defer_disabled(attr)
            elif name == "step" and code is step_code:
                setattr(cls, name, _eager_step(attr))


def _nothing() -> None:
    """A function to wrap, to learn the code object of torch's wrappers."""


def _classes(root: type) -> Iterator[type]:
    """``root`` and its subclasses, recursively."""
    yield root
    sub: type
    for sub in root.__subclasses__():
        yield from _classes(sub)


def _defer_disabled(inner: Callable[..., Any]) -> None:
    """Fill the cache of a ``torch._disable_dynamo`` wrapper with ``fn`` itself until dynamo loads."""
    fn = inner.__wrapped__  # type: ignore[attr-defined]
    if getattr(fn, CACHE, None) is not None:
        return  # torch's own disable(fn), or ours, is there already

    def deferred(*args: Any, **kwargs: Any) -> Any:
        if DYNAMO in sys.modules:  # something may compile now: torch's disable(fn) from here on
            setattr(fn, CACHE, None)
            return inner(*args, **kwargs)
        return fn(*args, **kwargs)

    setattr(fn, CACHE, deferred)


def _eager_step(torch_step: Callable[..., Any]) -> Callable[..., Any]:
    """``torch_step`` (``_use_grad_for_differentiable(func)``) without importing dynamo until it loads."""
    import torch

    func = torch_step.__wrapped__  # type: ignore[attr-defined]

    @functools.wraps(func)
    def step(*args: Any, **kwargs: Any) -> Any:
        if DYNAMO in sys.modules:
            return torch_step(*args, **kwargs)
        optimizer = args[0]
        before = torch.is_grad_enabled()
        try:
            torch.set_grad_enabled(optimizer.defaults["differentiable"])
            return func(*args, **kwargs)
        finally:
            torch.set_grad_enabled(before)

    return step

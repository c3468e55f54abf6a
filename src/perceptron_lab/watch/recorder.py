"""The hooks: what the user's loop did in each step, seen without changing it.

Three kinds of hook, all public PyTorch API and all removed on exit:

- forward hooks on the model and on its nn.Linear: the batch X, the logits Z, the output;
- a forward hook on the loss module (or, for a functional loss such as
  ``F.cross_entropy``, a torch function mode: functional.py): its input, its target, its
  value; a hook on the loss value's own gradient says whether a ``backward()`` went
  through it, by how much the loop scaled it, and each parameter's ``.grad`` at that
  moment, i.e. what is left over from earlier backward passes before this one adds to
  it (a loss computed only to be printed, with autograd on, has no backward and is not
  taken for gradient accumulation);
- each parameter's post-accumulate-grad hook: ``.grad`` as the backward pass left it,
  so that an edit between ``backward()`` and ``step()`` (gradient clipping) is seen;
- the optimizer's step pre- and post-hooks: parameters, gradients and optimizer state
  just before ``optimizer.step()`` and just after.

One :class:`StepCapture` per ``optimizer.step()`` goes to ``on_step``. Everything is a
detached copy, so the loop can change its tensors afterwards without changing the record.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn.modules.loss import _Loss
from torch.utils.hooks import RemovableHandle

from .functional import FunctionalLosses
from .mapping import Unsupported


def _copy(value: Any) -> Any:
    """A detached copy of every tensor in ``value`` (tuples, lists, dicts walked)."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, tuple | list):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Call:
    """One forward call of a module, as its forward hook saw it."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    output: Any


@dataclass(frozen=True)
class LossCall(Call):
    """A call of the loss module, with each parameter's gradient before its backward."""

    leftover: tuple[torch.Tensor | None, ...]  # p.grad of each optimizer parameter, or None
    module: nn.Module  # the loss module, or the one a functional loss call equals

    @property
    def input(self) -> torch.Tensor:
        """The loss input: predictions (logits or probabilities)."""
        value = self.args[0] if self.args else self.kwargs.get("input")
        if not isinstance(value, torch.Tensor):
            raise Unsupported("the loss was called without a tensor input")
        return value

    @property
    def target(self) -> torch.Tensor:
        """The target: the last positional argument (MarginRankingLoss's t), or ``target``."""
        value = self.args[-1] if len(self.args) > 1 else self.kwargs.get("target")
        if not isinstance(value, torch.Tensor):
            raise Unsupported("the loss was called without a tensor target")
        return value

    @functools.cached_property
    def broadcast(self) -> torch.Size | None:
        """The shape input and target broadcast to, where it has more elements than both.

        (N, 1) predictions against an (N,) target give an (N, N) loss: every prediction
        against every target. None where the shapes agree (or do not broadcast at all).
        """
        P, y = self.input, self.target
        if P.shape == y.shape:
            return None
        try:
            shape = torch.broadcast_shapes(P.shape, y.shape)  # type: ignore[no-untyped-call]
        except RuntimeError:
            return None
        return shape if shape.numel() > max(P.numel(), y.numel()) else None


@dataclass(frozen=True)
class ParamStep:
    """One parameter through ``optimizer.step()``."""

    name: str  # its name in model.named_parameters()
    before: torch.Tensor
    grad: torch.Tensor | None  # .grad as optimizer.step() received it
    backward: torch.Tensor | None  # .grad as the last backward pass left it (None: unseen)
    after: torch.Tensor
    state_before: dict[str, torch.Tensor]  # optimizer.state[p], torch.optim's keys
    state_after: dict[str, torch.Tensor]
    group: int  # index into optimizer.param_groups
    hyper: dict[str, Any]  # that group's hyper-parameters at the step
    hooks: tuple[Callable[[torch.Tensor], Any], ...] = ()  # the loop's register_hook(s) on it

    @property
    def loss_grad(self) -> torch.Tensor:
        """dL/dθ as the loop's backward passes left it (zeros if there is none).

        The gradient the loss gave, which the closed form and finite differences check;
        :attr:`grad` may differ from it when the loop edits ``.grad`` before the step.
        """
        g = self.backward if self.backward is not None else self.grad
        return torch.zeros_like(self.before) if g is None else g

    @property
    def edited(self) -> bool:
        """The loop changed ``.grad`` between its backward pass and ``optimizer.step()``."""
        return (
            self.backward is not None
            and self.grad is not None
            and not torch.equal(self.backward, self.grad)
        )


@dataclass(frozen=True)
class StepCapture:
    """What one step of the loop did."""

    t: int  # 1-based count of optimizer.step() calls seen
    model_call: Call | None  # the model's last forward with autograd on before the loss call
    linear_call: Call | None  # the same for the model's nn.Linear
    loss_call: LossCall | None  # the last loss call a backward pass went through
    loss_calls: int  # loss calls a backward pass went through since the previous step
    loss_scale: float  # backward() went through loss_scale × the loss call's value
    params: tuple[ParamStep, ...]
    closure: bool  # optimizer.step(closure): the closure re-ran the loop inside the step


@dataclass
class _Seen:
    """One loss call, the model's forwards it was fed, and whether a backward went through."""

    call: LossCall  # its leftover still empty: see ``left``
    fed: tuple[Call | None, Call | None]
    left: dict[int, torch.Tensor | None]  # id(p) → p.grad of each watched parameter, then
    backward: bool = False
    scale: float = 1.0  # d(what backward() started from)/d(this loss value), if it is a scalar

    def aligned(self, params: Sequence[torch.Tensor]) -> LossCall:
        """The call with its leftovers in the order of ``params`` (None where unknown)."""
        return dataclasses.replace(self.call, leftover=tuple(self.left.get(id(p)) for p in params))

    def went_through(self, grad: torch.Tensor, left: dict[int, torch.Tensor | None]) -> None:
        """The loss value's gradient hook: a backward pass reached this call.

        ``grad`` is c where the loop backpropagated c·L (``loss / N``, ``loss * 2``);
        ``left`` each parameter's ``.grad`` now, before this backward adds to it — what
        counts as left over, whether ``zero_grad()`` came before the loss call or after.
        """
        self.backward = True
        self.left = left
        if grad.numel() == 1:
            self.scale = float(grad)


def _tensor_hooks(p: torch.Tensor) -> tuple[Callable[[torch.Tensor], Any], ...]:
    """The hooks the loop registered on ``p`` with ``p.register_hook`` (run in backward).

    torch keeps them in the tensor's ``_backward_hooks`` (there is no public listing);
    the watch's own hooks on a parameter are post-accumulate ones, kept elsewhere.
    """
    hooks = getattr(p, "_backward_hooks", None)
    return tuple(hooks.values()) if hooks else ()


def _state(optimizer: torch.optim.Optimizer, p: torch.Tensor) -> dict[str, torch.Tensor]:
    entries = optimizer.state.get(p, {})
    return {k: v.detach().clone() for k, v in entries.items() if isinstance(v, torch.Tensor)}


class Recorder:
    """Installs the hooks, hands one :class:`StepCapture` per step to ``on_step``.

    Given a model and an optimizer, the hooks are theirs. Given none (``watch()`` around
    a ``fit()`` or a Trainer that builds them inside), torch's global module and optimizer
    hooks stand in: the outermost module called with trainable parameters is taken for
    the model, every ``nn`` loss module (and functional loss) for the loss, and the first
    optimizer that steps for the optimizer — ``on_bind(model, optimizer)`` says so, just
    before that first step is taken; the model is then the outermost module seen whose
    parameters the optimizer updates. Another optimizer's steps are not recorded, nor
    (with the global hooks) a loss call that no forward of the model fed since the last.
    """

    def __init__(
        self,
        model: nn.Module | None,
        optimizer: torch.optim.Optimizer | None,
        loss_fn: Any,
        linear: nn.Linear | None,
        on_step: Callable[[StepCapture], None],
        on_bind: Callable[[nn.Module | None, torch.optim.Optimizer], None] | None = None,
    ) -> None:
        self.model = model
        self.optimizer = optimizer
        self.loss_fn = loss_fn
        self.linear = linear
        self.on_step = on_step
        self.on_bind = on_bind
        self.params: list[tuple[str, torch.Tensor, int]] = []
        if optimizer is not None:
            self._bind(model, optimizer)
        self.handles: list[RemovableHandle] = []
        self.mode: FunctionalLosses | None = None
        self.paused = False
        self.t = 0
        self.others = 0  # steps of other optimizers (global hooks), not recorded
        self._hooked: set[int] = set()  # parameters with a post-accumulate-grad hook
        self._depth = 0  # module calls in progress (global hooks)
        self._in_loss = 0  # loss-module calls in progress: their F.* calls are theirs
        self._linears: dict[int, Call] = {}  # id(nn.Linear) → its last call, before binding
        self._models: dict[int, tuple[nn.Module, Call]] = {}  # outermost ones, before binding
        self._fresh = False  # a model forward since the last loss call
        self._reset()
        self._pending: list[tuple[torch.Tensor, torch.Tensor | None, dict[str, torch.Tensor]]] = []
        self._closure = False

    @property
    def bound(self) -> bool:
        """The optimizer (and with it the model) is known."""
        return self.optimizer is not None

    def _bind(self, model: nn.Module | None, optimizer: torch.optim.Optimizer) -> None:
        self.model, self.optimizer = model, optimizer
        names = {id(p): n for n, p in model.named_parameters()} if model is not None else {}
        self.params = [
            (names.get(id(p), f"param{i}"), p, g)
            for g, group in enumerate(optimizer.param_groups)
            for i, p in enumerate(group["params"])
        ]

    def _reset(self) -> None:
        self._model_call: Call | None = None
        self._linear_call: Call | None = None
        # each loss call with the forwards it saw, and whether a backward went through it
        self._losses: list[_Seen] = []
        self._backward: dict[int, torch.Tensor] = {}  # id(parameter) → .grad after backward

    # ------------------------------------------------------------------ install
    def install(self) -> None:
        """Register every hook (``remove`` takes them all away again)."""
        if not self.bound:
            self._install_global()
            return
        assert self.model is not None and self.optimizer is not None
        self.handles.append(self.model.register_forward_hook(self._on_model, with_kwargs=True))
        if self.linear is not None and self.linear is not self.model:
            self.handles.append(
                self.linear.register_forward_hook(self._on_linear, with_kwargs=True)
            )
        if isinstance(self.loss_fn, nn.Module):
            self.handles.append(self.loss_fn.register_forward_hook(self._on_loss, with_kwargs=True))
        else:
            self._install_functional()
        self._hook_grads(p for _, p, _ in self.params)
        self.handles.append(self.optimizer.register_step_pre_hook(self._on_pre_step))
        self.handles.append(self.optimizer.register_step_post_hook(self._on_post_step))

    def _install_global(self) -> None:
        """torch's global hooks: every module call and every optimizer step in the block."""
        from torch.nn.modules import module
        from torch.optim import optimizer

        self.handles.append(module.register_module_forward_pre_hook(self._on_any_pre))
        self.handles.append(module.register_module_forward_hook(self._on_any, with_kwargs=True))
        self.handles.append(optimizer.register_optimizer_step_pre_hook(self._on_pre_step))
        self.handles.append(optimizer.register_optimizer_step_post_hook(self._on_post_step))
        self._install_functional()

    def _install_functional(self) -> None:
        def on_loss(module: nn.Module, args: tuple[Any, ...], out: Any) -> None:
            if not self._in_loss:
                self._on_loss(module, args, {}, out)

        self.mode = FunctionalLosses(on_loss)
        self.mode.__enter__()  # type: ignore[no-untyped-call]

    def _hook_grads(self, params: Iterable[torch.Tensor]) -> None:
        """A post-accumulate-grad hook on each parameter not hooked yet."""
        for p in params:
            if id(p) not in self._hooked and p.requires_grad:
                self._hooked.add(id(p))
                hook = p.register_post_accumulate_grad_hook(self._after_backward)  # type: ignore[no-untyped-call]
                self.handles.append(hook)

    def remove(self) -> None:
        """Remove every hook this recorder registered."""
        for handle in self.handles:
            handle.remove()
        self.handles.clear()
        self._hooked.clear()
        if self.mode is not None:
            self.mode.__exit__(None, None, None)  # type: ignore[no-untyped-call]
            self.mode = None

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Hooks ignore the calls made inside (the watch's own recomputations)."""
        before, self.paused = self.paused, True
        try:
            yield
        finally:
            self.paused = before

    # ------------------------------------------------------------------ hooks
    def _seen(self) -> bool:
        return not self.paused and torch.is_grad_enabled()

    def _on_any_pre(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        """Global pre-hook: count the calls in progress (the outermost one is the model's)."""
        self._depth += 1
        if isinstance(module, _Loss):
            self._in_loss += 1

    def _on_any(self, module: nn.Module, args: tuple[Any, ...], kwargs: Any, out: Any) -> None:
        """Global hook: a module call, told apart as the model's, its nn.Linear's or a loss's."""
        self._depth -= 1
        if isinstance(module, _Loss):
            self._in_loss -= 1
            self._on_loss(module, args, kwargs, out)
        elif self.bound:
            if module is self.model:
                self._on_model(module, args, kwargs, out)
            elif module is self.linear:
                self._on_linear(module, args, kwargs, out)
        elif self._seen():
            if isinstance(module, nn.Linear):
                self._linears[id(module)] = Call(_copy(args), _copy(kwargs), _copy(out))
            trainable = [p for p in module.parameters() if p.requires_grad]
            if self._depth == 0 and trainable:
                self.model = module  # the model, until the first step says otherwise
                self._hook_grads(trainable)
                self._on_model(module, args, kwargs, out)
                assert self._model_call is not None
                self._models[id(module)] = (module, self._model_call)

    def _on_model(self, module: nn.Module, args: tuple[Any, ...], kwargs: Any, out: Any) -> None:
        if self._seen():
            self._model_call = Call(_copy(args), _copy(kwargs), _copy(out))
            self._fresh = True
            if module is self.linear:
                self._linear_call = self._model_call

    def _on_linear(self, module: nn.Module, args: tuple[Any, ...], kwargs: Any, out: Any) -> None:
        if self._seen():
            self._linear_call = Call(_copy(args), _copy(kwargs), _copy(out))

    def _watched(self) -> list[torch.Tensor]:
        """The parameters whose gradients a loss call's leftovers are taken of."""
        if self.bound:
            return [p for _, p, _ in self.params]
        return list(self.model.parameters()) if self.model is not None else []

    def _on_loss(self, module: nn.Module, args: tuple[Any, ...], kwargs: Any, out: Any) -> None:
        if self.on_bind is not None and self.bound and not self._fresh:
            return  # another model's loss: no forward of this one fed it
        self._fresh = False
        if self._seen():
            backward = isinstance(out, torch.Tensor) and out.requires_grad
            left = {} if backward else self._grads()  # else taken when the backward reaches it
            call = LossCall(_copy(args), _copy(kwargs), _copy(out), (), module)
            seen = _Seen(call, (self._model_call, self._linear_call), left)
            self._losses.append(seen)
            if backward:
                out.register_hook(lambda g: seen.went_through(g, self._grads()))

    def _grads(self) -> dict[int, torch.Tensor | None]:
        """id(p) → a copy of p.grad, for each watched parameter."""
        return {id(p): _copy(p.grad) for p in self._watched()}

    def _after_backward(self, p: torch.Tensor) -> None:
        if not self.paused and p.grad is not None:
            self._backward[id(p)] = p.grad.detach().clone()

    def _on_pre_step(
        self, optimizer: torch.optim.Optimizer, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        if self.paused:
            return
        if not self.bound:
            self._bind(self._owner(optimizer), optimizer)
            if self.model is not None and self.linear is None:
                self._bind_linear()
            if self.on_bind is not None:
                self.on_bind(self.model, optimizer)
            self._hook_grads(p for _, p, _ in self.params)  # from the next backward on
        if optimizer is not self.optimizer:
            self.others += 1
            return
        # torch passes step's own arguments, the optimizer first: (optimizer, closure?)
        self._closure = any(a is not None for a in args[1:]) or kwargs.get("closure") is not None
        self._pending = [
            (p.detach().clone(), _copy(p.grad), _state(optimizer, p)) for _, p, _ in self.params
        ]

    def _owner(self, optimizer: torch.optim.Optimizer) -> nn.Module | None:
        """The outermost module seen whose parameters include all the optimizer updates."""
        wanted = {id(p) for group in optimizer.param_groups for p in group["params"]}
        for module, call in reversed(self._models.values()):
            if wanted <= {id(p) for p in module.parameters()}:
                if module is not self.model:  # the step's forward was another module's
                    self._model_call = call
                    self._losses = [s for s in self._losses if s.fed[0] is call]
                self._models.clear()
                return module
        self._models.clear()
        return self.model

    def _bind_linear(self) -> None:
        """After binding: the model's nn.Linear, if it is one, with its call of this step."""
        assert self.model is not None
        linears = [m for m in self.model.modules() if isinstance(m, nn.Linear)]
        if len(linears) == 1:
            self.linear = linears[0]
            last = self._linears.get(id(self.linear))
            for seen in self._losses:  # the calls so far were recorded without it
                seen.fed = (seen.fed[0], last)
            self._linear_call = last
        self._linears.clear()

    def _on_post_step(
        self, optimizer: torch.optim.Optimizer, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        if self.paused or optimizer is not self.optimizer:
            return
        self.t += 1
        groups = optimizer.param_groups
        params = tuple(
            ParamStep(
                name=name,
                before=before,
                grad=grad,
                backward=self._backward.get(id(p)),
                after=p.detach().clone(),
                state_before=state,
                state_after=_state(optimizer, p),
                group=g,
                hyper={k: v for k, v in groups[g].items() if k != "params"},
                hooks=_tensor_hooks(p),
            )
            for (name, p, g), (before, grad, state) in zip(self.params, self._pending, strict=True)
        )
        # the loss calls a backward went through; if none was seen (a loss outside a
        # module hook's view), every call with autograd on
        used = [s for s in self._losses if s.backward] or self._losses
        last = used[-1] if used else None
        capture = StepCapture(
            self.t,
            *(last.fed if last else (self._model_call, self._linear_call)),
            last.aligned([p for _, p, _ in self.params]) if last else None,
            len(used),
            last.scale if last else 1.0,
            params,
            self._closure,
        )
        self._reset()
        self.on_step(capture)

"""What every update rule is: its state, its closed-form step, its torch.optim twin.

A rule updates one parameter θ (W (d, k) or B (k,)) from its gradient g = dL/dθ; a
joint rule (L-BFGS) updates W and B as one vector (``update_layer``).
State lives in a dict per parameter with the same keys torch.optim uses, so the two
sides can be compared key by key and one side's state loaded into the other. The step
counter t (1 on the first update) is kept by the caller, not in the dict.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import torch

from ..bounds import bounded
from ..data.checks import check_fraction
from .worked import Element, Line, gradient_line

if TYPE_CHECKING:
    from ..losses.loss import Numbers

State = dict[str, torch.Tensor]


class UpdateRule(ABC):
    """An optimizer rule θ ← rule(θ, g, state, t, γ) in closed form, plus its twin."""

    name: ClassVar[str]
    title: ClassVar[str]  # human name, English
    counts_steps: ClassVar[bool] = True  # torch keeps state["step"]
    twin: ClassVar[str]  # the torch.optim class that computes it, e.g. "SGD"
    symbols: ClassVar[tuple[tuple[str, str], ...]] = ()  # (TeX symbol, option) of its hypers
    uses_step: ClassVar[bool] = False  # its formulas read the step count t (bias correction…)
    state_symbols: ClassVar[tuple[tuple[str, str], ...]] = ()  # (state key, its TeX symbol)
    weight_decay: float = 0.0  # λ; every rule here has one (0: none)
    joint: ClassVar[bool] = False  # steps W and B as one vector (L-BFGS), not each alone

    def __init__(self, lr: float) -> None:
        self.lr = bounded("lr", lr)

    @abstractmethod
    def options(self) -> dict[str, Any]:
        """Every hyper-parameter, lr included, under torch.optim's argument names."""

    @abstractmethod
    def update(
        self,
        theta: torch.Tensor,
        g: torch.Tensor,
        state: State,
        t: int,
        lr: float,
        keep: dict[str, torch.Tensor | float] | None = None,
    ) -> tuple[torch.Tensor, State]:
        """One closed-form step: the new θ and the new state (the inputs are not changed).

        Given ``keep``, the step also writes its named intermediates there (the explanation
        reads them): "g" the gradient the rule steps on (weight decay folded in), then the
        rule's own — see each rule. Training passes none, so its hot path does no more.
        """

    def update_layer(
        self,
        W: torch.Tensor,
        B: torch.Tensor,
        dW: torch.Tensor,
        dB: torch.Tensor,
        state: Mapping[str, State],
        t: int,
        lr: float,
        rule_B: UpdateRule | None = None,
        keep: Mapping[str, dict[str, torch.Tensor | float]] | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, dict[str, State]]:
        """The layer's step: W′, B′ and the state per parameter ("W", "B").

        Here each parameter by :meth:`update` on its own (B by ``rule_B`` if given), each
        writing its intermediates in ``keep["W"]``, ``keep["B"]``; a :attr:`joint` rule
        steps both together.
        """
        keep_W, keep_B = (None, None) if keep is None else (keep["W"], keep["B"])
        W_after, state_W = self.update(W, dW, state.get("W", {}), t, lr, keep_W)
        B_after, state_B = (rule_B or self).update(B, dB, state.get("B", {}), t, lr, keep_B)
        return W_after, B_after, {"W": state_W, "B": state_B}

    def decayed(self, g: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
        """g + λ·θ: weight decay folded into the gradient (L2); g itself when λ = 0."""
        return g + self.weight_decay * theta if self.weight_decay else g

    def worked(self, e: Element, f: Numbers) -> list[Line]:
        """θ's update written out, formula and numbers (:mod:`.worked`), for this rule's λ.

        A rule registered without its own lines shows θ before and after.
        """
        line, _ = gradient_line(e, 0.0, f)
        step = rf"{e.label} \leftarrow {f.num(e.theta)} \to {f.num(e.new)}"
        return [line, (r"\theta \leftarrow \operatorname{rule}(\theta, g)", step)]

    def note_keys(self) -> tuple[str, ...]:
        """The explanation's notes that this rule's options call for (word keys)."""
        return ()

    shown: ClassVar[tuple[tuple[str, str], ...]] = ()  # (intermediate, TeX) shown as results

    @classmethod
    def name_of_twin(cls, optimizer: torch.optim.Optimizer) -> str:
        """The rule a torch.optim ``optimizer`` of class :attr:`twin` computes: this one."""
        return cls.name

    @abstractmethod
    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        """The torch.optim optimizer with the same hyper-parameters (params or param groups)."""

    def for_bias(self, decay_bias: bool) -> UpdateRule:
        """The rule for B: this one, or a copy without weight decay when B is not decayed.

        scikit-learn leaves the intercept out of its penalty; torch.optim decays every
        parameter unless a parameter group says otherwise.
        """
        if decay_bias or not self.weight_decay:
            return self
        return type(self)(**{**self.options(), "weight_decay": 0.0})

    def torch_groups(
        self, weight: torch.Tensor, bias: torch.Tensor, decay_bias: bool
    ) -> list[dict[str, Any]]:
        """Parameter groups for the twin: the bias in a group without weight decay if asked."""
        if decay_bias:
            return [{"params": [weight, bias]}]
        return [{"params": [weight]}, {"params": [bias], "weight_decay": 0.0}]

    def state_keys(self) -> tuple[str, ...]:
        """The tensors torch.optim keeps per parameter under these options (besides "step")."""
        return ()

    def to_torch_state(self, state: State, t_done: int) -> dict[str, Any]:
        """This rule's state as torch.optim stores it after ``t_done`` updates."""
        out: dict[str, Any] = {k: v.clone() for k, v in state.items()}
        if self.counts_steps:
            out["step"] = torch.tensor(float(t_done))
        return out

    def load_torch_state(
        self,
        optimizer: torch.optim.Optimizer,
        params: Mapping[str, torch.Tensor],
        state: Mapping[str, State],
        t_done: int,
    ) -> None:
        """Seed torch.optim's ``optimizer`` with ``state`` after ``t_done`` updates.

        ``params`` are its parameters by name ("W": the layer's weight = Wᵀ, "B": its bias):
        torch keeps the state per parameter, weight-shaped (k, d) for W.
        """
        for name, p in params.items():
            loaded = {k: _to_layer(name, v) for k, v in state.get(name, {}).items()}
            optimizer.state[p] = self.to_torch_state(loaded, t_done)

    def read_torch_state(
        self, optimizer: torch.optim.Optimizer, params: Mapping[str, torch.Tensor]
    ) -> dict[str, State]:
        """``optimizer``'s state after a step, per parameter in this rule's keys and shapes."""
        return {
            name: {k: _to_layer(name, optimizer.state[p][k]).clone() for k in self.state_keys()}
            for name, p in params.items()
        }

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}({opts})"


def _to_layer(name: str, tensor: torch.Tensor) -> torch.Tensor:
    """W-shaped (d, k) ↔ weight-shaped (k, d): a transpose for W, nothing for B."""
    return tensor.T if name == "W" else tensor


def check_betas(betas: tuple[float, float]) -> tuple[float, float]:
    """Adam's (β1, β2), each in [0, 1)."""
    b1, b2 = betas
    return (check_fraction("betas[0]", b1), check_fraction("betas[1]", b2))


def check_weight_decay(value: float) -> float:
    """λ in its bounds (perceptron_lab.bounds.BOUNDS: [0, 1000])."""
    return float(bounded("weight_decay", value))

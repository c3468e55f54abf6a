"""Softmax cross-entropy over k ≥ 2 classes (nn.CrossEntropyLoss)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from ..errors import InputError
from . import register_loss
from .activations import SOFTMAX
from .loss import Loss, Numbers, first_bad

if TYPE_CHECKING:
    from ..data.dataset import DataFacts


@register_loss
class SoftmaxCrossEntropy(Loss):
    """Cross-entropy of softmax(z) against an integer class label c ∈ {0, …, k−1}.

    ℓₙ = −log softmax(zₙ)_c = logsumexp(zₙ) − zₙ,c
    ∂ℓₙ/∂zₙ = softmax(zₙ) − onehot(c)

    One ℓ per sample, so "mean" divides by N.
    """

    name = "cross_entropy"
    title = "softmax cross-entropy"
    activation = SOFTMAX
    labels = "integer class labels 0, 1, …, k−1 with k ≥ 2"
    formula = "ℓ = −log softmax(z)_c = logsumexp(z) − z_c"
    gradient = "∂ℓ/∂z = softmax(z) − onehot(c)"
    task = "multiclass"
    takes = ("binary", "multiclass")
    auto_for = "multiclass"
    rowwise = True
    twins = ("CrossEntropyLoss", "NLLLoss")
    log_probability_twins = ("NLLLoss",)
    tex_grad = r"\operatorname{softmax}(Z) - \operatorname{onehot}(c)"

    def outputs(self, dataset: DataFacts) -> int:
        """One output per class."""
        return dataset.n_classes

    def tex_formula(self, sub: str) -> str:
        return r"\ell_n = -\log \operatorname{softmax}(z_n)[c_n] = \log \sum_{l} \exp(z_n[l]) - z_n[c_n]"

    def tex_row_at(self, f: Numbers, z: list[float], shown: int, c: int, ell: float, n: int) -> str:
        """ℓₙ = log Σ exp(zₙ[l]) − zₙ[c] with the row's first ``shown`` logits."""
        row = [f"\\exp({f.num(v)})" for v in z[:shown]]
        return (
            f"\\ell_{{{n + 1}}} = \\log({f.total(row, len(z))}) - z_{{{n + 1}}}[{c}] "
            f"= {f.num(ell + z[c])} - {f.term(z[c])} = {f.num(ell)}"
        )

    def tex_grad_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        return f"{f.num(a)} - {1 if int(y) == j else 0}"

    def targets(self, y: torch.Tensor, k: int) -> torch.Tensor:
        if y.dim() == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.dim() != 1:
            raise InputError(
                "y", f"a 1-D vector of class labels for {self.title}", f"shape {tuple(y.shape)}"
            )
        if k < 2:
            raise InputError("k", f"at least 2 outputs for {self.title}", str(k))
        bad = (y != y.round()) | (y < 0) | (y > k - 1)
        if bool(bad.any()):
            raise InputError(
                "y", f"labels for {self.title}: {self.labels} (k = {k})", first_bad(y, bad)
            )
        return y.to(torch.int64)

    def output_size(self, y: torch.Tensor) -> int:
        return max(2, int(y.max().item()) + 1)

    def elements(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        m = z.max(dim=1, keepdim=True).values  # (N, 1)
        lse = m[:, 0] + torch.log(torch.exp(z - m).sum(dim=1))  # (N,)
        return lse - z.gather(1, y.unsqueeze(1))[:, 0]

    def value_and_grad(self, z: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Both from one e = exp(z − m), m = maxⱼ zⱼ (the same operations as ``value`` and
        ``grad_z`` apart, so the same bits, with exp taken once):

        ℓₙ = m + log Σⱼ eⱼ − zₙ,c,   ∂ℓₙ/∂zₙ = e / Σⱼ eⱼ − onehot(c)
        """
        m = z.max(dim=1, keepdim=True).values  # (N, 1)
        e = torch.exp(z - m)  # (N, k)
        total = e.sum(dim=1, keepdim=True)  # (N, 1)
        ell = m[:, 0] + torch.log(total[:, 0]) - z.gather(1, y.unsqueeze(1))[:, 0]
        g = e / total  # softmax
        column = y.unsqueeze(1)
        g.scatter_add_(1, column, torch.full(column.shape, -1.0, dtype=g.dtype, device=g.device))
        return self.reduce(ell), self.per_count(g, z)

    def element_gradient(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        g = self.activation.closed(z)  # softmax, (N, k)
        g[torch.arange(z.shape[0], device=z.device), y] -= 1
        return g

    def magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """logsumexp(z) and z_c are subtracted: both are about max|z| + log k in size."""
        m = z.abs().max(dim=1).values + z.gather(1, y.unsqueeze(1)).abs()[:, 0]  # (N,)
        return self.reduce(m)

    def grad_magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        g = self.activation.closed(z)  # softmax + onehot
        g[torch.arange(z.shape[0], device=z.device), y] += 1
        return self.per_count(g, z)

    def elements_count(self, z: torch.Tensor) -> int:
        return z.shape[0]

    @classmethod
    def twin_options(cls, module: torch.nn.Module) -> dict[str, Any]:
        smoothing = getattr(module, "label_smoothing", 0.0)
        if smoothing:
            raise ValueError(
                f"{type(module).__name__}(label_smoothing={smoothing}) has no closed form"
            )
        return super().twin_options(module)

    def torch_module(self) -> torch.nn.Module:
        return torch.nn.CrossEntropyLoss(reduction=self.reduction)

    def predict(self, z: torch.Tensor) -> torch.Tensor:
        """The class of the largest logit."""
        return z.argmax(dim=1)

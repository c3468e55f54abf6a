"""Words in English and Spanish. The Spanish follows the seed notebook's vocabulary."""

from __future__ import annotations

import os

LANGUAGES = ("en", "es")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "ex1": "Example 1: the forward pass — logits Z = XW + B",
        "ex2": "Example 2: the loss — sigmoid and binary cross-entropy",
        "ex3": "Example 3: the gradient — dL/dW and dL/dB",
        "ex4": "Example 4: applying the gradient — one SGD step (lr = {lr})",
        "ex5": "Example 5: the whole loop — the Perceptron class, {epochs} epochs (seed {seed})",
        "quantity": "quantity",
        "by_hand": "by formula",
        "by_torch": "by PyTorch",
        "gap": "disagreement",
        "logit": "Z (logit)",
        "prob": "σ(Z) (probability)",
        "bce": "L (binary cross-entropy)",
        "bce_notebook": "L, the notebook's formula",
        "dZ": "dL/dZ",
        "dW": "dL/dW",
        "dB": "dL/dB",
        "new_W": "new W",
        "new_B": "new B",
        "f_ex2": "σ(z) = 1 / (1 + exp(−z));  L = −mean(y·log σ(Z) + (1 − y)·log(1 − σ(Z)))  (the notebook's formula on p = σ(Z))",
        "f_ex3": "dL/dZ = (σ(Z) − y) / N;  dL/dW = Xᵀ·dL/dZ;  dL/dB = Σₙ dL/dZ   (N = 3, the batch size)",
        "f_ex4": "W ← W − lr·dL/dW;  B ← B − lr·dL/dB",
        "epoch": "epoch",
        "loss": "loss",
        "torch_linear": "PyTorch: nn.Linear(2, 1) with weight = Wᵀ, bias = B",
        "torch_sigmoid": "PyTorch: torch.sigmoid; loss: nn.BCEWithLogitsLoss on the logits",
        "torch_grad": "PyTorch: loss.backward(), then linear.weight.grad.T and linear.bias.grad",
        "torch_step": "PyTorch: optim.SGD(linear.parameters(), lr={lr}).step()",
        "float32_note": (
            "Why is the first logit {computed} and not 0? In float32, {inputs}. With these "
            "stored numbers, 1·0.5 + 2·W₂ + B is exactly {exact} — the inputs, not the "
            "arithmetic, make it non-zero. In exact decimal arithmetic it is {decimal}."
        ),
        "stored_as": "{written} is stored as {stored}",
        "and": "and",
        "verified": "Every number above was computed twice and agrees: worst disagreement {gap} ({name}).",
        "shapes": "X (3×2) · W (2×1) + B (1) → Z (3×1)",
        "seed_note": "Random start: torch.manual_seed({seed}); the same seed prints the same losses.",
    },
    "es": {
        "ex1": "Ejemplo 1: elemental — señal neta (logit) Z = XW + B",
        "ex2": "Ejemplo 2: cálculo de pérdida — sigmoide y entropía cruzada binaria",
        "ex3": "Ejemplo 3: comportamiento del gradiente — dL/dW y dL/dB",
        "ex4": "Ejemplo 4: aplicación del gradiente — un paso de descenso por gradiente estocástico (tasa de aprendizaje = {lr})",
        "ex5": "Ejemplo 5: implementación completa — la clase Perceptron, {epochs} épocas (semilla {seed})",
        "quantity": "cantidad",
        "by_hand": "a mano",
        "by_torch": "con PyTorch",
        "gap": "discrepancia",
        "logit": "Z (señal neta)",
        "prob": "σ(Z) (probabilidad)",
        "bce": "L (entropía cruzada binaria)",
        "bce_notebook": "L, fórmula del cuaderno",
        "dZ": "dL/dZ",
        "dW": "dL/dW",
        "dB": "dL/dB",
        "new_W": "nuevo W",
        "new_B": "nuevo B (sesgo)",
        "f_ex2": "σ(z) = 1 / (1 + exp(−z));  L = −mean(y·log σ(Z) + (1 − y)·log(1 − σ(Z)))  (fórmula del cuaderno sobre p = σ(Z))",
        "f_ex3": "dL/dZ = (σ(Z) − y) / N;  dL/dW = Xᵀ·dL/dZ;  dL/dB = Σₙ dL/dZ   (N = 3, el tamaño del lote)",
        "f_ex4": "W ← W − lr·dL/dW;  B ← B − lr·dL/dB",
        "epoch": "época",
        "loss": "pérdida",
        "torch_linear": "PyTorch: nn.Linear(2, 1) con weight = Wᵀ, bias = B",
        "torch_sigmoid": "PyTorch: torch.sigmoid; pérdida: nn.BCEWithLogitsLoss sobre los logits",
        "torch_grad": "PyTorch: loss.backward() (retropropagación), luego linear.weight.grad.T y linear.bias.grad",
        "torch_step": "PyTorch: optim.SGD(linear.parameters(), lr={lr}).step()",
        "float32_note": (
            "¿Por qué el primer logit es {computed} y no 0? En float32, {inputs}. Con esos "
            "números almacenados, 1·0.5 + 2·W₂ + B vale exactamente {exact}: son las entradas, "
            "no la aritmética, las que lo hacen distinto de cero. En aritmética decimal exacta vale {decimal}."
        ),
        "stored_as": "{written} se almacena como {stored}",
        "and": "y",
        "verified": "Cada número se calculó dos veces y coinciden: mayor discrepancia {gap} ({name}).",
        "shapes": "X (3×2) · W (2×1) + B (1) → Z (3×1)",
        "seed_note": "Inicio aleatorio: torch.manual_seed({seed}); la misma semilla imprime las mismas pérdidas.",
    },
}


def default_language() -> str:
    """Spanish when the locale says so (LC_ALL, LC_MESSAGES or LANG start with 'es'), else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def words(lang: str) -> dict[str, str]:
    """The vocabulary of ``lang`` (one of :data:`LANGUAGES`)."""
    return TEXT[lang]

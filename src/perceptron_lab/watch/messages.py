"""The watch's words, in English and Spanish: one line per diagnosed cause, one per note."""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from ..views.i18n import LANGUAGES, default_language

CAUSES = (
    "not_zeroed",
    "reduction",
    "broadcast",
    "probabilities_to_logits_loss",
    "logits_to_probability_loss",
    "double_sigmoid",
    "weight_decay",
    "weight_decay_loss",
    "optimizer_settings",
    "unexplained",
)

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "step": "step {step}: {text}",
        "not_zeroed": (
            "gradients not zeroed between steps: {quantity} is this step's gradient plus the "
            "one left from earlier backward passes (call optimizer.zero_grad() every step)"
        ),
        "reduction": (
            "mean vs sum reduction: the loop's gradient is {factor:.6g} × the closed form's — "
            "the loss was {got} over its {count} elements where the {want} was expected "
            "(check reduction= and any · N or / N)"
        ),
        "summed": "summed",
        "averaged": "averaged",
        "sum": "sum",
        "mean": "mean",
        "broadcast": (
            "a target of shape {target} against logits of shape {input} broadcast into a "
            "{shape} loss (reshape the target to {input})"
        ),
        "probabilities_to_logits_loss": (
            "probabilities fed to {module}: its input is σ(Z), not the logits Z "
            "(pass the logits, or use nn.BCELoss)"
        ),
        "logits_to_probability_loss": (
            "logits fed to {module}: its input is Z, not σ(Z) "
            "(use nn.BCEWithLogitsLoss on the logits)"
        ),
        "double_sigmoid": "sigmoid applied twice: {module} gets {chain} instead of {wanted}",
        "weight_decay": (
            "weight decay on one side only: {optimizer} applies weight_decay = {actual:g} "
            "and the expected update has {expected:g}"
        ),
        "weight_decay_loss": (
            "weight decay on one side only: the loop's gradient carries λ·θ with λ = "
            "{lam:.4g} (an L2 penalty added to the loss{where}) that {module} does not"
        ),
        "weight_decay_W": ", on W only",
        "optimizer_settings": (
            "the optimizer's settings differ from the expected ones: {settings} "
            "(the update matches the optimizer's own)"
        ),
        "unexplained": (
            "{quantity} of the loop disagrees with the {against} ({gap:.1e} > {tol:.0e}) "
            "and no known cause explains it (checked: {tried})"
        ),
        "nothing": "nothing",
        "closed_form": "closed form",
        "rule": "optimizer's rule",
        "finite_differences": "finite differences",
        # notes
        "not_linear": (
            "{why}: gradients are checked by finite differences and updates by the "
            "optimizer's rule, not by the closed form of the step"
        ),
        "no_closed_form": "{why}: the closed form of the step is not checked",
        "no_rule": "{why}: updates are not checked against a closed-form rule",
        "fd_capped": "finite differences on {checked} of {total} parameter entries per step",
        "no_fd": "finite differences not run: {why}",
        "fd_link": "the loss input is not the model's output (nor σ of it)",
        "fd_reproduce": "model(X) in float64 does not reproduce the loop's loss (dropout? batch norm?)",
        "moved": (
            "step {step}: the parameters changed outside optimizer.step() since the previous "
            "step (by up to {gap:.1e})"
        ),
        "accumulation": (
            "step {step}: {calls} loss calls with autograd on before one optimizer.step(): "
            "gradient accumulation is recorded, not verified"
        ),
        "closure": "step {step}: optimizer.step(closure) is recorded, not verified",
        "unseen": "step {step}: {why}",
        "none_reduction": (
            "{module}(reduction='none'): the loop's own reduction is taken as 'mean' "
            "(expect={{'reduction': 'sum'}} says it sums)"
        ),
        "big": "{size} parameters: per-step parameter vectors are not stored (more than {cap})",
    },
    "es": {
        "step": "paso {step}: {text}",
        "not_zeroed": (
            "gradientes sin poner a cero entre pasos: {quantity} es el gradiente de este paso "
            "más el que dejaron retropropagaciones anteriores (llama a optimizer.zero_grad() "
            "en cada paso)"
        ),
        "reduction": (
            "reducción media o suma: el gradiente del bucle es {factor:.6g} × el de la forma "
            "cerrada — la pérdida se {got} sobre sus {count} elementos y se esperaba la {want} "
            "(revisa reduction= y cualquier · N o / N)"
        ),
        "summed": "sumó",
        "averaged": "promedió",
        "sum": "suma",
        "mean": "media",
        "broadcast": (
            "un objetivo de forma {target} contra logits de forma {input} se difunde "
            "(broadcasting) en una pérdida {shape} (da al objetivo la forma {input})"
        ),
        "probabilities_to_logits_loss": (
            "probabilidades pasadas a {module}: su entrada es σ(Z), no los logits Z "
            "(pasa los logits, o usa nn.BCELoss)"
        ),
        "logits_to_probability_loss": (
            "logits pasados a {module}: su entrada es Z, no σ(Z) "
            "(usa nn.BCEWithLogitsLoss sobre los logits)"
        ),
        "double_sigmoid": "sigmoide aplicada dos veces: {module} recibe {chain} en vez de {wanted}",
        "weight_decay": (
            "decaimiento de pesos en un solo lado: {optimizer} aplica weight_decay = {actual:g} "
            "y la actualización esperada tiene {expected:g}"
        ),
        "weight_decay_loss": (
            "decaimiento de pesos en un solo lado: el gradiente del bucle lleva λ·θ con λ = "
            "{lam:.4g} (una penalización L2 sumada a la pérdida{where}) que {module} no tiene"
        ),
        "weight_decay_W": ", solo sobre W",
        "optimizer_settings": (
            "la configuración del optimizador difiere de la esperada: {settings} "
            "(la actualización coincide con la del optimizador)"
        ),
        "unexplained": (
            "{quantity} del bucle no coincide con {against} ({gap:.1e} > {tol:.0e}) "
            "y ninguna causa conocida lo explica (comprobado: {tried})"
        ),
        "nothing": "nada",
        "closed_form": "la forma cerrada",
        "rule": "la regla del optimizador",
        "finite_differences": "las diferencias finitas",
        "not_linear": (
            "{why}: los gradientes se comprueban por diferencias finitas y las actualizaciones "
            "con la regla del optimizador, no con la forma cerrada del paso"
        ),
        "no_closed_form": "{why}: la forma cerrada del paso no se comprueba",
        "no_rule": "{why}: las actualizaciones no se comprueban con una regla en forma cerrada",
        "fd_capped": "diferencias finitas sobre {checked} de {total} entradas de parámetros por paso",
        "no_fd": "sin diferencias finitas: {why}",
        "fd_link": "la entrada de la pérdida no es la salida del modelo (ni σ de ella)",
        "fd_reproduce": (
            "model(X) en float64 no reproduce la pérdida del bucle (¿dropout? ¿batch norm?)"
        ),
        "moved": (
            "paso {step}: los parámetros cambiaron fuera de optimizer.step() desde el paso "
            "anterior (hasta {gap:.1e})"
        ),
        "accumulation": (
            "paso {step}: {calls} llamadas a la pérdida con autograd antes de un "
            "optimizer.step(): la acumulación de gradientes se registra, no se verifica"
        ),
        "closure": "paso {step}: optimizer.step(closure) se registra, no se verifica",
        "unseen": "paso {step}: {why}",
        "none_reduction": (
            "{module}(reduction='none'): la reducción propia del bucle se toma como 'mean' "
            "(expect={{'reduction': 'sum'}} indica que suma)"
        ),
        "big": (
            "{size} parámetros: no se guardan los vectores de parámetros de cada paso "
            "(más de {cap})"
        ),
    },
}


def check_language(lang: str | None) -> str:
    """``lang``, or the locale's language when None; anything but en/es is an InputError."""
    lang = lang or default_language()
    if lang not in LANGUAGES:
        raise InputError("lang", f"one of {', '.join(LANGUAGES)}", repr(lang))
    return lang


def say(lang: str, key: str, **fields: Any) -> str:
    """The sentence ``key`` in ``lang`` with ``fields`` filled in."""
    return TEXT[lang][key].format(**fields)


def word(lang: str, key: str) -> str:
    """One word of ``lang``'s vocabulary."""
    return TEXT[lang][key]

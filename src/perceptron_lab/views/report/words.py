"""The report's words in English and Spanish (the Spanish of the seed notebook)."""

from __future__ import annotations

from ...errors import InputError
from ..i18n import LANGUAGES

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Run report",
        "made_by": "Made by perceptron-lab {version} from {source}.",
        "settings": "Settings and data",
        "metrics": "Metrics",
        "history": "Per-epoch history",
        "verification": "Verification against PyTorch",
        "plots": "Plots",
        "explanations": "Worked steps: the first and the last",
        "steps": "Every step's numbers",
        # settings
        "status": "status",
        "error": "error",
        "data": "data",
        "size": "samples × features",
        "held_out": "{n} held out for test",
        "standardized": "features standardized",
        "task": "task",
        "classes": "classes",
        "model": "model (input → output)",
        "loss": "loss",
        "optimizer": "optimizer",
        "schedule": "learning-rate schedule",
        "constant": "constant",
        "batch_size": "batch size",
        "batches": "{n} batches per epoch",
        "epochs": "epochs",
        "step_count": "steps",
        "of": "{done} of {total}",
        "seed": "seed",
        "dtype": "dtype",
        "parent": "branched from",
        "parent_value": "{run}, step {step}",
        "versions": "package versions",
        "fingerprint": "data fingerprint",
        "time": "time",
        "rate": "{seconds:.2f} s · {rate:,.0f} steps/s",
        "unknown": "running or killed",
        # metrics
        "train": "train",
        "test": "test",
        "epoch": "epoch",
        "accuracy": "accuracy",
        "r2": "R²",
        # verification
        "verified_steps": "verified steps",
        "verified_value": "{n} of {total} (the first, the last and every {every}th)",
        "verified_all": "{n} of {total} (every step)",
        "worst": "worst disagreement",
        "quantity": "quantity",
        "step": "step",
        "tolerance": "tolerance",
        "within": "every verified quantity within tolerance",
        "yes": "yes",
        "no": "no",
        "disagreement_formula": (
            "Disagreement = max|closed form − PyTorch| / max|PyTorch|, measured on the "
            "scale of the terms each quantity is made of."
        ),
        # plots
        "loss_curve": "Loss per step and per epoch",
        "gradients": "Gradient norm and disagreement per step",
        "boundary": "Decision boundary",
        "attribution": "Attribution of step {step}: each sample's term of dL/dW",
        "surface": "Loss surface over two parameters, with the optimizer's path",
        "no_plane": (
            "The decision boundary and the attribution are drawn for classifiers of "
            "2 features; this run has {features} features ({task})."
        ),
        "no_recipe": (
            "The plots that reload the data (boundary, attribution, loss surface) are left "
            "out: a watched loop keeps its batches, not a recipe for its data."
        ),
        "no_steps": "The run recorded no steps: there is nothing to plot or explain.",
        "failed": "{what} left out: {error}",
        # steps
        "lr": "lr",
        "grad_norm": "‖gradient‖",
        "verified": "verified",
        "W_after": "W after",
        "B_after": "B after",
        "sampled": (
            "The run has {total} steps; {shown} of them are shown, evenly spaced, with the "
            "first and the last. The trace (steps/*.parquet) holds them all."
        ),
        "vector_cut": "Vectors longer than {n} numbers show their first {n} (… and how many more).",
        "first_last": "The first {head} and the last {tail} of {total} steps.",
        "run": "Run",
        "not_verified": "PyTorch's twin did not run for this step: only the closed form is shown.",
        "over": "Worst disagreement {gap} ({name}) is over the tolerance {tol:.0e}.",
    },
    "es": {
        "title": "Informe del entrenamiento",
        "made_by": "Hecho con perceptron-lab {version} a partir de {source}.",
        "settings": "Configuración y datos",
        "metrics": "Métricas",
        "history": "Historial por época",
        "verification": "Verificación con PyTorch",
        "plots": "Gráficos",
        "explanations": "Pasos desarrollados: el primero y el último",
        "steps": "Los números de cada paso",
        "status": "estado",
        "error": "error",
        "data": "datos",
        "size": "muestras × características",
        "held_out": "{n} reservadas para prueba",
        "standardized": "características estandarizadas",
        "task": "tarea",
        "classes": "clases",
        "model": "modelo (entrada → salida)",
        "loss": "pérdida",
        "optimizer": "optimizador",
        "schedule": "programa de la tasa de aprendizaje",
        "constant": "constante",
        "batch_size": "tamaño del lote",
        "batches": "{n} lotes por época",
        "epochs": "épocas",
        "step_count": "pasos",
        "of": "{done} de {total}",
        "seed": "semilla",
        "dtype": "tipo de dato",
        "parent": "ramificado de",
        "parent_value": "{run}, paso {step}",
        "versions": "versiones de los paquetes",
        "fingerprint": "huella de los datos",
        "time": "tiempo",
        "rate": "{seconds:.2f} s · {rate:,.0f} pasos/s",
        "unknown": "en curso o interrumpido",
        "train": "entrenamiento",
        "test": "prueba",
        "epoch": "época",
        "accuracy": "exactitud",
        "r2": "R²",
        "verified_steps": "pasos verificados",
        "verified_value": "{n} de {total} (el primero, el último y uno de cada {every})",
        "verified_all": "{n} de {total} (todos los pasos)",
        "worst": "mayor discrepancia",
        "quantity": "cantidad",
        "step": "paso",
        "tolerance": "tolerancia",
        "within": "toda cantidad verificada dentro de la tolerancia",
        "yes": "sí",
        "no": "no",
        "disagreement_formula": (
            "Discrepancia = max|fórmula − PyTorch| / max|PyTorch|, medida en la escala de los "
            "términos de los que se compone cada cantidad."
        ),
        "loss_curve": "Pérdida por paso y por época",
        "gradients": "Norma del gradiente y discrepancia por paso",
        "boundary": "Frontera de decisión",
        "attribution": "Atribución del paso {step}: el término de cada muestra en dL/dW",
        "surface": "Superficie de pérdida sobre dos parámetros, con el camino del optimizador",
        "no_plane": (
            "La frontera de decisión y la atribución se dibujan para clasificadores de "
            "2 características; este entrenamiento tiene {features} ({task})."
        ),
        "no_recipe": (
            "Faltan los gráficos que recargan los datos (frontera, atribución, superficie de "
            "pérdida): un bucle observado guarda sus lotes, no una receta de sus datos."
        ),
        "no_steps": "El entrenamiento no registró pasos: no hay nada que graficar ni explicar.",
        "failed": "{what} no se incluye: {error}",
        "lr": "lr",
        "grad_norm": "‖gradiente‖",
        "verified": "verificado",
        "W_after": "W después",
        "B_after": "B después",
        "sampled": (
            "El entrenamiento tiene {total} pasos; se muestran {shown}, espaciados por igual, "
            "con el primero y el último. La traza (steps/*.parquet) los guarda todos."
        ),
        "vector_cut": "Los vectores de más de {n} números muestran los {n} primeros (… y cuántos más).",
        "first_last": "Los primeros {head} y los últimos {tail} de {total} pasos.",
        "run": "Entrenamiento",
        "not_verified": "PyTorch no se ejecutó en este paso: solo se muestra la fórmula.",
        "over": "La mayor discrepancia, {gap} ({name}), supera la tolerancia {tol:.0e}.",
    },
}


def report_words(lang: str) -> dict[str, str]:
    """The report's vocabulary in ``lang`` ('en' or 'es'), or an InputError."""
    if lang not in LANGUAGES:
        raise InputError("lang", " or ".join(LANGUAGES), repr(lang))
    return TEXT[lang]

"""The Spanish of ``compare``'s detail: each setting's sentences, the fits' names and settings.

The plan (sklearn/reconcile_plan.py) and the comparison (sklearn/reconcile.py) write them
in English, and so does ``compare --format json``; the terminal table translates each at
display (sklearn/reconcile_table.py), and so the warning a run without a penalty gets
(scikit-learn's own warnings stay as scikit-learn writes them). Keyed by the English as written, each f-string
field numbered ``<1>``, ``<2>`` … (see :mod:`.phrasebook`); formulas and code stay as
they are. tests/test_compare_spanish.py builds every sentence the plan can write and
fails on one this table lacks.
"""

from __future__ import annotations

COMPARE: dict[str, str] = {
    # what differs (Setting.name)
    "L2 penalty": "penalización L2",
    "penalty on the intercept": "penalización del término independiente",
    "data scale": "escala de los datos",
    "initial weights": "pesos iniciales",
    "softmax's free shift": "el desplazamiento libre de softmax",
    "stopping": "parada",
    "loss": "pérdida",
    "updates": "actualizaciones",
    "learning-rate schedule": "programa de la tasa de aprendizaje",
    "multiclass": "multiclase",
    # both models (reconcile_plan._common)
    "C=1.0: minimizes C·Σℓ + ½‖w‖²": "C=1.0: minimiza C·Σℓ + ½‖w‖²",
    "alpha=0: no penalty": "alpha=0: sin penalización",
    "C=inf (no penalty) and alpha=0": "C=inf (sin penalización) y alpha=0",
    "asked for no penalty; C=inf is scikit-learn's way to drop it": (
        "se pidió sin penalización; C=inf es la forma que tiene scikit-learn de quitarla"
    ),
    "alpha = 1/(C·N) = 1/(<1>·<2>) = <3>": "alpha = 1/(C·N) = 1/(<1>·<2>) = <3>",
    "C·Σℓ + ½‖w‖² is C·N times mean ℓ + ‖w‖²/(2·C·N): "
    "the mean loss with weight decay λ = 1/(C·N)": (
        "C·Σℓ + ½‖w‖² es C·N veces la media de ℓ + ‖w‖²/(2·C·N): "
        "la pérdida media con decaimiento de pesos λ = 1/(C·N)"
    ),
    "none: only w is penalized": "ninguna: solo se penaliza w",
    "torch.optim decays every parameter (TrainConfig decay_bias=True)": (
        "torch.optim aplica el decaimiento a todos los parámetros (TrainConfig decay_bias=True)"
    ),
    "decay_bias=False: λ on W only (PerceptronClassifier's setting)": (
        "decay_bias=False: λ solo sobre W (el ajuste de PerceptronClassifier)"
    ),
    "a decayed B pulls the intercept toward 0 and moves every coefficient": (
        "un B con decaimiento lleva el término independiente hacia 0 y mueve todos los coeficientes"
    ),
    "fits X as given": "ajusta X tal como viene",
    "both fit the same standardized X (mean 0, population std 1)": (
        "ambos ajustan la misma X estandarizada (media 0, desviación típica poblacional 1)"
    ),
    "raw features differ by orders of magnitude: the solvers then stop at different points": (
        "las variables en bruto difieren en órdenes de magnitud: los optimizadores se "
        "detienen entonces en puntos distintos"
    ),
    "zeros": "ceros",
    "nn.Linear's uniform draw from the seed": (
        "el sorteo uniforme de nn.Linear a partir de la semilla"
    ),
    "kept: with a penalty the optimum is unique, so the start does not matter": (
        "se mantiene: con penalización el óptimo es único, así que el punto de partida no importa"
    ),
    "without a penalty on separable data it does: there is no optimum to reach": (
        "sin penalización y con datos separables sí importa: no hay ningún óptimo que alcanzar"
    ),
    "W and B up to a shift shared by all classes": (
        "W y B salvo un desplazamiento común a todas las clases"
    ),
    "the same; B keeps the sum of its initial values": (
        "lo mismo; B conserva la suma de sus valores iniciales"
    ),
    "coefficients and intercepts compared after subtracting their mean over classes": (
        "coeficientes y términos independientes comparados tras restarles su media sobre las clases"
    ),
    "adding one vector to every class's logit changes no probability": (
        "sumar un mismo vector al logit de cada clase no cambia ninguna probabilidad"
    ),
    # LogisticRegression (reconcile_plan._logistic)
    "lbfgs, tol=1e-4, max_iter=100: stops early, about 1e-2 from the optimum": (
        "lbfgs, tol=1e-4, max_iter=100: se detiene pronto, a unos 1e-2 del óptimo"
    ),
    "a fixed number of epochs": "un número fijo de épocas",
    "tol=<1>, max_iter=<2>; ours: <3> full-batch Adam epochs, γ = <4> annealed by <5>, float64": (
        "tol=<1>, max_iter=<2>; el nuestro: <3> épocas de Adam con el lote completo, "
        "γ = <4> atenuada por <5>, float64"
    ),
    "tol=<1>, max_iter=<2>; ours: <3> full-batch Adam epochs, γ = <4>, float64": (
        "tol=<1>, max_iter=<2>; el nuestro: <3> épocas de Adam con el lote completo, "
        "γ = <4>, float64"
    ),
    "both must reach the optimum itself for their coefficients to agree": (
        "ambos deben llegar al óptimo mismo para que sus coeficientes coincidan"
    ),
    # SGDClassifier (reconcile_plan._sgd)
    "hinge: a linear SVM": "hinge: una SVM lineal",
    "binary cross-entropy (the logistic loss)": "entropía cruzada binaria (la pérdida logística)",
    "loss='log_loss'": "loss='log_loss'",
    "another loss has another optimum": "otra pérdida tiene otro óptimo",
    "alpha=1e-4: mean loss + α·½‖w‖²": "alpha=1e-4: pérdida media + α·½‖w‖²",
    "penalty=None": "penalty=None",
    "alpha = λ = <1>": "alpha = λ = <1>",
    "SGDClassifier's alpha is perceptron-lab's λ as it is": (
        "el alpha de SGDClassifier es tal cual la λ de perceptron-lab"
    ),
    "one sample per step, reshuffled each epoch": (
        "una muestra por paso, barajadas de nuevo en cada época"
    ),
    "full batch: one step per epoch": "lote completo: un paso por época",
    "kept: SGDClassifier has no full-batch mode": (
        "se mantiene: SGDClassifier no tiene modo de lote completo"
    ),
    "each step follows one sample's gradient: the noise left is the gap that remains": (
        "cada paso sigue el gradiente de una sola muestra: el ruido que queda es la "
        "diferencia que persiste"
    ),
    "'optimal': η_t = 1/(α·(t₀ + t))": "'optimal': η_t = 1/(α·(t₀ + t))",
    "constant γ (Adam), cosine-annealed here": "γ constante (Adam), aquí atenuada por un coseno",
    "kept: η_t falls as 1/t, so SGD settles near the optimum": (
        "se mantiene: η_t cae como 1/t, así que SGD se asienta cerca del óptimo"
    ),
    "a schedule that decays to 0 is what lets per-sample steps converge": (
        "un programa que decae hasta 0 es lo que permite converger a los pasos de una muestra"
    ),
    "tol=1e-3, n_iter_no_change=5, max_iter=1000": "tol=1e-3, n_iter_no_change=5, max_iter=1000",
    "tol=None: every epoch runs": "tol=None: se ejecutan todas las épocas",
    "its default stops when the loss improves by less than 1e-3": (
        "por defecto se detiene cuando la pérdida mejora menos de 1e-3"
    ),
    "one binary model per class (one-vs-rest)": "un modelo binario por clase (uno contra el resto)",
    "one softmax (cross-entropy) model": "un único modelo softmax (entropía cruzada)",
    "kept: only accuracies are compared": "se mantiene: solo se comparan las exactitudes",
    "one-vs-rest weights are another quantity than softmax's": (
        "los pesos de uno contra el resto son otra magnitud que los de softmax"
    ),
    # perceptron-lab's settings (Plan.ours_settings)
    "full batch, adam, γ = <1> annealed by <2>, <3> epochs, weight decay λ = <4> on W only, "
    "float64, seed <5>": (
        "lote completo, adam, γ = <1> atenuada por <2>, <3> épocas, decaimiento de pesos "
        "λ = <4> solo sobre W, float64, semilla <5>"
    ),
    "full batch, adam, γ = <1>, <2> epochs, weight decay λ = <3> on W only, float64, seed <4>": (
        "lote completo, adam, γ = <1>, <2> épocas, decaimiento de pesos λ = <3> solo sobre W, "
        "float64, semilla <4>"
    ),
    # the fits (reconcile._scikit_learn_models): names, and the settings of a default model
    "<1> (defaults)": "<1> (por defecto)",
    "<1> (matched)": "<1> (igualado)",
    "defaults": "por defecto",
    # the warning of a run without a penalty (reconcile._warnings), with and without its reason
    "Without a penalty ‖W‖ keeps growing (<1> at epoch <2>, <3> at epoch <4>) — the classes "
    "are linearly separable (LogisticRegression without a penalty classifies every sample "
    "correctly, ‖w‖ = <5>): the loss falls for ever as the coefficients run off, there is no "
    "finite optimum, and the coefficient gaps only measure how long each solver ran. "
    "Compare with --penalty l2.": (
        "Sin penalización ‖W‖ no deja de crecer (<1> en la época <2>, <3> en la época <4>) — "
        "las clases son linealmente separables (LogisticRegression sin penalización clasifica "
        "bien todas las muestras, ‖w‖ = <5>): la pérdida baja sin fin mientras los "
        "coeficientes se disparan, no hay un óptimo finito y las diferencias de coeficientes "
        "solo miden cuánto ha corrido cada optimizador. Compáralo con --penalty l2."
    ),
    "Without a penalty ‖W‖ keeps growing (<1> at epoch <2>, <3> at epoch <4>): the loss "
    "falls for ever as the coefficients run off, there is no finite optimum, and the "
    "coefficient gaps only measure how long each solver ran. Compare with --penalty l2.": (
        "Sin penalización ‖W‖ no deja de crecer (<1> en la época <2>, <3> en la época <4>): "
        "la pérdida baja sin fin mientras los coeficientes se disparan, no hay un óptimo "
        "finito y las diferencias de coeficientes solo miden cuánto ha corrido cada "
        "optimizador. Compáralo con --penalty l2."
    ),
}

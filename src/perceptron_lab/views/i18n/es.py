"""The words in Spanish (the seed notebook's vocabulary): one table per section, ``<name>`` placeholders."""

WORDS: dict[str, dict[str, str]] = {
    "demo": {
        "ex1": "Ejemplo 1: elemental — señal neta (logit) Z = XW + B",
        "ex2": "Ejemplo 2: cálculo de pérdida — sigmoide y entropía cruzada binaria",
        "ex3": "Ejemplo 3: comportamiento del gradiente — dL/dW y dL/dB",
        "ex4": "Ejemplo 4: aplicación del gradiente — un paso de descenso por gradiente estocástico (tasa de aprendizaje = <lr>)",
        "ex5": "Ejemplo 5: implementación completa — la clase Perceptron, <epochs> épocas (semilla <seed>)",
        "quantity": "cantidad",
        "by_hand": "a mano",
        "by_torch": "con PyTorch",
        "gap": "discrepancia",
        "logit": "Z (señal neta)",
        "prob": "σ(Z) (probabilidad)",
        "loss_value": "L (entropía cruzada binaria)",
        "loss_by_notebook": "L, fórmula del cuaderno",
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
        "torch_step": "PyTorch: optim.SGD(linear.parameters(), lr=<lr>).step()",
        "float32_note": (
            "¿Por qué el primer logit es <computed> y no 0? En float32, <inputs>. Con esos "
            "números almacenados, 1·0.5 + 2·W₂ + B vale exactamente <exact>: son las entradas, "
            "no la aritmética, las que lo hacen distinto de cero. En aritmética decimal exacta vale <decimal>."
        ),
        "stored_as": "<written> se almacena como <stored>",
        "and": "y",
        "verified": "Cada número se calculó dos veces y coinciden: mayor discrepancia <gap> (<name>).",
        "shapes": "X (3×2) · W (2×1) + B (1) → Z (3×1)",
        "seed_note": "Inicio aleatorio: torch.manual_seed(<seed>); la misma semilla imprime las mismas pérdidas.",
    },
    "explain": {
        # --- el planteo ----------------------------------------------------------------
        "title": "Paso <step>: la solución desarrollada",
        "setting": "<loss>, actualizada con <rule>; tasa de aprendizaje $\\gamma = <lr>$; números en <dtype>.",
        "loss_bce": "Entropía cruzada binaria",
        "loss_cross_entropy": "Entropía cruzada con softmax",
        "loss_mse": "Error cuadrático medio",
        "loss_perceptron": "El criterio del perceptrón",
        "rule_sgd": "descenso por gradiente estocástico (SGD)",
        "rule_adam": "Adam",
        "rule_adamw": "AdamW",
        "rule_rmsprop": "RMSprop",
        "rule_adagrad": "Adagrad",
        "batch": "Un lote de $N = <N>$ muestras con $d = <d>$ entradas (características) cada una, hacia $k = <k>$ salidas (neuronas).",
        "position": "Época <epoch>, lote <batch> de <batches>.",
        "position_full": "Época <epoch>: todos los datos forman un solo lote, así que un paso es una época.",
        "rounding": "Los números se muestran con 4 decimales, como los imprime PyTorch; cada resultado se calcula con los valores sin redondear, así que la última cifra puede diferir de una suma de términos redondeados.",
        "twins": "Cada resultado se calcula dos veces: con su fórmula (a mano) y con PyTorch (`nn.Linear`, la pérdida de `torch.nn`, autograd, `torch.optim`). La discrepancia es $\\max|a - b| / \\max|b|$.",
        # --- datos de partida ----------------------------------------------------------
        "given_title": "0. De dónde parte el paso",
        "given_derivation": "Entradas X, objetivos y, pesos W y sesgo B",
        "labels_bce": "Los objetivos y son probabilidades de la clase 1 (aquí las clases 0 y 1).",
        "labels_cross_entropy": "Los objetivos son etiquetas de clase $c_n \\in \\{0, \\ldots, k - 1\\}$, contadas desde 0 como en PyTorch: $z_n[c]$ es el logit de la clase c (la columna c + 1 de Z).",
        "labels_mse": "Los objetivos y son números reales, uno por salida.",
        "labels_perceptron": "Los objetivos son $t = \\pm 1$ (las etiquetas 0 y 1 se leen como $-1$ y $+1$).",
        "state_before": "El estado del optimizador, tal como lo dejó la actualización anterior: <names>.",
        "state_empty": "El optimizador todavía no tiene estado: esta es su primera actualización, y `torch.optim` crea el estado ahora.",
        # --- propagación hacia adelante -------------------------------------------------
        "forward_title": "1. Propagación hacia adelante: la señal neta Z = XW + B",
        "forward_derivation": "El logit de cada muestra son sus entradas por los pesos, más el sesgo",
        "net_input": "Z contiene los logits (la señal neta): valores brutos en $(-\\infty, \\infty)$, uno por muestra y salida.",
        "linear_note": "`nn.Linear(<d>, <k>)` de PyTorch guarda su peso como $W^\\top$, de forma (<k>, <d>), y calcula $X \\cdot \\text{weight}^\\top + \\text{bias}$: la misma Z.",
        "showing_samples": "se muestran <shown> de <total> muestras",
        "showing_outputs": "se muestran <shown> de <total> salidas",
        "showing_terms": "cada suma muestra <shown> de sus <total> términos",
        "showing_weights": "se muestran <shown> de <total> pesos",
        "showing_elements": "se muestran <shown> de <total> elementos",
        "stored_as": "<written> se almacena como <stored>",
        "and": " y ",
        "float32_inputs": "¿Por qué $<z>$ = <computed> y no <decimal>? En float32, <inputs>. Con esos números almacenados, $<expression>$ vale exactamente <exact>: son las entradas, no la aritmética, las que lo hacen distinto. En aritmética decimal exacta vale <decimal>.",
        "float32_both": "¿Por qué $<z>$ = <computed> y no <decimal>? En float32, <inputs>. Con esos números almacenados, $<expression>$ valdría exactamente <exact>; float32 además redondea cada producto y suma, y da <computed>. En aritmética decimal exacta vale <decimal>.",
        "float32_arithmetic": "¿Por qué $<z>$ = <computed> y no <decimal>? Todas las entradas de $<expression>$ se almacenan exactamente en float32, pero float32 redondea cada producto y suma a 24 dígitos binarios, y da <computed>. En aritmética decimal exacta vale <decimal>.",
        # --- función de activación -----------------------------------------------------
        "activation_title": "2. Función de activación",
        "activation_sigmoid": "La sigmoide convierte cada logit en una probabilidad de la clase 1",
        "activation_softmax": "La softmax convierte cada fila de logits en probabilidades que suman 1",
        "activation_identity": "Una neurona lineal: la predicción es la propia señal neta",
        "activation_step": "La función escalón convierte cada logit en una clase, 1 o 0",
        "activation_note_bce": "La pérdida no usa A: `nn.BCEWithLogitsLoss` recibe Z y aplica la sigmoide por dentro, de forma numéricamente estable. A es la predicción.",
        "activation_note_cross_entropy": "La pérdida no usa A: `nn.CrossEntropyLoss` recibe Z y aplica log-softmax por dentro. PyTorch resta a cada fila su logit mayor antes de exp: el mismo resultado, sin desbordamiento.",
        "activation_note_mse": "Con la identidad no hay nada que aplicar: la pérdida compara Z con y directamente.",
        "activation_note_perceptron": "El escalón no es derivable, así que el criterio del perceptrón trabaja sobre Z: solo importa su signo frente al objetivo.",
        # --- pérdida -------------------------------------------------------------------
        "loss_title": "3. Pérdida",
        "per_sample_derivation": "La pérdida de cada muestra",
        "reduce_derivation": "La pérdida del lote",
        "loss_note_bce": "El cuaderno la calcula sobre probabilidades, $-\\operatorname{mean}(y \\log \\sigma(Z) + (1 - y) \\log(1 - \\sigma(Z)))$. `nn.BCEWithLogitsLoss` usa $\\log \\sigma(z) = -\\operatorname{softplus}(-z)$ sobre los logits: el mismo número, y nunca $\\log(0)$.",
        "loss_note_cross_entropy": "Solo se resta el logit de la etiqueta, $z_n[c_n]$: la pérdida es pequeña cuando el logit de la etiqueta sobresale de los demás.",
        "loss_note_mse": "Cada error se eleva al cuadrado, así que los errores grandes pesan mucho más que los pequeños.",
        "loss_note_perceptron": "Una muestra del lado correcto ($t \\cdot z > 0$) no cuesta nada; un error cuesta $|z|$, su distancia a la frontera en unidades de logit.",
        "per_sample_mean": "El $\\ell_n$ de cada muestra es el promedio de los $\\ell_{n,j}$ de sus $k = <k>$ salidas.",
        "per_sample_sum": "El $\\ell_n$ de cada muestra es la suma de los $\\ell_{n,j}$ de sus $k = <k>$ salidas.",
        "pos_weight": "Con `pos_weight` $p = <p>$, la pérdida de la clase positiva (y = 1) se multiplica por p.",
        "mean_samples": "Reducción mean: el promedio sobre $N = <N>$ muestras.",
        "mean_elements": "Reducción mean: el promedio sobre $N \\cdot k = <N> \\cdot <k> = <count>$ elementos, uno por muestra y salida (como hace `torch.nn`).",
        "sum_samples": "Reducción sum: las $N = <N>$ pérdidas de las muestras se suman, no se promedian, así que $\\partial L/\\partial Z$ es $N = <N>$ veces mayor que con mean.",
        "sum_elements": "Reducción sum: las $N \\cdot k = <count>$ pérdidas de los elementos se suman, no se promedian, así que $\\partial L/\\partial Z$ es $N \\cdot k = <count>$ veces mayor que con mean.",
        # --- dL/dZ ---------------------------------------------------------------------
        "dz_title": "4. Gradiente de la pérdida respecto de Z",
        "dz_derivation": "Cómo cambia la pérdida con cada logit",
        "dz_note_bce": "La derivada de la sigmoide, $\\sigma(z)(1 - \\sigma(z))$, se cancela con la del logaritmo y queda el error $\\sigma(z) - y$: predicho menos real.",
        "dz_note_bce_weighted": "Con `pos_weight` el error de la clase positiva se pondera: $\\sigma(z)(p y + 1 - y) - p y$, que es el error $\\sigma(z) - y$ cuando $p = 1$.",
        "dz_note_cross_entropy": "La softmax y el logaritmo se cancelan del mismo modo: probabilidades predichas menos la etiqueta one-hot.",
        "dz_note_mse": "La derivada de $(z - y)^2$ es $2(z - y)$: el doble del error.",
        "dz_note_perceptron": "Solo los errores ($t \\cdot z \\le 0$, frontera incluida) tienen gradiente, $-t$; las muestras correctas dan 0. ($\\mathbf{1}[\\ldots]$ vale 1 si la condición se cumple, si no 0.)",
        "dz_mean": "El $1/<count>$ viene de la reducción mean.",
        "dz_sum": "Sin $1/<count>$: la reducción es una suma.",
        "dz_torch": "Aquí empieza la retropropagación: `loss.backward()` obtiene el mismo $\\partial L/\\partial Z$ con autograd.",
        # --- dL/dW, dL/dB --------------------------------------------------------------
        "gradients_title": "5. Retropropagación hacia los pesos y el sesgo",
        "dw_derivation": "El gradiente de los pesos",
        "db_derivation": "El gradiente del sesgo",
        "chain_rule_w": "Regla de la cadena: $z_{n,j}$ cambia con $w_{i,j}$ a razón de $x_{n,i}$, así que $\\partial L/\\partial w_{i,j}$ suma $x_{n,i} \\cdot \\partial L/\\partial z_{n,j}$ sobre el lote.",
        "chain_rule_b": "Regla de la cadena: $z_{n,j}$ cambia con $b_j$ a razón de 1, así que $\\partial L/\\partial b_j$ es la suma de $\\partial L/\\partial z_{n,j}$ sobre el lote.",
        "weight_grad_note": "`nn.Linear` guarda weight como (k, d) = (<k>, <d>), así que `linear.weight.grad` de PyTorch es $(\\partial L/\\partial W)^\\top$: <value>.",
        # --- actualización -------------------------------------------------------------
        "update_title": "6. Actualización",
        "hyper_derivation": "La regla: <rule>",
        "hyper": "Hiperparámetros: <values>.",
        "opt_lr": "tasa de aprendizaje",
        "opt_betas": "tasas de decaimiento de los dos promedios móviles",
        "opt_momentum": "momento",
        "opt_dampening": "amortiguación",
        "opt_weight_decay": "decaimiento de pesos",
        "opt_eps": "se suma al denominador por estabilidad",
        "opt_alpha": "constante de suavizado",
        "opt_lr_decay": "decaimiento de la tasa de aprendizaje",
        "opt_initial_accumulator_value": "valor inicial del acumulador",
        "scheduled_lr": "La tasa de aprendizaje de este paso es $\\gamma = <lr>$ (el valor del programa; la tasa base es <base>).",
        "t_record": "$t = <t>$ cuenta las actualizaciones de la regla. El registro del paso no guarda esa cuenta: se toma el número de paso, <step>, que coincide salvo que el entrenamiento haya cambiado de optimizador.",
        "t_context": "$t = <t>$ cuenta las actualizaciones de la regla, según la traza del entrenamiento (paso <step>).",
        "rule_note_sgd": "Cada parámetro se mueve en contra de su gradiente, un paso de $\\gamma$ por el gradiente.",
        "rule_note_adam": "Adam divide un promedio móvil del gradiente (m) por la raíz de un promedio móvil de su cuadrado (v): cada parámetro tiene su propio tamaño de paso.",
        "rule_note_adamw": "AdamW es Adam con decaimiento de pesos desacoplado: $\\theta$ se multiplica por $(1 - \\gamma \\lambda)$ antes del paso de Adam, en vez de sumar $\\lambda \\theta$ al gradiente como hace Adam.",
        "rule_note_rmsprop": "RMSprop divide el gradiente por la raíz de un promedio móvil de su cuadrado (v), así que las direcciones empinadas dan pasos más cortos.",
        "rule_note_adagrad": "Adagrad divide por la raíz de la suma de todos los gradientes al cuadrado hasta ahora (s): s solo crece, así que los pasos se achican con el tiempo.",
        "sgd_momentum": "El búfer de momento u (`momentum_buffer`) empieza como $u = g$ en la primera actualización. PyTorch deja $\\gamma$ fuera del búfer ($u \\leftarrow \\mu u + (1 - \\tau) g$, $\\theta \\leftarrow \\theta - \\gamma u$); la forma de los libros, $v \\leftarrow \\mu v - \\gamma g$, coincide mientras $\\gamma$ sea constante.",
        "adam_bias": "m y v empiezan en 0, así que los primeros promedios tiran hacia 0; dividir por $1 - \\beta_1^t$ y $1 - \\beta_2^t$ lo corrige (con $t = 1$, $\\hat{m} = g$ y $\\hat{v} = g^2$). PyTorch calcula el denominador como $\\sqrt{v_t}/\\sqrt{1 - \\beta_2^t} + \\varepsilon$, que es $\\sqrt{\\hat{v}_t} + \\varepsilon$.",
        "adam_amsgrad": "AMSGrad guarda el mayor v visto hasta ahora ($v^{\\max}$) y divide por él, así que un tamaño de paso nunca vuelve a crecer.",
        "rmsprop_centered": "Centrado: se resta el promedio móvil de g ($\\bar{g}$), así que s estima la varianza del gradiente y no su segundo momento.",
        "state_layout": "`torch.optim` guarda el estado por parámetro, con la forma del parámetro: para `linear.weight` es (k, d), la traspuesta de la de W; se compara traspuesto.",
        "update_W": "Los pesos W",
        "update_B": "El sesgo B",
        "no_bias_decay": "Este entrenamiento deja B fuera del decaimiento de pesos (como scikit-learn deja fuera el intercepto), así que $\\lambda = 0$ para B.",
        # --- rótulos ---------------------------------------------------------------------
        "word_formula": "Fórmula",
        "word_shapes": "Formas",
        "word_numbers": "Con los números",
        # --- cierre --------------------------------------------------------------------
        "verified": "Cada cantidad se calculó dos veces, con su fórmula y con PyTorch, y coinciden: la mayor discrepancia es <gap> (<name>), dentro de la tolerancia <tolerance>.",
        "verified_exact": "Cada cantidad se calculó dos veces, con su fórmula y con PyTorch, y coinciden hasta el último bit (discrepancia 0; la tolerancia es <tolerance>).",
        "unverified": "El gemelo de PyTorch no se ejecutó en este paso: los números son solo los de las fórmulas.",
    },
    "report": {
        "title": "Informe del entrenamiento",
        "made_by": "Hecho con perceptron-lab <version> a partir de <source>.",
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
        "held_out": "<n> reservadas para prueba",
        "standardized": "características estandarizadas",
        "task": "tarea",
        "classes": "clases",
        "model": "modelo (entrada → salida)",
        "model_params": "<model>: <count> parámetros (<names>)",
        "not_recorded": "no registrado (el watch guarda los datos solo de un modelo de una nn.Linear)",
        "loss": "pérdida",
        "optimizer": "optimizador",
        "schedule": "programa de la tasa de aprendizaje",
        "constant": "constante",
        "batch_size": "tamaño del lote",
        "batches": "<n> lotes por época",
        "epochs": "épocas",
        "step_count": "pasos",
        "of": "<done> de <total>",
        "seed": "semilla",
        "dtype": "tipo de dato",
        "parent": "ramificado de",
        "parent_value": "<run>, paso <step>",
        "versions": "versiones de los paquetes",
        "fingerprint": "huella de los datos",
        "time": "tiempo",
        "rate": "<seconds:.2f> s · <rate:,.0f> pasos/s",
        "unknown": "en curso o interrumpido",
        "train": "entrenamiento",
        "test": "prueba",
        "epoch": "época",
        "accuracy": "exactitud",
        "r2": "R²",
        "verified_steps": "pasos verificados",
        "verified_value": "<n> de <total> (el primero, el último y uno de cada <every>)",
        "verified_all": "<n> de <total> (todos los pasos)",
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
        "attribution": "Atribución del paso <step>: el término de cada muestra en dL/dW",
        "surface": "Superficie de pérdida sobre dos parámetros, con el camino del optimizador",
        "no_plane": (
            "La frontera de decisión y la atribución se dibujan para clasificadores de "
            "2 características; este entrenamiento tiene <features> (<task>)."
        ),
        "no_recipe": (
            "Faltan los gráficos que recargan los datos (frontera, atribución, superficie de "
            "pérdida): un bucle observado guarda sus lotes, no una receta de sus datos."
        ),
        "no_steps": "El entrenamiento no registró pasos: no hay nada que graficar ni explicar.",
        "failed": "<what> no se incluye: <error>",
        "lr": "lr",
        "grad_norm": "‖gradiente‖",
        "verified": "verificado",
        "W_after": "W después",
        "B_after": "B después",
        "sampled": (
            "El entrenamiento tiene <total> pasos; se muestran <shown>, espaciados por igual, "
            "con el primero y el último. La traza (steps/*.parquet) los guarda todos."
        ),
        "vector_cut": "Los vectores de más de <n> números muestran los <n> primeros (… y cuántos más).",
        "first_last": "Los primeros <head> y los últimos <tail> de <total> pasos.",
        "run": "Entrenamiento",
        "not_verified": "PyTorch no se ejecutó en este paso: solo se muestra la fórmula.",
        "over": "La mayor discrepancia, <gap> (<name>), supera la tolerancia <tol:.0e>.",
    },
    "watch": {
        "step": "paso <step>: <text>",
        "nll_on_logits": (
            "<module> espera log-probabilidades pero recibió los logits Z: aplica "
            "log_softmax antes (o usa CrossEntropyLoss sobre Z)"
        ),
        "not_zeroed": (
            "gradientes sin poner a cero entre pasos: <quantity> es el gradiente de este paso "
            "más el que dejaron retropropagaciones anteriores (llama a optimizer.zero_grad() "
            "en cada paso)"
        ),
        "reduction": (
            "reducción media o suma: el gradiente del bucle es <factor:.6g> × el de la forma "
            "cerrada — la pérdida se <got> sobre sus <count> elementos y se esperaba la <want> "
            "(revisa reduction= y cualquier · N o / N)"
        ),
        "summed": "sumó",
        "averaged": "promedió",
        "sum": "suma",
        "mean": "media",
        "broadcast": (
            "un objetivo de forma <target> contra logits de forma <input> se difunde "
            "(broadcasting) en una pérdida <shape> (da al objetivo la forma <input>)"
        ),
        "probabilities_to_logits_loss": (
            "probabilidades pasadas a <module>: su entrada es σ(Z), no los logits Z "
            "(pasa los logits, o usa nn.BCELoss)"
        ),
        "logits_to_probability_loss": (
            "logits pasados a <module>: su entrada es Z, no σ(Z) "
            "(usa nn.BCEWithLogitsLoss sobre los logits)"
        ),
        "double_sigmoid": "sigmoide aplicada dos veces: <module> recibe <chain> en vez de <wanted>",
        "weight_decay": (
            "decaimiento de pesos en un solo lado: <optimizer> aplica weight_decay = <actual:g> "
            "y la actualización esperada tiene <expected:g>"
        ),
        "weight_decay_loss": (
            "decaimiento de pesos en un solo lado: el gradiente del bucle lleva λ·θ con λ = "
            "<lam:.4g> (una penalización L2 sumada a la pérdida<where>) que <module> no tiene"
        ),
        "weight_decay_W": ", solo sobre W",
        "weight_decay_on": ", solo sobre <names>",
        "optimizer_settings": (
            "la configuración del optimizador difiere de la esperada: <settings> "
            "(la actualización coincide con la del optimizador)"
        ),
        "unexplained": (
            "<quantity> del bucle no coincide con <against> (<gap:.1e> > <tol:.0e>) "
            "y ninguna causa conocida lo explica (comprobado: <tried>)"
        ),
        "nothing": "nada",
        "closed_form": "la forma cerrada",
        "rule": "la regla del optimizador",
        "finite_differences": "las diferencias finitas",
        "not_linear": (
            "<why>: los gradientes se comprueban por diferencias finitas y las actualizaciones "
            "con la regla del optimizador, no con la forma cerrada del paso"
        ),
        "no_closed_form": "<why>: la forma cerrada del paso no se comprueba",
        "no_rule": "<why>: las actualizaciones no se comprueban con una regla en forma cerrada",
        "fd_capped": "diferencias finitas sobre <checked> de <total> entradas de parámetros por paso",
        "no_fd": "sin diferencias finitas: <why>",
        "fd_link": "la entrada de la pérdida no es la salida del modelo (ni σ ni log softmax de ella)",
        "fd_reproduce": (
            "model(X) en float64 no reproduce la pérdida del bucle (¿dropout? ¿batch norm?)"
        ),
        "moved": (
            "paso <step>: los parámetros cambiaron fuera de optimizer.step() desde el paso "
            "anterior (hasta <gap:.1e>)"
        ),
        "closure": "paso <step>: optimizer.step(closure) se registra, no se verifica",
        "accumulation": (
            "paso <step>: <calls> pasadas hacia atrás por la pérdida antes de un "
            "optimizer.step(): con gradientes acumulados se comprueba la actualización, no el gradiente"
        ),
        "gradient_edit": (
            "paso <step>: el gradiente fue <edit> entre backward() y optimizer.step(); el "
            "gradiente de la pérdida se verifica tal como lo dejó backward(), la actualización "
            "con el gradiente que recibió el optimizador"
        ),
        "clipped_norm": "recortado a norma <norm:.4g> (desde <before:.4g>)",
        "clipped_value": "recortado a valores dentro de ±<value:.4g>",
        "changed": "modificado (no es un recorte por norma ni por valor)",
        "no_model": (
            "no se llamó a ningún módulo antes del primer optimizer.step() (¿parámetros "
            "usados directamente?): los gradientes no se comprueban, las actualizaciones sí"
        ),
        "no_step": "no se vio ningún optimizer.step() dentro del bloque with: no se registró nada",
        "other_optimizer": (
            "<steps> pasos de otro optimizador no se registraron (watch() sigue al primero "
            "que da un paso)"
        ),
        "loss_scale": (
            "paso <step>: backward() pasó por <scale:.4g> × el valor de la pérdida (una "
            "pérdida dividida o multiplicada en el bucle); su gradiente se comprueba como "
            "ese múltiplo"
        ),
        "sampled": (
            "<checked> de <steps> pasos verificados por completo: tras <allowance:g> s de "
            "comprobaciones, el watch dedica <share:.0%> del tiempo del propio bucle a ellas "
            "(budget=None verifica todos los pasos)"
        ),
        "gradient_hook": (
            "el gradiente de <names> pasa por un hook del bucle (register_hook) que lo "
            "cambia: se comprueba contra ese hook aplicado a la forma cerrada, y la forma "
            "cerrada contra diferencias finitas"
        ),
        "gradient_hook_unchecked": (
            "el gradiente de <names> pasa por un hook del bucle (register_hook) que lo "
            "cambia: sin una forma cerrada sobre la que aplicarlo, no se comprueba"
        ),
        "unseen_loss": (
            "paso <step>: no se vio ninguna llamada a una pérdida (ni un módulo de pérdida "
            "de nn ni una de torch.nn.functional; ¿una pérdida escrita con operaciones de "
            "tensores?): el gradiente no se comprueba, la actualización sí"
        ),
        "unseen_model": (
            "paso <step>: no se vio ningún forward del modelo con autograd activo antes de "
            "la pérdida: el gradiente no se comprueba, la actualización sí"
        ),
        "none_reduction": (
            "<module>(reduction='none'): la reducción propia del bucle se toma como 'mean' "
            "(expect={'reduction': 'sum'} indica que suma)"
        ),
        "big": (
            "<size> parámetros: no se guardan los vectores de parámetros de cada paso "
            "(más de <cap>)"
        ),
    },
    "playground": {
        "title": "perceptron-lab playground",
        "lang_button": "EN",
        "lang_label": "Switch to English",
        "status_step": "paso <step>",
        "status_epoch": "época <epoch>",
        "verified_ok": "PyTorch coincide: peor <worst> ≤ <tol>",
        "verified_bad": "PyTorch no coincide: peor <worst> > <tol> (<quantity>)",
        "verified_none": "aún no hay nada que verificar",
        "reconnecting": "Se perdió la conexión — reconectando…",
        "dismiss": "Cerrar",
        "data": "Datos",
        "dataset": "conjunto de datos",
        "size": "tamaño",
        "noise": "ruido",
        "test_ratio": "proporción de prueba",
        "data_seed": "semilla de los datos",
        "crosses": "cruces de variables",
        "apply_data": "datos nuevos",
        "upload": "archivo CSV",
        "upload_too_big": "<name> pesa <size> MB; el playground acepta archivos de hasta <limit> MB",
        "upload_read": "<name>: <rows> filas, <columns> columnas",
        "feature_1": "variable 1",
        "feature_2": "variable 2",
        "target": "objetivo",
        "use_data": "usar estos datos",
        "training": "Entrenamiento",
        "loss": "pérdida",
        "optimizer": "optimizador",
        "lr": "tasa de aprendizaje",
        "batch_size": "tamaño del lote",
        "batch_full": "completo",
        "batch_online": "1 (en línea)",
        "batch_number": "muestras",
        "optimizer_params": "hiperparámetros propios de la regla",
        "param_dampening": "amortiguación",
        "param_nesterov": "nesterov",
        "param_betas": "betas (β₁, β₂)",
        "param_eps": "eps (ε)",
        "param_amsgrad": "amsgrad",
        "param_alpha": "alpha (α)",
        "param_centered": "centrado",
        "param_lr_decay": "decaimiento de γ",
        "param_initial_accumulator_value": "acumulador inicial",
        "momentum_none": "momento (solo sgd, rmsprop)",
        "size_off": "tamaño: para moons, blobs, circles y spiral",
        "test_ratio_off": "proporción de prueba: estos pocos puntos se usan todos para entrenar",
        "branches": "ramas",
        "from_step": "desde el paso <step>",
        "weight_decay": "decaimiento de pesos",
        "momentum": "momento",
        "seed": "semilla",
        "dtype": "tipo de dato",
        "apply_training": "reiniciar con estos ajustes",
        "controls": "Ejecución",
        "play": "Reproducir",
        "pause": "Pausa",
        "step": "Paso",
        "step10": "Paso ×10",
        "back": "Atrás",
        "reset": "Reiniciar",
        "speed": "velocidad",
        "speed_value": "<n> pasos/s",
        "branch_mode": "un ajuste cambiado ramifica desde aquí (en vez de reiniciar)",
        "branch": "Ramificar desde aquí",
        "save": "Guardar como ejecución",
        "saved": "Guardado en <path>",
        "copy": "Copiar enlace",
        "copied": "Enlace copiado",
        "copy_failed": "No se pudo copiar; el enlace está en la barra de direcciones",
        "download": "Descargar estado",
        "open_state": "Abrir archivo de estado",
        "bad_state": "<name> no es un archivo de estado del laboratorio (se esperaba JSON)",
        "keys": "Teclas: espacio reproducir/pausa · → paso · ← atrás",
        "plane": "El plano",
        "plane_hint": "clic: añadir un punto · mayús-clic o clic derecho en un punto: quitarlo",
        "add_class": "añadir puntos de",
        "class_name": "clase <n>",
        "train": "entrenamiento",
        "test": "prueba",
        "batch": "en este lote",
        "pull_on_W": "flechas finas: el tirón de cada muestra sobre W, −xₙ·∂ℓ/∂zₙ · flecha gruesa: el paso entero, −∂L/∂W",
        "boundary": "frontera de decisión (P = 0.5)",
        "not_in_batch": "no está en este lote",
        "tip_point": "punto <i> · <label>",
        "tip_z": "z",
        "tip_a": "a",
        "tip_loss": "ℓ",
        "tip_share": "parte del gradiente",
        "curve": "Pérdida",
        "log_scale": "escala logarítmica",
        "axis_step": "paso",
        "axis_loss": "pérdida",
        "current_branch": "rama actual",
        "surface": "Superficie de pérdida",
        "surface_hint": "la pérdida sobre <w1> y <w2>, con los demás pesos fijos donde están",
        "weights": "Pesos",
        "weight": "peso",
        "gradient": "gradiente",
        "bias": "sesgo B",
        "worked": "Este paso, resuelto",
        "worked_none": "Da un paso para verlo resuelto.",
        "worked_playing": "A más de <n> pasos/s, el paso se resuelve al pausar.",
        "quantity": "magnitud",
        "by_hand": "a mano",
        "by_torch": "PyTorch",
        "gap": "discrepancia",
        "error": "Error",
    },
    "evaluate": {
        # el mapa de clases y las filas de W por nombre (show, explain, informe, evaluate)
        "class_is": "clase <index> = <name>",
        "classes": "clases",
        "weights": "pesos",
        "feature": "característica",
        "bias": "B (sesgo)",
        "more": "… y <n> más",
        "explain_classes": "Aquí <mapping>.",
        "explain_rows": "Las filas de W son las características: <names>.",
        # predict
        "predictions_written": "<n> predicciones escritas en <path>",
        # evaluate
        "title": "<run> sobre <file>: <n> filas",
        "metric": "métrica",
        "value": "valor",
        "accuracy": "exactitud",
        "log_loss": "pérdida logarítmica (log-loss)",
        "roc_auc": "ROC AUC",
        "no_probabilities": "— (el perceptrón no da probabilidades)",
        "one_class": "— (las filas tienen una sola clase)",
        "confusion": "matriz de confusión (filas: clase real, columnas: predicha)",
        "true_predicted": "real \\ predicha",
        "per_class": "por clase",
        "class": "clase",
        "precision": "precisión",
        "recall": "exhaustividad",
        "f1": "F1",
        "support": "filas",
        "r2": "R²",
        "mae": "MAE (error absoluto medio)",
        "rmse": "RMSE (raíz del error cuadrático medio)",
        "r2_constant": "— (el objetivo es constante)",
        "residuals_title": "Residuos de <run> sobre <file>",
        "residual_axis": "residuo y − ŷ",
        "predicted_axis": "<target> predicho ŷ",
        "plot_written": "gráfico de residuos escrito en <path>",
    },
    "plots": {
        "run_title": "<data> · <loss> · <rule> (tasa <lr>)",
        "train_only": "entrenamiento",
        "train_and_test": "entrenamiento y prueba",
        "standardized": "<name> (estandarizada)",
        "class": "clase <name>",
        "class_train": "clase <name> (entrenamiento)",
        "class_test": "clase <name> (prueba)",
        "step": "paso",
        "loss_title": "Pérdida — <run>",
        "step_batch": "paso (su lote)",
        "epoch_train": "fin de época, entrenamiento completo",
        "epoch_test": "fin de época, prueba completa",
        "loss_axis": "pérdida (<loss>)",
        "loss_axis_log": "pérdida (<loss>, escala logarítmica)",
        "losses": "pérdida",
        "losses_log": "pérdida (escala logarítmica)",
        "overlay_title": "Pérdida por paso de <n> ejecuciones",
        "overlay_differ": "etiquetadas por lo que difiere: <names>",
        "overlay_same": "los mismos ajustes: etiquetadas por su directorio",
        "boundary_title": "Frontera de decisión — <run>",
        "epoch_panel": "época <epoch> (paso <step>)",
        "panel_loss": " · pérdida de entrenamiento <loss>",
        "after_step": "tras el paso <step>",
        "start_at": "inicio (paso <step>)",
        "gradients_title": "Gradientes y verificación — <run>",
        "gradient_norm": "‖dL/dW, dL/dB‖",
        "worst_disagreement": "mayor discrepancia (pasos verificados)",
        "tolerance": "tolerancia <tol:.0e> (<dtype>)",
        "exact_steps": "<n> paso(s) verificado(s) coincidieron exactamente (0, no se muestra en escala logarítmica)",
        "disagreement": "máx |fórmula − torch| / |torch|",
        "surface_title": "Superficie de pérdida — <run>",
        "others_final": "los demás parámetros en sus valores finales",
        "parent_missing": "; no se encontró la ejecución madre en <path>",
        "surface_colorbar": "pérdida sobre el conjunto de entrenamiento",
        "surface_colorbar_log": "pérdida sobre el conjunto de entrenamiento (escala logarítmica)",
        "parent_run": "ejecución madre",
        "branched_at": "ramificada en el paso <step>",
        "this_path": "camino de esta ejecución",
        "start": "inicio",
        "end": "final",
        "stability_title": "Entropía cruzada binaria de tres maneras: dónde el redondeo las separa",
        "subnormal_note": "los valores por debajo del menor número normal (<tiny>) son subnormales y no se dibujan",
        "bce_naive": "ingenua −[y·log σ(z) + (1−y)·log(1−σ(z))]",
        "bce_probabilities": "nn.BCELoss(σ(z), y), log acotado en −100",
        "bce_with_logits": "nn.BCEWithLogitsLoss(z, y)",
        "naive_gives": "la ingenua da <value>",
        "logit": "logit z",
        "bce_axis": "pérdida ℓ (escala logarítmica)",
        "attribution_title": "Atribución — <run>",
        "column": ", columna <n>",
        "arrows_title": "Paso <step>: el término xₙ·∂L/∂zₙ de cada muestra en dL/dW<column>",
        "bars_title": "Paso <step>: el término cₙ = xₙ·∂L/∂zₙ de cada muestra en dL/dW<column>, por variable",
        "bars_shown": "las <samples> de <n> muestras y <features> de <d> variables con los mayores términos",
        "bars_all": "las <n> muestras del lote, las <d> variables",
        "attribution_sum": "Σ sobre el lote = dL/dW = <dW>; W se mueve en contra",
        "training_set": "conjunto de entrenamiento",
        "feature_total": "<name>: Σ = <total>",
        "bars_samples": "muestra del lote (mayores términos primero)",
        "bars_axis": "cₙ de cada variable",
    },
    "advice": {
        "warning": "aviso: <text>",
        "diverged": "el entrenamiento divergió: la pérdida de entrenamiento creció de <start:.4g> al inicio a <worst:.4g>, <times:.3g> veces más, con tasa de aprendizaje <lr:g>. Solución: baje la tasa de aprendizaje 10× (--lr <lower:g>) y estandarice las variables (--standardize).",
        "rising": "la pérdida de entrenamiento subió, de <start:.4g> al inicio a <end:.4g> al final: la tasa de aprendizaje <lr:g> es demasiado grande. Solución: bájela 10× (--lr <lower:g>) o estandarice las variables (--standardize).",
        "still_falling": "no ha convergido: la pérdida de entrenamiento aún bajó un <fell:.1%> en la última de <epochs> épocas (hasta <end:.4g>). Solución: entrene más épocas (--epochs <more>) o suba la tasa de aprendizaje (--lr <higher:g>).",
        "not_separable": "una sola neurona no puede aprender estas clases: ninguna frontera recta (un hiperplano W·x + B = 0) las separa, y tras <epochs> épocas la exactitud de entrenamiento es <accuracy:.3f>, no mejor que la proporción de la clase mayoritaria <majority:.3f>.",
        "fix_crosses": " Solución: añada un cruce de variables (--crosses x1*x2) o una capa oculta (prevista).",
        "fix_hidden": " Solución: una capa oculta (prevista).",
        "majority": "atascado en la clase mayoritaria: tras <epochs> épocas la exactitud de entrenamiento es <accuracy:.3f>, no mejor que responder siempre la clase más frecuente (<majority:.3f>). Solución: estandarice las variables (--standardize) o cambie la tasa de aprendizaje (--lr).",
        "scales": "las escalas de las variables difieren <ratio:.3g>×: <large> tiene desviación típica <large_std:.4g>, <small> <small_std:.4g>, y la mayor domina cada paso. Solución: estandarice las variables (--standardize).",
    },
}

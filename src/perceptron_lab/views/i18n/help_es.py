"""The Spanish of ``--help``: every command's description, every flag's help, argparse's headings.

Keyed by the English text as the command writes it (``add_argument(help=...)``,
``add_parser(help=..., description=...)``), each f-string field numbered ``<1>`` …
(see :mod:`.phrasebook`). tests/test_i18n_phrases.py builds the parser in Spanish and
names every help this table lacks: a new flag's help is one line here.
"""

from __future__ import annotations

HELP: dict[str, str] = {
    # argparse's own words
    "positional arguments": "argumentos posicionales",
    "options": "opciones",
    "show this help message and exit": "muestra esta ayuda y termina",
    "show program's version number and exit": "muestra la versión del programa y termina",
    # prefixes the shared options put before a help
    "with --X: <1>": "con --X: <1>",
    "with RUN_DIR: <1>": "con RUN_DIR: <1>",
    # perceptron-lab
    "Train single-layer neural networks and watch every number they learn from: each logit, "
    "probability, loss, gradient and update, computed by its formula and by PyTorch, "
    "and checked to agree.": (
        "Entrena redes neuronales de una capa y observa cada número del que aprenden: cada logit, "
        "probabilidad, pérdida, gradiente y actualización, calculado por su fórmula y por PyTorch, "
        "y comprobado que coinciden."
    ),
    "language of the text (default: from the locale, else en)": (
        "idioma del texto (por defecto: el de la configuración regional, si no en)"
    ),
    "text tables, or every number as JSON (default: text)": (
        "tablas de texto, o cada número como JSON (por defecto: text)"
    ),
    "where the data, the weights and PyTorch's check live: cpu, cuda (cuda:N) or auto (cuda "
    "when there is one) (default: cpu)": (
        "dónde viven los datos, los pesos y la comprobación de PyTorch: cpu, cuda (cuda:N) o "
        "auto (cuda cuando hay una) (por defecto: cpu)"
    ),
    "floating-point type (default: float32, as PyTorch)": (
        "tipo de coma flotante (por defecto: float32, como PyTorch)"
    ),
    "the loss (default: <1>)": "la pérdida (por defecto: <1>)",
    "auto, from the target": "auto, según el objetivo",
    "the update rule (default: <1>)": "la regla de actualización (por defecto: <1>)",
    "the learning rate (default: 0.01)": "la tasa de aprendizaje (por defecto: 0.01)",
    "the learning rate (default: 0.01; lbfgs: 1)": (
        "la tasa de aprendizaje (por defecto: 0.01; lbfgs: 1)"
    ),
    "how many steps (default: 1)": "cuántos pasos (por defecto: 1)",
    "inputs X (N, d), e.g. '1,2;3,4;5,6'": "entradas X (N, d), p. ej. '1,2;3,4;5,6'",
    "labels, e.g. '1,0,1' or '1;0;1'": "etiquetas, p. ej. '1,0,1' o '1;0;1'",
    "weights W (d, k), e.g. '0.5;-0.3'": "pesos W (d, k), p. ej. '0.5;-0.3'",
    "bias B (k,), e.g. '0.1'": "sesgo B (k,), p. ej. '0.1'",
    "a run directory (train --out)": "un directorio de ejecución (train --out)",
    "target column of a file (default: target/y/label/class, else the last)": (
        "columna objetivo de un archivo (por defecto: target/y/label/class, si no la última)"
    ),
    "target column of a CSV (default: target/y/label/class, else the last)": (
        "columna objetivo de un CSV (por defecto: target/y/label/class, si no la última)"
    ),
    "feature columns of a file, comma-separated (default: all others)": (
        "columnas de características de un archivo, separadas por comas (por defecto: todas las demás)"
    ),
    "samples of a synthetic dataset (blobs, moons, circles, spiral, linear)": (
        "muestras de un conjunto sintético (blobs, moons, circles, spiral, linear)"
    ),
    "feature crosses of 2 features, comma-separated: <1> (e.g. x1*x2: one neuron learns xor)": (
        "cruces de 2 características, separados por comas: <1> (p. ej. x1*x2: una neurona aprende xor)"
    ),
    # demo
    "the seed notebook's five examples, each number beside its PyTorch twin": (
        "los cinco ejemplos del cuaderno semilla, cada número junto a su gemelo de PyTorch"
    ),
    "Reproduce the notebook 'Ejemplo completo de un Perceptron en Pytorch': the forward pass, "
    "the loss, the gradient, the update and a training loop, each number computed by formula "
    "and by PyTorch, with their disagreement.": (
        "Reproduce el cuaderno 'Ejemplo completo de un Perceptron en Pytorch': la pasada hacia "
        "delante, la pérdida, el gradiente, la actualización y un bucle de entrenamiento, cada "
        "número calculado por fórmula y por PyTorch, con su discrepancia."
    ),
    "epochs of example 5, each kept in memory: at most <1> (default: 5)": (
        "épocas del ejemplo 5, cada una guardada en memoria: como mucho <1> (por defecto: 5)"
    ),
    "seed of example 5's random start (default: 0)": (
        "semilla del inicio aleatorio del ejemplo 5 (por defecto: 0)"
    ),
    # step
    "observe K training steps from numbers you give (X, y, W, B)": (
        "observa K pasos de entrenamiento a partir de los números que das (X, y, W, B)"
    ),
    "Run K full-batch steps from the numbers given and print every quantity by formula and by "
    "PyTorch. Matrices: columns split by ',', rows by ';'. Example: perceptron-lab step "
    "--X '1,2;3,4;5,6' --y '1,0,1' --W '0.5;-0.3' --B 0.1": (
        "Ejecuta K pasos de lote completo con los números dados e imprime cada magnitud por "
        "fórmula y por PyTorch. Matrices: columnas separadas por ',', filas por ';'. Ejemplo: "
        "perceptron-lab step --X '1,2;3,4;5,6' --y '1,0,1' --W '0.5;-0.3' --B 0.1"
    ),
    # train
    "train on the notebook's data, a built-in dataset or your file; record and verify": (
        "entrena con los datos del cuaderno, un conjunto integrado o tu archivo; registra y verifica"
    ),
    "Train a single-layer network and record every step. DATASET is a built-in (<1>) or a <2> "
    "file. Without one it trains the notebook's Perceptron on the notebook's data.": (
        "Entrena una red de una capa y registra cada paso. DATASET es un conjunto integrado (<1>) "
        "o un archivo <2>. Sin él entrena el Perceptrón del cuaderno con los datos del cuaderno."
    ),
    "built-in dataset name or data file (default: seed)": (
        "nombre de un conjunto integrado o archivo de datos (por defecto: seed)"
    ),
    "seed of the weights, split and order (default: 0)": (
        "semilla de los pesos, la división y el orden (por defecto: 0)"
    ),
    "fraction held out for testing (default: 0)": "fracción reservada para la prueba (por defecto: 0)",
    "scale features by the training set's mean and std": (
        "escala las características por la media y la desviación típica del conjunto de entrenamiento"
    ),
    "momentum of sgd or rmsprop": "momento de sgd o rmsprop",
    "weight decay λ of the update rule": "decaimiento de pesos λ de la regla de actualización",
    "learning-rate schedule, e.g. step:step_size=10,gamma=0.5, exponential:gamma=0.95, "
    "cosine:T_max=100": (
        "programa de la tasa de aprendizaje, p. ej. step:step_size=10,gamma=0.5, "
        "exponential:gamma=0.95, cosine:T_max=100"
    ),
    "run directory to write (trace, checkpoints, summary): a new or empty directory (not a "
    "symbolic link); one holding another run only with --overwrite": (
        "directorio de ejecución que escribir (traza, puntos de control, resumen): un directorio "
        "nuevo o vacío (no un enlace simbólico); uno con otra ejecución solo con --overwrite"
    ),
    "--out may hold another run: its files are removed first (other files stay)": (
        "--out puede contener otra ejecución: sus archivos se borran antes (los demás se quedan)"
    ),
    "continue a killed run from its last checkpoint, with its own settings and data (other "
    "options are refused); --epochs N more than the run's makes it longer": (
        "continúa una ejecución interrumpida desde su último punto de control, con sus propios "
        "ajustes y datos (se rechazan otras opciones); --epochs N mayor que el de la ejecución "
        "la alarga"
    ),
    "start a new run from another run's step (into a new --out, never its own)": (
        "empieza una ejecución nueva desde el paso de otra (en un --out nuevo, nunca el suyo)"
    ),
    "with --branch: the recorded step to start from (any step)": (
        "con --branch: el paso registrado desde el que empezar (cualquiera)"
    ),
    "checkpoint every K steps (default: at epoch ends, about once a second of training, at most about 50 times a run)": (
        "punto de control cada K pasos (por defecto: al final de una época, más o menos una vez por segundo de entrenamiento, como mucho unas 50 veces por ejecución)"
    ),
    "write every K-th step, the first and the last (default: every step up to 1000 steps, "
    "else about 1000 evenly spaced steps)": (
        "escribe uno de cada K pasos, el primero y el último (por defecto: todos hasta 1000 "
        "pasos, si no unos 1000 pasos espaciados por igual)"
    ),
    "verify every K-th step against PyTorch (default: K such that checking costs about 10%% of "
    "the training time)": (
        "verifica uno de cada K pasos contra PyTorch (por defecto: K tal que verificar cueste "
        "un 10 %% del tiempo de entrenamiento)"
    ),
    "also record each sample's Z, activation, loss and gradient": (
        "registra también la Z, la activación, la pérdida y el gradiente de cada muestra"
    ),
    "also write TensorBoard event files (scalars and histograms) as it trains": (
        "escribe también archivos de eventos de TensorBoard (escalares e histogramas) mientras entrena"
    ),
    "TensorBoard every K steps (default: every step up to 1000, else ~1000 steps)": (
        "TensorBoard cada K pasos (por defecto: todos hasta 1000, si no ~1000 pasos)"
    ),
    "no progress bar": "sin barra de progreso",
    # show
    "a run's summary, or one step's numbers": "el resumen de una ejecución, o los números de un paso",
    "Print a run directory's summary, or with --step N that step's numbers. Of a run whose step "
    "table or checkpoint is damaged it prints what it could read, and one warning line naming "
    "what it skipped (every other command refuses such a run).": (
        "Imprime el resumen de un directorio de ejecución, o con --step N los números de ese "
        "paso. De una ejecución con la tabla de pasos o el punto de control dañados imprime lo "
        "que pudo leer, y una línea de aviso que nombra lo que omitió (los demás comandos "
        "rechazan una ejecución así)."
    ),
    "the step to show (1-based)": "el paso que mostrar (desde 1)",
    # explain
    "the worked solution of a step: every formula with its numbers, in en or es": (
        "la solución resuelta de un paso: cada fórmula con sus números, en en o es"
    ),
    "Explain a step as a teacher would at the board: each formula, the same formula with the "
    "numbers put in, the result and PyTorch's value beside it. Either a step of a run (RUN_DIR "
    "--step N) or K steps from numbers you give (--X '1,2;3,4;5,6' --y '1,0,1' --W '0.5;-0.3' "
    "--B 0.1).": (
        "Explica un paso como un profesor en la pizarra: cada fórmula, la misma fórmula con los "
        "números puestos, el resultado y el valor de PyTorch al lado. O un paso de una ejecución "
        "(RUN_DIR --step N) o K pasos a partir de los números que das (--X '1,2;3,4;5,6' "
        "--y '1,0,1' --W '0.5;-0.3' --B 0.1)."
    ),
    "the step to explain (1-based)": "el paso que explicar (desde 1)",
    "terminal, markdown ($…$ math), latex (a whole document), beamer or slides (a Beamer deck "
    "for pdflatex, one slide per quantity) or html (a fragment); default: terminal, or with "
    "--out the file's kind (.md, .tex, .html; .tex is latex)": (
        "terminal, markdown (matemáticas $…$), latex (un documento entero), beamer o slides (una "
        "presentación Beamer para pdflatex, una diapositiva por cantidad) o html (un fragmento); "
        "por defecto: terminal, o con --out el tipo del archivo (.md, .tex, .html; .tex es latex)"
    ),
    "write the explanation to FILE (a new one or a regular file to replace); - for stdout in "
    "--format (default: markdown)": (
        "escribe la explicación en FILE (uno nuevo o un archivo normal que reemplazar); - para la "
        "salida estándar en --format (por defecto: markdown)"
    ),
    # plot
    "plot a run: loss, decision boundary, loss surface, gradients, attribution, GIF": (
        "dibuja una ejecución: pérdida, frontera de decisión, superficie de pérdida, gradientes, "
        "atribución, GIF"
    ),
    "Draw a run directory as a PNG or SVG (by --out's extension; a GIF for --kind animation). "
    "Kinds: loss (per step and per epoch), boundary (2-feature classifiers, at chosen epochs), "
    "surface (the loss over two parameters with the optimizer's path, and a branched run's "
    "parent), gradients (gradient norm and verification disagreement per step), attribution "
    "(each sample's term of dL/dW in one step), animation (the boundary over training), "
    "stability (binary cross-entropy three ways over logits from -100 to 100; needs no run).": (
        "Dibuja un directorio de ejecución como PNG o SVG (según la extensión de --out; un GIF "
        "para --kind animation). Tipos: loss (por paso y por época), boundary (clasificadores "
        "de 2 características, en las épocas elegidas), surface (la pérdida sobre dos parámetros "
        "con el camino del optimizador, y la ejecución madre de una rama), gradients (norma del "
        "gradiente y discrepancia de la verificación por paso), attribution (el término de "
        "dL/dW de cada muestra en un paso), animation (la frontera a lo largo del entrenamiento), "
        "stability (la entropía cruzada binaria de tres maneras sobre logits de -100 a 100; "
        "no necesita ejecución)."
    ),
    "attribution: the step (default: the run's first)": (
        "attribution: el paso (por defecto: el primero de la ejecución)"
    ),
    "one of: <1>": "uno de: <1>",
    "file to write, .png or .svg (.gif for animation) (default: RUN_DIR/plots/KIND.png, or .gif)": (
        "archivo que escribir, .png o .svg (.gif para animation) "
        "(por defecto: RUN_DIR/plots/KIND.png, o .gif)"
    ),
    "boundary: epochs to show, e.g. 1,5,10 (default: first, middle, last)": (
        "boundary: épocas que mostrar, p. ej. 1,5,10 (por defecto: primera, central, última)"
    ),
    "surface: two parameter indices into [W flattened row-major, B] (default: 0,1)": (
        "surface: dos índices de parámetro en [W aplanada por filas, B] (por defecto: 0,1)"
    ),
    "stability: the floating-point types to compare (default: both)": (
        "stability: los tipos de coma flotante que comparar (por defecto: ambos)"
    ),
    # report
    "a run as one self-contained HTML file: settings, metrics, plots, worked steps": (
        "una ejecución como un único archivo HTML autónomo: ajustes, métricas, gráficos, pasos resueltos"
    ),
    "Write a run directory as one HTML file that needs nothing else (plots embedded, no "
    "network): its settings and data, metrics per epoch, the verification against PyTorch, the "
    "plots that apply, the worked solutions of the first and the last step, and every step's "
    "numbers.": (
        "Escribe un directorio de ejecución como un único archivo HTML que no necesita nada más "
        "(gráficos incrustados, sin red): sus ajustes y datos, las métricas por época, la "
        "verificación contra PyTorch, los gráficos que correspondan, las soluciones resueltas del "
        "primer y el último paso, y los números de cada paso."
    ),
    "the run to report": "la ejecución del informe",
    "the HTML file to write, a new one or a regular file to replace; - for stdout (default: "
    "RUN_DIR/report.html)": (
        "el archivo HTML que escribir, uno nuevo o un archivo normal que reemplazar; - para la "
        "salida estándar (por defecto: RUN_DIR/report.html)"
    ),
    # export
    "write a run's trace as TensorBoard events": "escribe la traza de una ejecución como eventos de TensorBoard",
    "Write a run directory's steps as TensorBoard events: per-step loss, accuracy or R², "
    "learning rate, gradient norm and worst verified disagreement; per-epoch train/test "
    "metrics; histograms of W, B, dL/dW, dL/dB and the updates. View them with: tensorboard "
    "--logdir LOGDIR": (
        "Escribe los pasos de un directorio de ejecución como eventos de TensorBoard: por paso, "
        "pérdida, exactitud o R², tasa de aprendizaje, norma del gradiente y peor discrepancia "
        "verificada; por época, métricas de entrenamiento/prueba; histogramas de W, B, dL/dW, "
        "dL/dB y las actualizaciones. Míralos con: tensorboard --logdir LOGDIR"
    ),
    "directory for the event file (one per run; point TensorBoard at its parent)": (
        "directorio del archivo de eventos (uno por ejecución; apunta TensorBoard a su padre)"
    ),
    "write every K-th step, the first and the last (default: every step up to 1000, else "
    "~1000 steps)": (
        "escribe uno de cada K pasos, el primero y el último (por defecto: todos hasta 1000, "
        "si no ~1000 pasos)"
    ),
    # compare
    "fit a dataset with perceptron-lab and scikit-learn; list what differs, measure the gap": (
        "ajusta un conjunto con perceptron-lab y scikit-learn; enumera lo que difiere, mide la "
        "diferencia"
    ),
    "Standardize a classification dataset and fit it with perceptron-lab, scikit-learn's "
    "LogisticRegression and its SGDClassifier. List every setting that makes their results "
    "differ (LogisticRegression's penalty C, the intercept's penalty, tolerances, "
    "SGDClassifier's loss, per-sample updates, alpha and learning-rate schedule) with the "
    "setting that matches them, then the gap left in coefficients, loss and accuracy.": (
        "Estandariza un conjunto de clasificación y lo ajusta con perceptron-lab, la "
        "LogisticRegression de scikit-learn y su SGDClassifier. Enumera cada ajuste que hace "
        "diferir sus resultados (la penalización C de LogisticRegression, la penalización del "
        "término independiente, las tolerancias, la pérdida de SGDClassifier, las actualizaciones "
        "por muestra, alpha y el programa de la tasa de aprendizaje) con el ajuste que los "
        "iguala, y después la diferencia que queda en coeficientes, pérdida y exactitud."
    ),
    "a built-in classification dataset or a data file (default: breast_cancer)": (
        "un conjunto de clasificación integrado o un archivo de datos (por defecto: breast_cancer)"
    ),
    "perceptron-lab's full-batch epochs (default: 3000)": (
        "las épocas de lote completo de perceptron-lab (por defecto: 3000)"
    ),
    "LogisticRegression's inverse penalty (default: 1.0)": (
        "la penalización inversa de LogisticRegression (por defecto: 1.0)"
    ),
    "l2: LogisticRegression's C, matched by weight decay 1/(C·N); none: no penalty, and ‖W‖ by "
    "epoch (default: l2)": (
        "l2: la C de LogisticRegression, igualada por el decaimiento de pesos 1/(C·N); none: sin "
        "penalización, y ‖W‖ por época (por defecto: l2)"
    ),
    "seed of every model (default: 0)": "semilla de todos los modelos (por defecto: 0)",
    "verify every K-th step against PyTorch (default: the first and the last)": (
        "verifica uno de cada K pasos contra PyTorch (por defecto: el primero y el último)"
    ),
    "Adam's learning rate, cosine-annealed (default: 0.05)": (
        "la tasa de aprendizaje de Adam, con recocido coseno (por defecto: 0.05)"
    ),
    # playground
    "a page in the browser: press step, watch the boundary move, every number checked": (
        "una página en el navegador: pulsa paso, mira moverse la frontera, cada número comprobado"
    ),
    "Serve the playground on this machine and open it in the browser: a single neuron trained "
    "step by step on a 2-D data set by the real engine — play, step, back, branch with another "
    "setting, add points with a click, feature crosses, each step worked out beside PyTorch's "
    "numbers. Ctrl-C stops it.": (
        "Sirve el playground en esta máquina y lo abre en el navegador: una sola neurona "
        "entrenada paso a paso sobre un conjunto 2-D por el motor real — reproduce, avanza, "
        "retrocede, ramifica con otro ajuste, añade puntos con un clic, cruces de "
        "características, cada paso resuelto junto a los números de PyTorch. Ctrl-C lo detiene."
    ),
    "a built-in 2-D set (<1>) or a CSV file (default: moons)": (
        "un conjunto integrado 2-D (<1>) o un archivo CSV (por defecto: moons)"
    ),
    "samples of a synthetic set (default: 200)": "muestras de un conjunto sintético (por defecto: 200)",
    "the two feature columns of a CSV, comma-separated (default: the first two numeric)": (
        "las dos columnas de características de un CSV, separadas por comas "
        "(por defecto: las dos primeras numéricas)"
    ),
    "feature crosses to start with, comma-separated: <1>": (
        "cruces de características con los que empezar, separados por comas: <1>"
    ),
    "address to listen on (default: 127.0.0.1, this machine only)": (
        "dirección en la que escuchar (por defecto: 127.0.0.1, solo esta máquina)"
    ),
    "port (default: 8000; 0: any free port)": "puerto (por defecto: 8000; 0: cualquier puerto libre)",
    "server processes, each serving its tabs on a core of its own (default: 1; a class of 20 on "
    "2 cores: 2)": (
        "procesos servidores, cada uno sirviendo sus pestañas en un núcleo propio "
        "(por defecto: 1; una clase de 20 en 2 núcleos: 2)"
    ),
    "do not open a browser": "no abre un navegador",
    "where 'save as run' writes (default: a folder in the temp dir)": (
        "dónde escribe 'guardar como ejecución' (por defecto: una carpeta en el directorio temporal)"
    ),
    # predict
    "predict a new file's rows with a trained run (labels and probabilities)": (
        "predice las filas de un archivo nuevo con una ejecución entrenada (etiquetas y "
        "probabilidades)"
    ),
    "Read FILE (.csv, .tsv or .parquet), take the columns the run trained on by name (other "
    "columns are ignored, the target is not needed), apply the run's feature crosses and "
    "standardization, and write one row per input row: its row number, the prediction in the "
    "training file's own class names (or the number, for regression) and the probabilities "
    "P(<class>): of class 1 for two classes, of each class for more. The run's last step's W "
    "and B are used, so a stopped run predicts too.": (
        "Lee FILE (.csv, .tsv o .parquet), toma por su nombre las columnas con las que se "
        "entrenó la ejecución (las demás se ignoran, el objetivo no hace falta), aplica los "
        "cruces de características y la estandarización de la ejecución, y escribe una fila por "
        "cada fila de entrada: su número de fila, la predicción en los nombres de clase del "
        "propio archivo de entrenamiento (o el número, en regresión) y las probabilidades "
        "P(<class>): de la clase 1 con dos clases, de cada clase con más. Se usan la W y la B del "
        "último paso de la ejecución, así que una ejecución detenida también predice."
    ),
    "the rows to predict": "las filas que predecir",
    "write the predictions to a .csv or .parquet file (default: CSV on stdout)": (
        "escribe las predicciones en un archivo .csv o .parquet "
        "(por defecto: CSV en la salida estándar)"
    ),
    # evaluate
    "measure a trained run on a labelled file: accuracy, confusion, F1, R², …": (
        "mide una ejecución entrenada sobre un archivo etiquetado: exactitud, confusión, F1, R², …"
    ),
    "Predict FILE's rows (.csv, .tsv or .parquet; the run's feature columns and its target "
    "column, by name) and compare with the target. Classification: accuracy, the confusion "
    "matrix, precision, recall and F1 per class, log-loss and (two classes) ROC AUC. "
    "Regression: R², MAE, RMSE and, with --plot, the residuals against the predictions.": (
        "Predice las filas de FILE (.csv, .tsv o .parquet; las columnas de características de la "
        "ejecución y su columna objetivo, por nombre) y compara con el objetivo. Clasificación: "
        "exactitud, la matriz de confusión, precisión, exhaustividad y F1 por clase, log-loss y "
        "(con dos clases) ROC AUC. Regresión: R², MAE, RMSE y, con --plot, los residuos frente a "
        "las predicciones."
    ),
    "the labelled rows": "las filas etiquetadas",
    "regression: draw the residuals y − ŷ against ŷ to a .png or .svg file": (
        "regresión: dibuja los residuos y − ŷ frente a ŷ en un archivo .png o .svg"
    ),
    "print every entry of every vector (default: a vector of more than 6 entries shows its first 3, its last 2 and its norm)": (
        "imprime todas las entradas de cada vector (por defecto: un vector de más de 6 entradas muestra las 3 primeras, las 2 últimas y su norma)"
    ),
    "a CSV's separator: ',' ';' or tab (default: detected from its first lines)": (
        "el separador de un CSV: ',' ';' o tab (por defecto: detectado en sus primeras líneas)"
    ),
    "a CSV's decimal mark: '.' or ',' as in 1,5 (default: detected)": (
        "la marca decimal de un CSV: '.' o ',' como en 1,5 (por defecto: detectada)"
    ),
    "a CSV's text encoding, e.g. utf-8, utf-16, cp1252, latin-1 (default: from its BOM, else utf-8, else cp1252)": (
        "la codificación del texto de un CSV, p. ej. utf-8, utf-16, cp1252, latin-1 (por defecto: por su BOM, si no utf-8, si no cp1252)"
    ),
    "Draw a run directory as a PNG or SVG (by --out's extension; a GIF for --kind animation). Kinds: loss (per step and per epoch; several RUN_DIRs: their losses on one plot, labelled by the settings that differ), boundary (2-feature classifiers, at chosen epochs), surface (the loss over two parameters with the optimizer's path, and a branched run's parent), gradients (gradient norm and verification disagreement per step), attribution (each sample's term of dL/dW in one step: arrows in the plane of 2 features, else bars per sample and feature), animation (the boundary over training), stability (binary cross-entropy three ways over logits from -100 to 100; needs no run). Titles, labels and legends are in --lang.": (
        "Dibuja un directorio de ejecución como PNG o SVG (según la extensión de --out; un GIF para --kind animation). Tipos: loss (por paso y por época; con varios RUN_DIR: sus pérdidas en un gráfico, etiquetadas por los ajustes que difieren), boundary (clasificadores de 2 características, en las épocas elegidas), surface (la pérdida sobre dos parámetros con el camino del optimizador, y el padre de una rama), gradients (norma del gradiente y discrepancia de la verificación por paso), attribution (el término de dL/dW de cada muestra en un paso: flechas en el plano de 2 características, si no barras por muestra y característica), animation (la frontera a lo largo del entrenamiento), stability (entropía cruzada binaria de tres maneras sobre logits de -100 a 100; no necesita ejecución). Títulos, etiquetas y leyendas en --lang."
    ),
    "a run directory (train --out); several with --kind loss, to compare them": (
        "un directorio de ejecución (train --out); varios con --kind loss, para compararlos"
    ),
    "file to write, .png or .svg (.gif for animation) (default: RUN_DIR/plots/KIND.png, or .gif; needed to compare several runs)": (
        "archivo que escribir, .png o .svg (.gif para animation) (por defecto: RUN_DIR/plots/KIND.png, o .gif; necesario para comparar varias ejecuciones)"
    ),
    "Write a run directory as one HTML file that needs nothing else (plots embedded, math typeset by the KaTeX inlined in it, no network): its settings and data, a branch's parent run and the settings it changed, metrics per epoch, the verification against PyTorch, the plots that apply, the worked solutions of the first and the last step, and every step's numbers.": (
        "Escribe un directorio de ejecución como un único archivo HTML que no necesita nada más (gráficos incrustados, fórmulas compuestas por el KaTeX que lleva dentro, sin red): sus ajustes y datos, la ejecución padre de una rama y los ajustes que cambió, las métricas por época, la verificación frente a PyTorch, los gráficos que correspondan, las soluciones desarrolladas del primer y el último paso, y los números de cada paso."
    ),
    "Write a run directory's steps as TensorBoard events: per-step loss, accuracy or R², learning rate, gradient norm and worst verified disagreement; per-epoch train/test metrics; histograms of W, B, dL/dW, dL/dB and the updates. The run goes into LOGDIR/NAME (NAME: the run directory's name), so runs exported into one LOGDIR sit side by side. View them with: tensorboard --logdir LOGDIR": (
        "Escribe los pasos de un directorio de ejecución como eventos de TensorBoard: pérdida por paso, exactitud o R², tasa de aprendizaje, norma del gradiente y mayor discrepancia verificada; métricas de entrenamiento/prueba por época; histogramas de W, B, dL/dW, dL/dB y las actualizaciones. La ejecución va a LOGDIR/NAME (NAME: el nombre del directorio de ejecución), así que las ejecuciones exportadas a un mismo LOGDIR quedan una al lado de otra. Míralas con: tensorboard --logdir LOGDIR"
    ),
    "TensorBoard's logdir of runs: the run is written to LOGDIR/NAME": (
        "el logdir de ejecuciones de TensorBoard: la ejecución se escribe en LOGDIR/NAME"
    ),
    "the run's name in LOGDIR (default: the run directory's name)": (
        "el nombre de la ejecución en LOGDIR (por defecto: el nombre del directorio de ejecución)"
    ),
    "replace a run of that name already exported into LOGDIR": (
        "reemplaza una ejecución con ese nombre ya exportada a LOGDIR"
    ),
    "scale features by the training set's mean and std (default: on for a data file whose feature scales differ more than 100×, else off)": (
        "escala las características con la media y la desviación típica del conjunto de entrenamiento (por defecto: activado para un archivo de datos cuyas escalas difieren más de 100×, si no desactivado)"
    ),
    "the learning rate (default: 0.01; a data file: 0.1; lbfgs: 1)": (
        "la tasa de aprendizaje (por defecto: 0.01; un archivo de datos: 0.1; lbfgs: 1)"
    ),
    "epochs (default: 5; a data file: 50, fewer for a large one, about 4000 steps)": (
        "épocas (por defecto: 5; un archivo de datos: 50, menos para uno grande, unos 4000 pasos)"
    ),
    "samples per step (default: all, full batch; a data file: 32, but lbfgs: all; 1: online)": (
        "muestras por paso (por defecto: todas, lote completo; un archivo de datos: 32, pero lbfgs: "
        "todas; 1: en línea)"
    ),
    # --nproc, --nnodes, --node-rank, --rdzv-endpoint (cli/options.py), --memory, --stream
    "data-parallel processes on this machine, launched by torch's elastic launcher (gloo on cpu, nccl on cuda); each takes its share of every batch (default: 1)": (
        "procesos de paralelismo de datos en esta máquina, lanzados por el lanzador elástico de torch (gloo en cpu, nccl en cuda); cada uno toma su parte de cada lote (por defecto: 1)"
    ),
    "machines taking part, each running this same command with its --node-rank (default: 1)": (
        "máquinas que participan, cada una con este mismo comando y su --node-rank (por defecto: 1)"
    ),
    "this machine's index, 0 … nnodes − 1 (0 writes the run) (default: 0)": (
        "el índice de esta máquina, 0 … nnodes − 1 (la 0 escribe la ejecución) (por defecto: 0)"
    ),
    "where the machines meet: node 0's address and a free port (default with one machine: 127.0.0.1 and any free port)": (
        "dónde se encuentran las máquinas: la dirección del nodo 0 y un puerto libre (por defecto, con una máquina: 127.0.0.1 y cualquier puerto libre)"
    ),
    "memory for the data, e.g. 256MB or 2GB (default: 1GiB): a file whose numbers would not fit is streamed in blocks instead of loaded": (
        "memoria para los datos, p. ej. 256MB o 2GB (por defecto: 1GiB): un archivo cuyos números no cabrían se lee por bloques en vez de cargarse"
    ),
    "stream the file in blocks even if it fits in --memory (a directory of Parquet files always streams)": (
        "lee el archivo por bloques aunque quepa en --memory (un directorio de archivos Parquet siempre se lee así)"
    ),
    # --threads (cli/options.py)
    "CPU threads PyTorch trains with (default: one for small steps, PyTorch's own count for "
    "large ones, unless OMP_NUM_THREADS or MKL_NUM_THREADS is set)": (
        "hilos de CPU con los que entrena PyTorch (por defecto: uno para pasos pequeños, el "
        "número propio de PyTorch para los grandes, salvo que OMP_NUM_THREADS o "
        "MKL_NUM_THREADS estén definidas)"
    ),
    # exercise and check
    "exercise sheets with worked answer keys, one variant per student": "hojas de ejercicios con sus claves resueltas, una variante por estudiante",
    "grade a student's answers (or a class folder), naming the mistake behind each wrong one": "corrige las respuestas de un estudiante (o la carpeta de una clase) y nombra el error detrás de cada respuesta incorrecta",
    "Write an exercise sheet on one training step of a neuron, with numbers small enough to work by hand, a blank answer file, and (--key) the worked answer key, every number checked against PyTorch. --variants N or --class-list FILE writes one sheet per student, each with its own numbers (the same id always gets the same sheet), their keys and one combined key. Grade the answers with perceptron-lab check. Example: perceptron-lab exercise --variants 30 --lang es --key --out tarea1": "Escribe una hoja de ejercicios sobre un paso de entrenamiento de una neurona, con números lo bastante pequeños para hacerlos a mano, un archivo de respuestas en blanco y (--key) la clave resuelta, cada número comprobado contra PyTorch. --variants N o --class-list ARCHIVO escribe una hoja por estudiante, cada una con sus propios números (el mismo identificador siempre recibe la misma hoja), sus claves y una clave conjunta. Corrija las respuestas con perceptron-lab check. Ejemplo: perceptron-lab exercise --variants 30 --lang es --key --out tarea1",
    "what the sheet asks, a comma-separated subset of <1> (default: forward,activation,loss,gradient,update; mse has no activation)": "lo que pregunta la hoja, un subconjunto separado por comas de <1> (por defecto: forward,activation,loss,gradient,update; mse no tiene activación)",
    "the update rule; momentum is SGD with momentum 0.9 (default: sgd)": "la regla de actualización; momentum es SGD con momento 0.9 (por defecto: sgd)",
    "the learning rate (default: 0.1)": "la tasa de aprendizaje (por defecto: 0.1)",
    "N,d: rows and features of X (N,d,k: k classes for cross_entropy); default: 3,2": "N,d: filas y características de X (N,d,k: k clases para cross_entropy); por defecto: 3,2",
    "steps of the training stage (default: 3)": "pasos de la etapa de entrenamiento (por defecto: 3)",
    "decimals the answers are asked to (default: 4)": "decimales con que se piden las respuestas (por defecto: 4)",
    "the sheet's seed (default: 0)": "la semilla de la hoja (por defecto: 0)",
    "markdown, latex, html, pdf (needs pdflatex) or ipynb (a notebook to fill, and a solved one as its key); default: markdown": "markdown, latex, html, pdf (necesita pdflatex) o ipynb (un cuaderno para completar y uno resuelto como clave); por defecto: markdown",
    "write the worked answer keys too": "escribe también las claves resueltas",
    "N sheets, for students 01 … N, each with its own numbers": "N hojas, para los estudiantes 01 … N, cada una con sus propios números",
    "a class list (an id column, a name column): one sheet per student": "una lista de clase (una columna de identificador, una de nombre): una hoja por estudiante",
    "the blank answer file's kind: yaml, json or csv (default: yaml)": "el tipo del archivo de respuestas en blanco: yaml, json o csv (por defecto: yaml)",
    "the folder to write, new or empty (default: exercise)": "la carpeta que escribir, nueva o vacía (por defecto: exercise)",
    "Grade answer files written by perceptron-lab exercise (YAML, JSON, CSV, or the filled notebook) against each student's own key. A number is right within one unit of the last asked decimal. Each wrong answer is recomputed under the known mistakes (sum for mean, bias left out, sigmoid twice, log without the minus, update sign flipped, gradient not zeroed, σ(Z) for Z, W vs Wᵀ) and the one that reproduces it is named. A folder gives a grade table and the class's most common mistakes. Example: perceptron-lab check tarea1/answers --exercise tarea1/exercise.json": "Corrige archivos de respuestas de perceptron-lab exercise (YAML, JSON, CSV o el cuaderno completado) contra la clave propia de cada estudiante. Un número es correcto a una unidad del último decimal pedido. Cada respuesta incorrecta se recalcula con los errores conocidos (suma en lugar de media, sesgo omitido, sigmoide dos veces, log sin el signo menos, signo de la actualización invertido, gradiente sin poner a cero, σ(Z) en lugar de Z, W frente a Wᵀ) y se nombra el que la reproduce. Una carpeta da una tabla de notas y los errores más frecuentes de la clase. Ejemplo: perceptron-lab check tarea1/answers --exercise tarea1/exercise.json",
    "an answer file (.yaml, .json, .csv, .ipynb) or a folder of them": "un archivo de respuestas (.yaml, .json, .csv, .ipynb) o una carpeta de ellos",
    "the exercise.json the sheets were made with (default: the recipe each answer file carries)": "el exercise.json con que se hicieron las hojas (por defecto: la receta que lleva cada archivo de respuestas)",
    "the student's id, when the answer file names none": "el identificador del estudiante, cuando el archivo de respuestas no lo nombra",
    "where a folder's grade table goes (default: ANSWERS/<1>)": "dónde va la tabla de notas de una carpeta (por defecto: ANSWERS/<1>)",
}

"""The Spanish of every error's phrases: what was expected, the hint, argparse's complaints.

Keyed by the English phrase as the code writes it (what was expected, the hint, the
words of what came), each f-string field numbered
``<1>``, ``<2>`` … (see :mod:`.phrasebook`); tests/test_i18n_phrases.py finds every
``InputError(...)`` in the package and fails on a phrase this table lacks. A new
error is one line here: ``"the English <1>": "el español <1>",``.
"""

from __future__ import annotations

ERRORS: dict[str, str] = {
    # streamed and data-parallel training
    "a run whose data fit in <1> GiB to replay its steps": "una ejecución cuyos datos quepan en <1> GiB para repetir sus pasos",
    "a run streamed from <1> rows (<2> GiB to load)": "una ejecución leída por bloques de <1> filas (<2> GiB que cargar)",
    "show prints its recorded steps": "show muestra sus pasos registrados",
    "0 for a streamed file (hold out a file of its own)": "0 para un archivo leído por bloques (aparta la prueba en un archivo propio)",
    "a data file or a directory of Parquet files": "un archivo de datos o un directorio de archivos Parquet",
    "a test set": "un conjunto de prueba",
    "an integer in [0, <1>]": "un entero en [0, <1>]",
    "no feature crosses for a streamed file": "ningún cruce de características para un archivo leído por bloques",
    # data/stream.py, engine/stream_batches.py
    "numbers in the target, as scan found": "números en el objetivo, como los halló scan",
    "labels among the <1> classes scan found (<2>)": "etiquetas entre las <1> clases que halló scan (<2>)",
    "a block index in 0..<1> of <2>": "un índice de bloque en 0..<1> de <2>",
    "a <1> file or a directory of .parquet files": "un archivo <1> o un directorio de archivos .parquet",
    "the columns of <1> (<2>)": "las columnas de <1> (<2>)",
    "a header but no data rows": "una cabecera pero ninguna fila de datos",
    'quotes only around whole fields (a " inside a field written as "")': 'comillas solo alrededor de campos enteros (una " dentro de un campo escrita como "")',
    "<1> rows in a block where counting quotes found <2>": "<1> filas en un bloque donde contar las comillas halló <2>",
    "an encoding whose quotes and line ends are whole code units (utf-8, cp1252, latin-1, utf-16, utf-32)": "una codificación cuyas comillas y fines de línea sean unidades de código enteras (utf-8, cp1252, latin-1, utf-16, utf-32)",
    "the scan of <1> (<2> rows, <3> features)": "el recorrido de <1> (<2> filas, <3> características)",
    "facts of <1> rows and <2> features": "datos de <1> filas y <2> características",
    "at least <1> MB for blocks of <2> rows": "al menos <1> MB para bloques de <2> filas",
    "use a smaller block_rows or a larger memory (--memory)": "usa un block_rows menor o más memoria (--memory)",
    "at most <1> rows, what <2> MB of memory holds at once (or the full batch)": "como mucho <1> filas, las que caben a la vez en <2> MB de memoria (o el lote completo)",
    "use a larger memory (--memory)": "usa más memoria (--memory)",
    # the numbers' bounds (bounds.Bound.describe)
    "an integer in [<1>, <2>]": "un entero en [<1>, <2>]",
    "a number in [<1>, <2>]": "un número en [<1>, <2>]",
    "a number in (<1>, <2>]": "un número en (<1>, <2>]",
    "a number in [<1>, <2>)": "un número en [<1>, <2>)",
    "a number in (<1>, <2>)": "un número en (<1>, <2>)",
    # the hints below the library's errors (engine/train, engine/session)
    "TrainConfig(...) from perceptron_lab.engine.config": "TrainConfig(...) de perceptron_lab.engine.config",
    "perceptron_lab.data.from_arrays(X, y) or perceptron_lab.data.load(name)": (
        "perceptron_lab.data.from_arrays(X, y) o perceptron_lab.data.load(name)"
    ),
    "lower the learning rate (lr = <1>) or scale the features (standardize)": (
        "baja la tasa de aprendizaje (lr = <1>) o escala las características (estandariza)"
    ),
    "lower the learning rate (<1> = <2>) or scale the features (standardize)": (
        "baja la tasa de aprendizaje (<1> = <2>) o escala las características (estandariza)"
    ),
    "before any update: scale the features (standardize) or use float64": (
        "antes de toda actualización: escala las características (estandariza) o usa float64"
    ),
    "the gradient norm": "la norma del gradiente",
    # argparse's own complaints (Python's argparse, before a command runs)
    "the following arguments are required: <1>": "faltan los argumentos obligatorios: <1>",
    "argument <1>: <2>": "argumento <1>: <2>",
    "invalid choice: <1> (choose from <2>)": "opción no válida: <1> (elige entre <2>)",
    "unrecognized arguments: <1>": "argumentos no reconocidos: <1>",
    "expected one argument": "se esperaba un argumento",
    "expected at most one argument": "se esperaba como mucho un argumento",
    "expected at least one argument": "se esperaba al menos un argumento",
    "expected <1> arguments": "se esperaban <1> argumentos",
    "expected <1> argument": "se esperaba <1> argumento",
    "invalid <1> value: <2>": "valor <1> no válido: <2>",
    "not allowed with argument <1>": "no se permite con el argumento <1>",
    "one of the arguments <1> is required": "se necesita uno de los argumentos <1>",
    "ambiguous option: <1> could match <2>": "opción ambigua: <1> puede ser <2>",
    "ignored explicit argument <1>": "argumento explícito ignorado: <1>",
    "expected a path, got '' (the current directory)": (
        "se esperaba una ruta, se recibió '' (el directorio actual)"
    ),
    # InputError(argument, expected, got, hint): every literal expected and hint
    "'<1>' for the built-in dataset '<2>'": "'<1>' para el conjunto integrado '<2>'",
    "'mean' or 'sum'": "'mean' o 'sum'",
    "--<1> beside --X": "--<1> junto a --X",
    "--branch RUN_DIR beside it": "--branch RUN_DIR a su lado",
    "--kind <1> with it": "--kind <1> con él",
    "--steps K with --X (--step N picks a step of RUN_DIR)": (
        "--steps K con --X (--step N elige un paso de RUN_DIR)"
    ),
    "0 for <1> (it has no momentum)": "0 para <1> (no tiene momento)",
    "1 on this system (it cannot fork processes)": "1 en este sistema (no puede bifurcar procesos)",
    "2 features to draw in the plane (x1, x2)": "2 características para dibujar en el plano (x1, x2)",
    "2 features, the plane's x₁ and x₂": "2 características, la x₁ y la x₂ del plano",
    "<1> = <2>": "<1> = <2>",
    "<1> columns, as in fit": "<1> columnas, como en fit",
    "<1> features and <2> outputs as the run was trained with": (
        "<1> características y <2> salidas, como se entrenó la ejecución"
    ),
    "<1> fields on line <2>, as in the header": "<1> campos en la línea <2>, como en la cabecera",
    "<1> for <2>": "<1> para <2>",
    "<1> labels, one per row of X": "<1> etiquetas, una por fila de X",
    "<1> names, one per column of X": "<1> nombres, uno por columna de X",
    "<1> of type <2>": "<1> de tipo <2>",
    "<1> with <2> set": "<1> con <2> fijado",
    "False or None for a regression dataset": "False o None para un conjunto de regresión",
    "None for a DataFrame (its columns are the names)": (
        "None para un DataFrame (sus columnas son los nombres)"
    ),
    "None for regression and a tuple of labels for classification": (
        "None para regresión y una tupla de etiquetas para clasificación"
    ),
    "None when y is given": "None cuando se da y",
    "True, False or None": "True, False o None",
    "W of shape <1> and B of shape <2>, as <3> says": "W de forma <1> y B de forma <2>, como dice <3>",
    "X of shape (N, d) and y of shape (N,)": "X de forma (N, d) e y de forma (N,)",
    "[x1, x2, label], three finite numbers": "[x1, x2, etiqueta], tres números finitos",
    "a 1-D array of row indices": "un array 1-D de índices de fila",
    "a 1-D array of shape (N,) or (N, 1)": "un array 1-D de forma (N,) o (N, 1)",
    "a 1-D vector of class labels for <1>": "un vector 1-D de etiquetas de clase para <1>",
    "a 2-D array (N, d+1) of features then the target": (
        "un array 2-D (N, d+1) de características y después el objetivo"
    ),
    "a 2-D array of shape (N, d)": "un array 2-D de forma (N, d)",
    "a 2-D array of shape (N, d) with N >= 1": "un array 2-D de forma (N, d) con N >= 1",
    "a <1>": "un <1>",
    "a <1> array": "un array <1>",
    "a <1> file": "un archivo <1>",
    "a <1> file with data": "un archivo <1> con datos",
    "a CSV with 2 columns of numbers besides its target": (
        "un CSV con 2 columnas de números además de su objetivo"
    ),
    "a CSV with at least 2 columns of numbers": "un CSV con al menos 2 columnas de números",
    "a Dataset or None": "un Dataset o None",
    "a JSON object": "un objeto JSON",
    "a UTF-8 text file": "un archivo de texto UTF-8",
    "a boolean mask of length <1>": "una máscara booleana de longitud <1>",
    "a built-in 2-D set (<1>)": "un conjunto integrado 2-D (<1>)",
    "a built-in 2-D set (<1>) or a .csv file": "un conjunto integrado 2-D (<1>) o un archivo .csv",
    "a checkpoint holding W and B": "un punto de control con W y B",
    "a checkpoint of a step the run holds (<1> of <2>)": (
        "un punto de control de un paso que la ejecución guarda (<1> de <2>)"
    ),
    "a checkpoint's position": "la posición de un punto de control",
    "a class index 0–<1>": "un índice de clase 0–<1>",
    "a class with a ``name`` that is an identifier": "una clase con un ``name`` que sea un identificador",
    "a classification dataset (LogisticRegression and SGDClassifier classify)": (
        "un conjunto de clasificación (LogisticRegression y SGDClassifier clasifican)"
    ),
    "a column cannot be both a feature and the target": (
        "una columna no puede ser a la vez característica y objetivo"
    ),
    "a column name": "un nombre de columna",
    "a column of <1> (<2>) or its index 0..<3>": "una columna de <1> (<2>) o su índice 0..<3>",
    "a column of W in 0..<1>": "una columna de W en 0..<1>",
    "a complete <1>": "un <1> completo",
    "a dataset of 2 features (x1, x2) to cross": "un conjunto de 2 características (x1, x2) que cruzar",
    "a directory": "un directorio",
    "a directory that is not a symbolic link": "un directorio que no sea un enlace simbólico",
    "a directory without TensorBoard event files": "un directorio sin archivos de eventos de TensorBoard",
    "a file ending in <1> or a built-in dataset name": (
        "un archivo terminado en <1> o el nombre de un conjunto integrado"
    ),
    "a file name ending in <1>": "un nombre de archivo terminado en <1>",
    "a file of at most <1> MB": "un archivo de como mucho <1> MB",
    "a file to write (.png or .svg)": "un archivo que escribir (.png o .svg)",
    "a finite number in every feature cell": "un número finito en cada celda de características",
    "a finite number in every row of the target": "un número finito en cada fila del objetivo",
    "a fraction in (0, 1), or 0 for no split": "una fracción en (0, 1), o 0 para no dividir",
    "a fraction leaving at least one of the <1> samples to train on": (
        "una fracción que deje al menos una de las <1> muestras para entrenar"
    ),
    "a fresh watch(...) for each with-block": "un watch(...) nuevo para cada bloque with",
    "a header row and at least one data row": "una fila de cabecera y al menos una fila de datos",
    "a label in every row of the target": "una etiqueta en cada fila del objetivo",
    "a list of events": "una lista de eventos",
    "a list of point edits": "una lista de ediciones de puntos",
    "a loss for <1> (<2> takes <3>; try <4>)": "una pérdida para <1> (<2> admite <3>; prueba <4>)",
    "a name for every column": "un nombre para cada columna",
    "a new directory for the branch (a branch never writes into its parent run)": (
        "un directorio nuevo para la rama (una rama nunca escribe en su ejecución madre)"
    ),
    "a new or empty directory, or a run directory": (
        "un directorio nuevo o vacío, o un directorio de ejecución"
    ),
    "a number > 0": "un número > 0",
    "a number >= 0": "un número >= 0",
    "a number for <1>": "un número para <1>",
    "a number in (0, 1]": "un número en (0, 1]",
    "a number in <1>": "un número en <1>",
    "a numeric array": "un array numérico",
    "a point of a set that keeps at least 2": "un punto de un conjunto que conserve al menos 2",
    "a port free on <1>": "un puerto libre en <1>",
    "a position of whole numbers": "una posición de números enteros",
    "a readable <1> file": "un archivo <1> legible",
    "a readable JSON file": "un archivo JSON legible",
    "a readable Parquet file": "un archivo Parquet legible",
    "a readable checkpoint": "un punto de control legible",
    "a regular file or a new file name to write": (
        "un archivo normal o un nombre de archivo nuevo que escribir"
    ),
    "a run directory no other process is writing": (
        "un directorio de ejecución que ningún otro proceso esté escribiendo"
    ),
    "a run directory of format version <1>": "un directorio de ejecución de la versión de formato <1>",
    "a run directory to plot --kind <1>": "un directorio de ejecución para dibujar --kind <1>",
    "a run directory to write (or a new path)": (
        "un directorio de ejecución que escribir (o una ruta nueva)"
    ),
    "a run directory with <1>": "un directorio de ejecución con <1>",
    "a run directory, or --X with --y, --W and --B": (
        "un directorio de ejecución, o --X con --y, --W y --B"
    ),
    "a run is never written among other files: choose a new directory": (
        "una ejecución nunca se escribe entre otros archivos: elige un directorio nuevo"
    ),
    "a run of one nn.Linear layer": "una ejecución de una sola capa nn.Linear",
    "a run on its two features (each sample's xₙ·∂ℓ/∂zₙ is an arrow in their plane)": (
        "una ejecución sobre sus dos características "
        "(el xₙ·∂ℓ/∂zₙ de cada muestra es una flecha en su plano)"
    ),
    "a run whose loss is finite somewhere around its path": (
        "una ejecución cuya pérdida sea finita en algún punto alrededor de su camino"
    ),
    "a run with W of shape (<1>, <2>)": "una ejecución con W de forma (<1>, <2>)",
    "a run with at least one step": "una ejecución con al menos un paso",
    "a session that keeps its rows (keep_rows=True)": "una sesión que guarde sus filas (keep_rows=True)",
    "a session that does not keep its rows": "una sesión que no guarde sus filas",
    "a share of the loop's time in (0, 100], or None": (
        "una parte del tiempo del bucle en (0, 100], o None"
    ),
    "a state token of at most <1> characters": "un testigo de estado de como mucho <1> caracteres",
    "a state token the playground wrote": "un testigo de estado que haya escrito el playground",
    "a state whose steps run (step <1>)": "un estado cuyos pasos se ejecuten (paso <1>)",
    "a step between 1 and <1>": "un paso entre 1 y <1>",
    "a step between <1> and <2>": "un paso entre <1> y <2>",
    "a step whose batch the watched loop stored": "un paso cuyo lote haya guardado el bucle observado",
    "a tensor NumPy can read": "un tensor que NumPy pueda leer",
    "a text file (CSV)": "un archivo de texto (CSV)",
    "a torch.nn.Module": "un torch.nn.Module",
    "a torch.optim.Optimizer": "un torch.optim.Optimizer",
    "a trained run's directory": "el directorio de una ejecución entrenada",
    "a training point's index 0–<1>": "el índice de un punto de entrenamiento 0–<1>",
    "a trajectory with at least one step": "una trayectoria con al menos un paso",
    "a valid CSV file": "un archivo CSV válido",
    "a watched run directory with <1>": "un directorio de ejecución observada con <1>",
    "a whole number of steps >= 0": "un número entero de pasos >= 0",
    "a whole number of steps >= 1": "un número entero de pasos >= 1",
    "a whole number of steps in [1, <1>]": "un número entero de pasos en [1, <1>]",
    "an array of numbers": "un array de números",
    "an array with rows of equal length": "un array con filas de igual longitud",
    'an event with "point" or "branch"': 'un evento con "point" o "branch"',
    "an existing file": "un archivo existente",
    "an existing file or one of the built-in datasets (<1>)": (
        "un archivo existente o uno de los conjuntos integrados (<1>)"
    ),
    "an int in [0, <1>]": "un int en [0, <1>]",
    "an int, a RandomState or None": "un int, un RandomState o None",
    "an integer >= 0": "un entero >= 0",
    "an integer >= 0 (0 is the first step)": "un entero >= 0 (0 es el primer paso)",
    "an integer >= <1>": "un entero >= <1>",
    "an object of data fields": "un objeto de campos de datos",
    "an object of settings": "un objeto de ajustes",
    "an object with data, settings, history, step": "un objeto con data, settings, history, step",
    "an optimizer.step() inside the with-block": "un optimizer.step() dentro del bloque with",
    "arrays named 'X' and 'y'": "arrays llamados 'X' e 'y'",
    "at least 2 classes": "al menos 2 clases",
    "at least 2 outputs for <1>": "al menos 2 salidas para <1>",
    "at least one column and one row": "al menos una columna y una fila",
    "at least one epoch of the run": "al menos una época de la ejecución",
    "at least one feature column in <1>": "al menos una columna de características en <1>",
    "at least one row and one column": "al menos una fila y una columna",
    "at least one value": "al menos un valor",
    "at least the last event's step (<1>)": "al menos el paso del último evento (<1>)",
    "at least the run's <1> epochs with --resume (it can grow, not shrink)": (
        "al menos las <1> épocas de la ejecución con --resume (puede crecer, no encogerse)"
    ),
    "at most <1> branches": "como mucho <1> ramas",
    "at most <1> epochs of <2> batches (<3> steps a run at most)": (
        "como mucho <1> épocas de <2> lotes (<3> pasos por ejecución como mucho)"
    ),
    "at most <1> points": "como mucho <1> puntos",
    "at most <1> steps here (each is kept in memory, about <2> kB; <3> GiB at most)": (
        "como mucho <1> pasos aquí (cada uno se guarda en memoria, unos <2> kB; <3> GiB como mucho)"
    ),
    "batch_size >= 1": "batch_size >= 1",
    "choose two of its features first": "elige antes dos de sus características",
    "class labels to draw a decision boundary": "etiquetas de clase para dibujar una frontera de decisión",
    "columns other than the target '<1>'": "columnas distintas del objetivo '<1>'",
    "continue it with --resume <1>, branch from it with --branch <2> --at-step N --out NEW, "
    "or replace it with --overwrite": (
        "continúala con --resume <1>, ramifícala con --branch <2> --at-step N --out NUEVO, "
        "o reemplázala con --overwrite"
    ),
    "convert it with .double() first": "conviértelo antes con .double()",
    "distinct column names": "nombres de columna distintos",
    "e.g. <1>": "p. ej. <1>",
    "each column at most once": "cada columna como mucho una vez",
    "each option once": "cada opción una vez",
    "either --resume or --branch, not both": "--resume o --branch, no ambos",
    "either RUN_DIR or --X, not both": "RUN_DIR o --X, no ambos",
    "epochs of this run (<1>)": "épocas de esta ejecución (<1>)",
    "events in the order of their steps": "eventos en el orden de sus pasos",
    "every class label on the first call to partial_fit": (
        "todas las etiquetas de clase en la primera llamada a partial_fit"
    ),
    "exactly 2 classes for 'binary'": "exactamente 2 clases para 'binary'",
    "fields of <1>": "campos de <1>",
    "finite numbers": "números finitos",
    "fit(X) before transform": "fit(X) antes de transform",
    "float32 or float64": "float32 o float64",
    "float32, float64 or both": "float32, float64 o ambos",
    "give the directory it points to": "da el directorio al que apunta",
    "given with <1> (or neither: watch() finds both)": "dado con <1> (o ninguno: watch() encuentra ambos)",
    "hyper-parameters of the right kinds": "hiperparámetros de los tipos correctos",
    "integers separated by commas, e.g. 1,5,10": "enteros separados por comas, p. ej. 1,5,10",
    "keep only numeric columns with features, or make it the target": (
        "deja solo columnas numéricas en --features, o hazla el objetivo"
    ),
    "key=value pairs separated by ',' after <1>": "pares clave=valor separados por ',' tras <1>",
    "labels among classes_ <1>": "etiquetas entre classes_ <1>",
    "labels for <1>: <2>": "etiquetas para <1>: <2>",
    "labels for <1>: <2> (k = <3>)": "etiquetas para <1>: <2> (k = <3>)",
    "labels for the <1>: <2>": "etiquetas para la <1>: <2>",
    "labels of shape (N,)": "etiquetas de forma (N,)",
    "labels that differ in more than letter case (write each class one way)": (
        "etiquetas que difieran en algo más que mayúsculas (escribe cada clase de una sola forma)"
    ),
    "labels ±1 or 0/1, not both": "etiquetas ±1 o 0/1, no ambas",
    "markdown, latex, html or beamer with --out": "markdown, latex, html o beamer con --out",
    "momentum > 0 and dampening = 0": "momentum > 0 y dampening = 0",
    "names among <1>": "nombres entre <1>",
    "no --<1> with RUN_DIR (the run's own settings are used)": (
        "ningún --<1> con RUN_DIR (se usan los ajustes de la propia ejecución)"
    ),
    "no <1> for a built-in set": "ningún <1> para un conjunto integrado",
    "no size for '<1>' (only <2> are generated)": "ningún tamaño para '<1>' (solo se generan <2>)",
    "no size for a file (only the synthetic built-ins take one)": (
        "ningún tamaño para un archivo (solo los conjuntos sintéticos integrados lo admiten)"
    ),
    "no target for a .npz file (its labels are the array 'y')": (
        "ningún objetivo para un archivo .npz (sus etiquetas son el array 'y')"
    ),
    "no target for the built-in dataset '<1>' (it has its own)": (
        "ningún objetivo para el conjunto integrado '<1>' (tiene el suyo)"
    ),
    "none with --resume (a resumed run keeps its settings; "
    "for others, --branch RUN_DIR --at-step N --out NEW)": (
        "ninguno con --resume (una ejecución reanudada conserva sus ajustes; "
        "para otros, --branch RUN_DIR --at-step N --out NUEVO)"
    ),
    "none with --resume, or the run's own directory <1>": (
        "ninguno con --resume, o el propio directorio de la ejecución <1>"
    ),
    "numbers > 0": "números > 0",
    "numbers in feature column '<1>'": "números en la columna de características '<1>'",
    "numbers or text labels in the target": "números o etiquetas de texto en el objetivo",
    "numbers that <1> can hold (|x| <= <2>)": "números que quepan en <1> (|x| <= <2>)",
    "numbers, columns split by ',' and rows by ';' (e.g. '1,2;3,4')": (
        "números, columnas separadas por ',' y filas por ';' (p. ej. '1,2;3,4')"
    ),
    "numeric or text arrays": "arrays numéricos o de texto",
    "numeric target values for regression": "valores objetivo numéricos para regresión",
    "one label per row; for one-hot targets pass the class indices": (
        "una etiqueta por fila; para objetivos one-hot pasa los índices de clase"
    ),
    "one of <1>": "uno de <1>",
    "one of <1> for <2>": "uno de <1> para <2>",
    "one of the built-in datasets (<1>)": "uno de los conjuntos integrados (<1>)",
    "only a regular file is ever replaced": "solo se reemplaza un archivo normal",
    "options of <1>": "opciones de <1>",
    "options of <1> (<2>)": "opciones de <1> (<2>)",
    "an integer in [1, <1>]": "un entero en [1, <1>]",
    "0 with optimizer=<1> (it has no weight decay)": "0 con optimizer=<1> (no tiene decaimiento de pesos)",
    "options of the loss or the optimizer (<1>)": "opciones de la pérdida o del optimizador (<1>)",
    "pass classes=np.unique(y_all)": "pasa classes=np.unique(y_all)",
    "pass y, or name a column of X with target=": "pasa y, o nombra una columna de X con target=",
    "pick a new directory per run, or delete the old events": (
        "elige un directorio nuevo por ejecución, o borra los eventos viejos"
    ),
    "pip install tensorboard": "pip install tensorboard",
    "plot --kind boundary draws its curved boundary": "plot --kind boundary dibuja su frontera curva",
    "real numbers": "números reales",
    "reset to start over": "reinicia para empezar de nuevo",
    "reshape a single feature with X.reshape(-1, 1)": (
        "da forma a una sola característica con X.reshape(-1, 1)"
    ),
    "restore the data, or train a new run on it": "restaura los datos, o entrena una ejecución nueva con ellos",
    "row indices in [0, <1>)": "índices de fila en [0, <1>)",
    "rows of equal length": "filas de igual longitud",
    "save as run and go on with perceptron-lab train": (
        "guárdalo como ejecución y sigue con perceptron-lab train"
    ),
    "shape (<1>,) to match W's <2> columns": "forma (<1>,) para casar con las <2> columnas de W",
    "shape (N, <1>) for <2> with k = <3> outputs": "forma (N, <1>) para <2> con k = <3> salidas",
    "shape (d, k) with d = <1> rows to match X's <2> columns": (
        "forma (d, k) con d = <1> filas para casar con las <2> columnas de X"
    ),
    "show, report and plot --kind loss or gradients draw any watched run": (
        "show, report y plot --kind loss o gradients dibujan cualquier ejecución observada"
    ),
    "steps up to <1> in the playground": "pasos hasta <1> en el playground",
    "take a step first": "da un paso antes",
    "target labels of one kind": "etiquetas objetivo de un solo tipo",
    "the <1> the step table holds after step <2>": "el <1> que la tabla de pasos guarda tras el paso <2>",
    "the checkpoint of a step the step table holds (up to <1>)": (
        "el punto de control de un paso que la tabla de pasos guarde (hasta <1>)"
    ),
    "the checksums of the run's files": "las sumas de comprobación de los archivos de la ejecución",
    "the data the run was trained on (<1>)": "los datos con los que se entrenó la ejecución (<1>)",
    "the data the run was trained on (fingerprint <1>…)": (
        "los datos con los que se entrenó la ejecución (huella <1>…)"
    ),
    "the file's name": "el nombre del archivo",
    "the index of a training point (a whole number >= 0)": (
        "el índice de un punto de entrenamiento (un número entero >= 0)"
    ),
    "the name of a file uploaded in this tab": "el nombre de un archivo subido en esta pestaña",
    "the resumed run's directory, <1>": "el directorio de la ejecución reanudada, <1>",
    "the run directory to continue": "el directorio de la ejecución que continuar",
    "the step its name says (<1>)": "el paso que dice su nombre (<1>)",
    "the step to branch from, with --branch": "el paso del que ramificar, con --branch",
    "the step to explain (1-based) beside RUN_DIR": "el paso que explicar (desde 1) junto a RUN_DIR",
    "the tensorboard package installed": "el paquete tensorboard instalado",
    "those of the first call, <1>": "los de la primera llamada, <1>",
    "three lists of 2 to <1> equal lengths": "tres listas de 2 a <1> elementos, de igual longitud",
    "train it again with this version of perceptron-lab": (
        "entrénala de nuevo con esta versión de perceptron-lab"
    ),
    "train on 2 features, e.g. --features a,b, or plot --kind loss or surface": (
        "entrena con 2 características, p. ej. --features a,b, o dibuja --kind loss o surface"
    ),
    "train the run again": "entrena la ejecución de nuevo",
    "true or false": "true o false",
    "true, false or null": "true, false o null",
    "try --port 0": "prueba --port 0",
    "two column names": "dos nombres de columna",
    "two different parameter indices in 0..<1> (W flattened row-major, then B)": (
        "dos índices de parámetro distintos en 0..<1> (W aplanada por filas, después B)"
    ),
    "use 'multiclass'": "usa 'multiclass'",
    "use a classification task": "usa una tarea de clasificación",
    "use float64 (dtype, --dtype) or scale the data": "usa float64 (dtype, --dtype) o escala los datos",
    "wait until it ends, or stop it first": "espera a que termine, o detenlo antes",
    '{"add": [x1, x2, label]} or {"remove": index}': '{"add": [x1, x2, etiqueta]} o {"remove": índice}',
    '{"at": step >= 1, "point" | "branch": ...}': '{"at": paso >= 1, "point" | "branch": ...}',
    '{"x1": [...], "x2": [...], "target": [...]}': '{"x1": [...], "x2": [...], "target": [...]}',
    # InputError's got: the literal words of what came (a value itself is shown as it is)
    "'<1>' among them": "'<1>' entre ellos",
    "--at-step alone": "--at-step solo",
    "<1> (<2>) in <3>": "<1> (<2>) en <3>",
    "<1> = <2> in <3>": "<1> = <2> en <3>",
    "<1> and <2>": "<1> y <2>",
    "<1> and <2> in <3>": "<1> y <2> en <3>",
    "<1> at <2>": "<1> en <2>",
    "<1> classes <2>": "<1> clases <2>",
    "<1> columns": "<1> columnas",
    "<1> columns and <2> rows": "<1> columnas y <2> filas",
    "<1> features and <2> outputs": "<1> características y <2> salidas",
    "<1> features in <2>": "<1> características en <2>",
    "<1> in <2>": "<1> en <2>",
    "<1> in <2>, column '<3>'": "<1> en <2>, columna '<3>'",
    "<1> labels such as <2>": "<1> etiquetas como <2>",
    "<1> on line <2>": "<1> en la línea <2>",
    "<1> rows": "<1> filas",
    "<1> twice": "<1> dos veces",
    "<1>, a regression target": "<1>, un objetivo de regresión",
    "<1>, being written by pid <2>": "<1>, que está escribiendo el pid <2>",
    "<1>, changed since the run (fingerprint <2>…)": "<1>, cambiado desde la ejecución (huella <2>…)",
    "<1>, which holds some": "<1>, que contiene algunos",
    "<1>, which is not empty and holds no run": "<1>, que no está vacío y no contiene ninguna ejecución",
    "<1>, whose data differ from them (another fingerprint)": (
        "<1>, cuyos datos difieren de ellos (otra huella)"
    ),
    "<1>: no run": "<1>: ninguna ejecución",
    "<1>: none": "<1>: ninguno",
    "X <1> and y <2>": "X <1> e y <2>",
    "a <1>th": "un <1>.º",
    "a longer one": "uno más largo",
    "a loss that overflows at every point of the surface (the run diverged)": (
        "una pérdida que desborda en todos los puntos de la superficie (la ejecución divergió)"
    ),
    "a mix of <1>": "una mezcla de <1>",
    "a real-valued target": "un objetivo de valores reales",
    "a run on crossed features": "una ejecución sobre características cruzadas",
    "a watched loop's": "el de un bucle observado",
    "a watched model of another kind": "un modelo observado de otro tipo",
    "an empty cell in <1>": "una celda vacía en <1>",
    "an empty cell in <1>, column '<2>'": "una celda vacía en <1>, columna '<2>'",
    "an empty file": "un archivo vacío",
    "an unfitted Standardizer": "un Standardizer sin ajustar",
    "batch_size = <1> in <2>": "batch_size = <1> en <2>",
    "both": "ambos",
    "columns <1>": "columnas <1>",
    "events out of order": "eventos desordenados",
    "neither": "ninguno de los dos",
    "no <1>": "ningún <1>",
    "no name for column <1>": "ningún nombre para la columna <1>",
    "no settings (config) in <1>": "ningún ajuste (config) en <1>",
    "no steps": "ningún paso",
    "none": "ninguno",
    "none in <1>": "ninguno en <1>",
    "none seen": "no se vio ninguno",
    "nothing": "nada",
    "one": "uno",
    "one class (<1>)": "una clase (<1>)",
    "one used twice": "uno usado dos veces",
    "only the class <1>": "solo la clase <1>",
    "other": "otro",
    "other values in <1>": "otros valores en <1>",
    "repeated <1>": "<1> repetido",
    "rows of lengths <1> in <2>": "filas de longitudes <1> en <2>",
    "shape <1>": "forma <1>",
    "step 0": "paso 0",
    "step <1>": "paso <1>",
    "step <1> in <2>": "paso <1> en <2>",
    "the file <1>": "el archivo <1>",
    "the last ones": "los últimos",
    "undecodable bytes at position <1>": "bytes no decodificables en la posición <1>",
    "version <1> in <2>": "versión <1> en <2>",
    "−1, 0 and 1 mixed": "−1, 0 y 1 mezclados",
    # predict and evaluate (engine/model.py, data/prepare.py)
    "a regression run (the plot is of its residuals)": (
        "una ejecución de regresión (el gráfico es de sus residuos)"
    ),
    "a classification run": "una ejecución de clasificación",
    "a .csv or .parquet file name": "un nombre de archivo .csv o .parquet",
    "fit(X) before state()": "fit(X) antes de state()",
    "a mean and a std > 0 per feature": "una media y una desviación típica > 0 por característica",
    "a column '<1>' (<2> the run trained on)": "una columna '<1>' (<2> con la que se entrenó la ejecución)",
    "none in <1>; its columns: <2>": "ninguna en <1>; sus columnas: <2>",
    "a run trained by perceptron-lab train": "una ejecución entrenada por perceptron-lab train",
    "a watched loop's run in <1>": "la ejecución de un bucle observado en <1>",
    "rows of <1> features (<2>)": "filas de <1> características (<2>)",
    "labels of column '<1>' among the run's classes (<2>)": (
        "etiquetas de la columna '<1>' entre las clases de la ejecución (<2>)"
    ),
    # a PerceptronLabError's own message: extras.MissingExtra, and the features it names
    "<1> needs the <2> extra: pip install 'perceptron-lab[<3>]' (<4> is missing)": (
        "<1> necesita el extra <2>: pip install 'perceptron-lab[<3>]' (falta <4>)"
    ),
    "plotting": "dibujar",
    "the report": "el informe",
    "TensorBoard export": "la exportación a TensorBoard",
    "working with scikit-learn": "trabajar con scikit-learn",
    "the playground": "el playground",
    "one run directory for --kind <1> (several only with --kind loss)": (
        "un directorio de ejecución para --kind <1> (varios solo con --kind loss)"
    ),
    "<1> run directories": ("<1> directorios de ejecución"),
    "a file to write <1> to (.png or .svg)": ("un archivo en el que escribir <1> (.png o .svg)"),
    "a text file in <1> (<2>)": ("un archivo de texto en <1> (<2>)"),
    "choose another with --encoding (encoding= in Python)": (
        "elige otra con --encoding (encoding= en Python)"
    ),
    "numbers with a '.' decimal mark in a ','-separated file": (
        "números con '.' como marca decimal en un archivo separado por ','"
    ),
    "<1>: a decimal comma under ',' separation is ambiguous (a decimal or a thousands separator?)": (
        "<1>: una coma decimal con separación por ',' es ambigua (¿decimal o separador de miles?)"
    ),
    "say which with --decimal , or --decimal . (decimal= in Python)": (
        "di cuál con --decimal , o --decimal . (decimal= en Python)"
    ),
    "an encoding Python knows (utf-8, utf-16, cp1252, latin-1)": (
        "una codificación que Python conozca (utf-8, utf-16, cp1252, latin-1)"
    ),
    "no <1> for a <2> file (only .csv and .tsv take one)": (
        "ningún <1> para un archivo <2> (solo .csv y .tsv lo admiten)"
    ),
    "<1> fields on line <2>, as in the header (<3>)": (
        "<1> campos en la línea <2>, como en la cabecera (<3>)"
    ),
    "choose another with --sep (sep= in Python)": ("elige otro con --sep (sep= en Python)"),
    "no <1> for the built-in dataset '<2>'": ("ningún <1> para el conjunto incorporado '<2>'"),
    "at least two runs to compare": ("al menos dos ejecuciones que comparar"),
    "no steps in <1>": ("ningún paso en <1>"),
    "a folder name (no '/', not starting with '.')": (
        "un nombre de carpeta (sin '/', que no empiece por '.')"
    ),
    "no run named <1> in it yet": ("ninguna ejecución llamada <1> en ella todavía"),
    "<1>, which has one": ("<1>, que ya tiene una"),
    "pick another name, or overwrite it": ("elige otro nombre, o sobrescríbela"),
    "a run <1> holding TensorBoard event files only, to replace": (
        "una ejecución <1> con solo archivos de eventos de TensorBoard, para reemplazarla"
    ),
    "<1>, which holds something else": ("<1>, que contiene otra cosa"),
    "only an exported run is ever replaced": ("solo se reemplaza una ejecución exportada"),
    "a run name for a trace held in memory": ("un nombre de ejecución para una traza en memoria"),
    # the device of a run (engine/device.py)
    "cpu, cuda, cuda:N (the N-th GPU) or auto (cuda if there is one, else cpu)": (
        "cpu, cuda, cuda:N (la N-ésima GPU) o auto (cuda si hay una, si no cpu)"
    ),
    "cpu, auto, or cuda on a machine with a CUDA GPU": (
        "cpu, auto, o cuda en una máquina con una GPU CUDA"
    ),
    "<1>, but torch.cuda.is_available() is False (this torch is <2>: a CPU-only build)": (
        "<1>, pero torch.cuda.is_available() es False (este torch es <2>: una compilación "
        "solo para CPU)"
    ),
    "<1>, but torch.cuda.is_available() is False (this torch is <2>, built for CUDA <3>: "
    "no GPU is visible)": (
        "<1>, pero torch.cuda.is_available() es False (este torch es <2>, compilado para "
        "CUDA <3>: no se ve ninguna GPU)"
    ),
    "cuda:N with N from 0 to <1> (this machine's CUDA GPUs: <2>)": (
        "cuda:N con N de 0 a <1> (las GPU CUDA de esta máquina: <2>)"
    ),
    "cpu with more than one worker (CUDA does not survive the fork that starts each)": (
        "cpu con más de un proceso servidor (CUDA no sobrevive al fork que arranca cada uno)"
    ),
    # exercise sheets, answer files, check
    "an answer file or a folder of them": "un archivo de respuestas o una carpeta de ellos",
    "<1>: no such file": "<1>: no existe",
    "a folder with answer files (.yaml, .json, .csv, .ipynb)": "una carpeta con archivos de respuestas (.yaml, .json, .csv, .ipynb)",
    "<1>: none graded": "<1>: ninguno corregido",
    "N,d (k classes only with --loss cross_entropy)": "N,d (k clases solo con --loss cross_entropy)",
    "a number of students from 1 to 1000": "un número de estudiantes de 1 a 1000",
    "a new or empty folder to write into": "una carpeta nueva o vacía donde escribir",
    "<1>, which holds files": "<1>, que contiene archivos",
    "a .yaml, .yml, .json, .csv or .ipynb answer file": "un archivo de respuestas .yaml, .yml, .json, .csv o .ipynb",
    "a file with student, recipe and an answers mapping": "un archivo con student, recipe y un diccionario answers",
    "a CSV with the header quantity,row,column,value": "un CSV con la cabecera quantity,row,column,value",
    "a notebook that runs to its answers": "un cuaderno que se ejecute hasta sus respuestas",
    "<1>: it stopped with an error": "<1>: se detuvo con un error",
    "the student's id (the file names none)": "el identificador del estudiante (el archivo no nombra ninguno)",
    "an id of the class list in exercise.json": "un identificador de la lista de clase de exercise.json",
    "a YAML answer file<1>": "un archivo de respuestas YAML<1>",
    "<1>: not YAML": "<1>: no es YAML",
    "a JSON answer file (line <1>: <2>)": "un archivo de respuestas JSON (línea <1>: <2>)",
    "a Jupyter notebook (.ipynb, JSON with cells)": "un cuaderno de Jupyter (.ipynb, JSON con celdas)",
    "the sheet's recipe: an exercise.json, or an answer file that carries it": "la receta de la hoja: un exercise.json, o un archivo de respuestas que la lleve",
    "the sheet's recipe as JSON": "la receta de la hoja en JSON",
    "row and column numbers (line <1>)": "números de fila y columna (línea <1>)",
    "an Exercise, a recipe mapping, or the path of exercise.json": "un Exercise, un diccionario con la receta o la ruta de exercise.json",
    "a mapping of quantity → numbers, or an answer file's path": "un diccionario de magnitud → números, o la ruta de un archivo de respuestas",
    "a sheet size with numbers that tell every mistake apart (try more rows)": "un tamaño de hoja con números que distingan cada error (pruebe con más filas)",
    "a comma-separated subset of <1>": "un subconjunto separado por comas de <1>",
    "N,d (rows, features) or N,d,k (k classes), e.g. 3,2": "N,d (filas, características) o N,d,k (k clases), p. ej. 3,2",
    "one of <1> (rules done by hand)": "una de <1> (reglas que se hacen a mano)",
    "en or es": "en o es",
    "no activation stage for a loss on Z itself (mse): leave it out": "sin etapa de activación para una pérdida sobre Z misma (mse): quítela",
    "a mapping of the sheet's recipe": "un diccionario con la receta de la hoja",
    "recipe format <1>": "receta de formato <1>",
    "only the keys <1>": "solo las claves <1>",
    "an integer from <1> to <2> (a sheet done by hand)": "un entero de <1> a <2> (una hoja que se hace a mano)",
    "<1> an integer from <2> to <3> (a sheet done by hand)": "<1> un entero de <2> a <3> (una hoja que se hace a mano)",
    "a CSV of students (an id column, a name column)": "un CSV de estudiantes (una columna de identificador, una de nombre)",
    "<1>: empty": "<1>: vacío",
    "at least one student below the header": "al menos un estudiante bajo la cabecera",
    "the <1> that exercise wrote (recipe, students)": "el <1> que escribió exercise (recipe, students)",
    "an id on every row (line <1>)": "un identificador en cada fila (línea <1>)",
    "an empty cell": "una celda vacía",
    "unique ids (line <1> repeats line <2>)": "identificadores únicos (la línea <1> repite la línea <2>)",
    "the <1> that exercise wrote": "el <1> que escribió exercise",
    "<1>: not JSON": "<1>: no es JSON",
    "pdflatex on the PATH for --format pdf (Debian: apt-get install texlive-latex-recommended texlive-fonts-recommended)": "pdflatex en el PATH para --format pdf (Debian: apt-get install texlive-latex-recommended texlive-fonts-recommended)",
    "no pdflatex": "ningún pdflatex",
    "at least one solved sheet": "al menos una hoja resuelta",
}

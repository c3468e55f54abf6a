"""The words in English: one table per section, ``<name>`` placeholders."""

WORDS: dict[str, dict[str, str]] = {
    "demo": {
        "ex1": "Example 1: the forward pass — logits Z = XW + B",
        "ex2": "Example 2: the loss — sigmoid and binary cross-entropy",
        "ex3": "Example 3: the gradient — dL/dW and dL/dB",
        "ex4": "Example 4: applying the gradient — one SGD step (lr = <lr>)",
        "ex5": "Example 5: the whole loop — the Perceptron class, <epochs> epochs (seed <seed>)",
        "quantity": "quantity",
        "by_hand": "by formula",
        "by_torch": "by PyTorch",
        "gap": "disagreement",
        "logit": "Z (logit)",
        "prob": "σ(Z) (probability)",
        "loss_value": "L (binary cross-entropy)",
        "loss_by_notebook": "L, the notebook's formula",
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
        "torch_step": "PyTorch: optim.SGD(linear.parameters(), lr=<lr>).step()",
        "float32_note": (
            "Why is the first logit <computed> and not 0? In float32, <inputs>. With these "
            "stored numbers, 1·0.5 + 2·W₂ + B is exactly <exact> — the inputs, not the "
            "arithmetic, make it non-zero. In exact decimal arithmetic it is <decimal>."
        ),
        "stored_as": "<written> is stored as <stored>",
        "and": "and",
        "verified": "Every number above was computed twice and agrees: worst disagreement <gap> (<name>).",
        "shapes": "X (3×2) · W (2×1) + B (1) → Z (3×1)",
        "seed_note": "Random start: torch.manual_seed(<seed>); the same seed prints the same losses.",
    },
    "explain": {
        # --- the setting ---------------------------------------------------------------
        "title": "Step <step>: the worked solution",
        "setting": "<loss>, updated by <rule>; learning rate $\\gamma = <lr>$; numbers in <dtype>.",
        "loss_bce": "Binary cross-entropy",
        "loss_cross_entropy": "Softmax cross-entropy",
        "loss_mse": "Mean squared error",
        "loss_perceptron": "The perceptron criterion",
        "rule_sgd": "stochastic gradient descent (SGD)",
        "rule_adam": "Adam",
        "rule_adamw": "AdamW",
        "rule_rmsprop": "RMSprop",
        "rule_adagrad": "Adagrad",
        "batch": "A batch of $N = <N>$ samples with $d = <d>$ inputs (features) each, into $k = <k>$ outputs (neurons).",
        "position": "Epoch <epoch>, batch <batch> of <batches>.",
        "position_full": "Epoch <epoch>: the whole data set is one batch, so one step is one epoch.",
        "rounding": "Numbers are shown with 4 decimals, as PyTorch prints them; each result is computed from the unrounded values, so a last digit may differ from a sum of rounded terms.",
        "twins": "Every result is computed twice: by its formula, and by PyTorch (`nn.Linear`, the `torch.nn` loss, autograd, `torch.optim`). The disagreement is $\\max|a - b| / \\max|b|$.",
        # --- given ---------------------------------------------------------------------
        "given_title": "0. What the step starts from",
        "given_derivation": "Inputs X, targets y, weights W and bias B",
        "labels_bce": "Targets y are probabilities of class 1 (here the classes 0 and 1).",
        "labels_cross_entropy": "Targets are class labels $c_n \\in \\{0, \\ldots, k - 1\\}$, counted from 0 as PyTorch does: $z_n[c]$ is the logit of class c (column c + 1 of Z).",
        "labels_mse": "Targets y are real numbers, one per output.",
        "labels_perceptron": "Targets are $t = \\pm 1$ (labels 0 and 1 are read as $-1$ and $+1$).",
        "state_before": "The optimizer's state, as the previous update left it: <names>.",
        "state_empty": "The optimizer has no state yet: this is its first update, and `torch.optim` creates the state now.",
        # --- forward -------------------------------------------------------------------
        "forward_title": "1. Forward pass: the net input Z = XW + B",
        "forward_derivation": "Each sample's logit is its inputs times the weights, plus the bias",
        "net_input": "Z holds the logits (the net input): raw values in $(-\\infty, \\infty)$, one per sample and output.",
        "linear_note": "PyTorch's `nn.Linear(<d>, <k>)` stores its weight as $W^\\top$, shaped (<k>, <d>), and computes $X \\cdot \\text{weight}^\\top + \\text{bias}$: the same Z.",
        "showing_samples": "showing <shown> of <total> samples",
        "showing_outputs": "showing <shown> of <total> outputs",
        "showing_terms": "each sum shows <shown> of its <total> terms",
        "showing_weights": "showing <shown> of <total> weights",
        "showing_elements": "showing <shown> of <total> elements",
        "stored_as": "<written> is stored as <stored>",
        "and": " and ",
        "float32_inputs": "Why is $<z>$ = <computed> and not <decimal>? In float32, <inputs>. With these stored numbers, $<expression>$ is exactly <exact>: the inputs, not the arithmetic, make it differ. In exact decimal arithmetic it is <decimal>.",
        "float32_both": "Why is $<z>$ = <computed> and not <decimal>? In float32, <inputs>. With these stored numbers, $<expression>$ would be exactly <exact>; float32 then rounds each product and sum, giving <computed>. In exact decimal arithmetic it is <decimal>.",
        "float32_arithmetic": "Why is $<z>$ = <computed> and not <decimal>? Every input of $<expression>$ is stored exactly in float32, but float32 rounds each product and sum to 24 binary digits, giving <computed>. In exact decimal arithmetic it is <decimal>.",
        # --- activation ----------------------------------------------------------------
        "activation_title": "2. Activation function",
        "activation_sigmoid": "The sigmoid turns each logit into a probability of class 1",
        "activation_softmax": "The softmax turns each row of logits into probabilities that add up to 1",
        "activation_identity": "A linear neuron: the prediction is the net input itself",
        "activation_step": "The step function turns each logit into a class, 1 or 0",
        "activation_note_bce": "The loss does not take A: `nn.BCEWithLogitsLoss` takes Z and applies the sigmoid inside, in a numerically stable form. A is the prediction.",
        "activation_note_cross_entropy": "The loss does not take A: `nn.CrossEntropyLoss` takes Z and applies log-softmax inside. PyTorch subtracts each row's largest logit before exp: the same result, without overflow.",
        "activation_note_mse": "With the identity there is nothing to apply: the loss compares Z with y directly.",
        "activation_note_perceptron": "The step is not differentiable, so the perceptron criterion works on Z itself: only its sign against the target matters.",
        # --- loss ----------------------------------------------------------------------
        "loss_title": "3. Loss",
        "per_sample_derivation": "The loss of each sample",
        "reduce_derivation": "The loss of the batch",
        "loss_note_bce": "The notebook computes it on probabilities, $-\\operatorname{mean}(y \\log \\sigma(Z) + (1 - y) \\log(1 - \\sigma(Z)))$. `nn.BCEWithLogitsLoss` uses $\\log \\sigma(z) = -\\operatorname{softplus}(-z)$ on the logits: the same number, and never $\\log(0)$.",
        "loss_note_cross_entropy": "Only the label's logit $z_n[c_n]$ is subtracted: the loss is small when the label's logit stands out from the others.",
        "loss_note_mse": "Each error is squared, so large errors weigh much more than small ones.",
        "loss_note_perceptron": "A sample on the correct side ($t \\cdot z > 0$) costs nothing; a mistake costs $|z|$, its distance from the boundary in logit units.",
        "per_sample_mean": "Each sample's $\\ell_n$ is the mean of its $k = <k>$ outputs' $\\ell_{n,j}$.",
        "per_sample_sum": "Each sample's $\\ell_n$ is the sum of its $k = <k>$ outputs' $\\ell_{n,j}$.",
        "pos_weight": "With `pos_weight` $p = <p>$, the loss of the positive class (y = 1) is multiplied by p.",
        "mean_samples": "Reduction mean: the average over $N = <N>$ samples.",
        "mean_elements": "Reduction mean: the average over $N \\cdot k = <N> \\cdot <k> = <count>$ elements, one per sample and output (as `torch.nn` does).",
        "sum_samples": "Reduction sum: the $N = <N>$ sample losses are added, not averaged, so $\\partial L/\\partial Z$ is $N = <N>$ times larger than with mean.",
        "sum_elements": "Reduction sum: the $N \\cdot k = <count>$ element losses are added, not averaged, so $\\partial L/\\partial Z$ is $N \\cdot k = <count>$ times larger than with mean.",
        # --- dL/dZ ---------------------------------------------------------------------
        "dz_title": "4. Gradient of the loss with respect to Z",
        "dz_derivation": "How the loss changes with each logit",
        "dz_note_bce": "The sigmoid's derivative $\\sigma(z)(1 - \\sigma(z))$ cancels against the logarithm's, leaving the plain error $\\sigma(z) - y$: predicted minus true.",
        "dz_note_bce_weighted": "With `pos_weight` the error of the positive class is weighted: $\\sigma(z)(p y + 1 - y) - p y$, which is the plain error $\\sigma(z) - y$ when $p = 1$.",
        "dz_note_cross_entropy": "The softmax and the logarithm cancel the same way: predicted probabilities minus the one-hot label.",
        "dz_note_mse": "The derivative of $(z - y)^2$ is $2(z - y)$: twice the error.",
        "dz_note_perceptron": "Only mistakes ($t \\cdot z \\le 0$, the boundary included) have a gradient, $-t$; correct samples give 0. ($\\mathbf{1}[\\ldots]$ is 1 when the condition holds, else 0.)",
        "dz_mean": "The $1/<count>$ comes from the mean reduction.",
        "dz_sum": "No $1/<count>$: the reduction is a sum.",
        "dz_torch": "This is where backpropagation starts: `loss.backward()` finds the same $\\partial L/\\partial Z$ by autograd.",
        # --- dL/dW, dL/dB --------------------------------------------------------------
        "gradients_title": "5. Backpropagation to the weights and the bias",
        "dw_derivation": "The gradient of the weights",
        "db_derivation": "The gradient of the bias",
        "chain_rule_w": "Chain rule: $z_{n,j}$ changes with $w_{i,j}$ at the rate $x_{n,i}$, so $\\partial L/\\partial w_{i,j}$ adds up $x_{n,i} \\cdot \\partial L/\\partial z_{n,j}$ over the batch.",
        "chain_rule_b": "Chain rule: $z_{n,j}$ changes with $b_j$ at the rate 1, so $\\partial L/\\partial b_j$ is the sum of $\\partial L/\\partial z_{n,j}$ over the batch.",
        "weight_grad_note": "`nn.Linear` stores weight as (k, d) = (<k>, <d>), so PyTorch's `linear.weight.grad` is $(\\partial L/\\partial W)^\\top$: <value>.",
        # --- update --------------------------------------------------------------------
        "update_title": "6. Update",
        "hyper_derivation": "The rule: <rule>",
        "hyper": "Hyper-parameters: <values>.",
        "opt_lr": "learning rate",
        "opt_betas": "decay rates of the two moving averages",
        "opt_momentum": "momentum",
        "opt_dampening": "dampening",
        "opt_weight_decay": "weight decay",
        "opt_eps": "added to the denominator for stability",
        "opt_alpha": "smoothing constant",
        "opt_lr_decay": "learning-rate decay",
        "opt_initial_accumulator_value": "initial value of the accumulator",
        "scheduled_lr": "The learning rate of this step is $\\gamma = <lr>$ (the schedule's value; the base rate is <base>).",
        "t_record": "$t = <t>$ counts the rule's updates. A step record does not keep that count: it is taken to be the step number, <step>, which holds unless a run switched optimizers.",
        "t_context": "$t = <t>$ counts the rule's updates, as the run's trace records it (step <step>).",
        "rule_note_sgd": "Each parameter moves against its gradient, a step of $\\gamma$ times the gradient.",
        "rule_note_adam": "Adam divides a moving average of the gradient (m) by the root of a moving average of its square (v): each parameter gets its own step size.",
        "rule_note_adamw": "AdamW is Adam with decoupled weight decay: $\\theta$ shrinks by the factor $(1 - \\gamma \\lambda)$ before the Adam step, instead of $\\lambda \\theta$ being added to the gradient as Adam does.",
        "rule_note_rmsprop": "RMSprop divides the gradient by the root of a moving average of its square (v), so steep directions take smaller steps.",
        "rule_note_adagrad": "Adagrad divides by the root of the sum of all squared gradients so far (s): s only grows, so the steps shrink over time.",
        "sgd_momentum": "The momentum buffer u (`momentum_buffer`) starts as $u = g$ on the first update. PyTorch keeps $\\gamma$ outside the buffer ($u \\leftarrow \\mu u + (1 - \\tau) g$, $\\theta \\leftarrow \\theta - \\gamma u$); the textbook's $v \\leftarrow \\mu v - \\gamma g$ agrees while $\\gamma$ is constant.",
        "adam_bias": "m and v start at 0, so early averages lean towards 0; dividing by $1 - \\beta_1^t$ and $1 - \\beta_2^t$ corrects that (at $t = 1$, $\\hat{m} = g$ and $\\hat{v} = g^2$). PyTorch computes the denominator as $\\sqrt{v_t}/\\sqrt{1 - \\beta_2^t} + \\varepsilon$, which is $\\sqrt{\\hat{v}_t} + \\varepsilon$.",
        "adam_amsgrad": "AMSGrad keeps the largest v so far ($v^{\\max}$) and divides by it, so a step size never grows back.",
        "rmsprop_centered": "Centered: the moving average of g ($\\bar{g}$) is subtracted, so s estimates the gradient's variance rather than its second moment.",
        "state_layout": "`torch.optim` keeps the state per parameter, shaped like the parameter: for `linear.weight` that is (k, d), the transpose of W's; it is compared transposed.",
        "update_W": "The weights W",
        "update_B": "The bias B",
        "no_bias_decay": "This run leaves B out of the weight decay (as scikit-learn leaves out the intercept), so $\\lambda = 0$ for B.",
        # --- the renderers' labels ---------------------------------------------------------
        "word_formula": "Formula",
        "word_shapes": "Shapes",
        "word_numbers": "With the numbers",
        # --- closing -------------------------------------------------------------------
        "verified": "Every quantity was computed twice, by its formula and by PyTorch, and they agree: the largest disagreement is <gap> (<name>), within the tolerance <tolerance>.",
        "verified_exact": "Every quantity was computed twice, by its formula and by PyTorch, and they agree to the last bit (disagreement 0; the tolerance is <tolerance>).",
        "unverified": "PyTorch's twin did not run on this step: the numbers are the formulas' only.",
    },
    "report": {
        "title": "Run report",
        "made_by": "Made by perceptron-lab <version> from <source>.",
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
        "held_out": "<n> held out for test",
        "standardized": "features standardized",
        "task": "task",
        "classes": "classes",
        "model": "model (input → output)",
        "model_params": "<model>: <count> parameters (<names>)",
        "not_recorded": "not recorded (the watch keeps the data of a one-nn.Linear model only)",
        "loss": "loss",
        "optimizer": "optimizer",
        "schedule": "learning-rate schedule",
        "constant": "constant",
        "batch_size": "batch size",
        "batches": "<n> batches per epoch",
        "epochs": "epochs",
        "step_count": "steps",
        "of": "<done> of <total>",
        "seed": "seed",
        "dtype": "dtype",
        "parent": "branched from",
        "parent_value": "<run>, step <step>",
        "versions": "package versions",
        "fingerprint": "data fingerprint",
        "time": "time",
        "rate": "<seconds:.2f> s · <rate:,.0f> steps/s",
        "unknown": "running or killed",
        # metrics
        "train": "train",
        "test": "test",
        "epoch": "epoch",
        "accuracy": "accuracy",
        "r2": "R²",
        # verification
        "verified_steps": "verified steps",
        "verified_value": "<n> of <total> (the first, the last and every <every>th)",
        "verified_all": "<n> of <total> (every step)",
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
        "attribution": "Attribution of step <step>: each sample's term of dL/dW",
        "surface": "Loss surface over two parameters, with the optimizer's path",
        "no_plane": (
            "The decision boundary and the attribution are drawn for classifiers of "
            "2 features; this run has <features> features (<task>)."
        ),
        "no_recipe": (
            "The plots that reload the data (boundary, attribution, loss surface) are left "
            "out: a watched loop keeps its batches, not a recipe for its data."
        ),
        "no_steps": "The run recorded no steps: there is nothing to plot or explain.",
        "failed": "<what> left out: <error>",
        # steps
        "lr": "lr",
        "grad_norm": "‖gradient‖",
        "verified": "verified",
        "W_after": "W after",
        "B_after": "B after",
        "sampled": (
            "The run has <total> steps; <shown> of them are shown, evenly spaced, with the "
            "first and the last. The trace (steps/*.parquet) holds them all."
        ),
        "vector_cut": "Vectors longer than <n> numbers show their first <n> (… and how many more).",
        "first_last": "The first <head> and the last <tail> of <total> steps.",
        "run": "Run",
        "not_verified": "PyTorch's twin did not run for this step: only the closed form is shown.",
        "over": "Worst disagreement <gap> (<name>) is over the tolerance <tol:.0e>.",
    },
    "watch": {
        "step": "step <step>: <text>",
        "nll_on_logits": (
            "<module> takes log-probabilities but was given the logits Z: apply "
            "log_softmax first (or use CrossEntropyLoss on Z)"
        ),
        "not_zeroed": (
            "gradients not zeroed between steps: <quantity> is this step's gradient plus the "
            "one left from earlier backward passes (call optimizer.zero_grad() every step)"
        ),
        "reduction": (
            "mean vs sum reduction: the loop's gradient is <factor:.6g> × the closed form's — "
            "the loss was <got> over its <count> elements where the <want> was expected "
            "(check reduction= and any · N or / N)"
        ),
        "summed": "summed",
        "averaged": "averaged",
        "sum": "sum",
        "mean": "mean",
        "broadcast": (
            "a target of shape <target> against logits of shape <input> broadcast into a "
            "<shape> loss (reshape the target to <input>)"
        ),
        "probabilities_to_logits_loss": (
            "probabilities fed to <module>: its input is σ(Z), not the logits Z "
            "(pass the logits, or use nn.BCELoss)"
        ),
        "logits_to_probability_loss": (
            "logits fed to <module>: its input is Z, not σ(Z) "
            "(use nn.BCEWithLogitsLoss on the logits)"
        ),
        "double_sigmoid": "sigmoid applied twice: <module> gets <chain> instead of <wanted>",
        "weight_decay": (
            "weight decay on one side only: <optimizer> applies weight_decay = <actual:g> "
            "and the expected update has <expected:g>"
        ),
        "weight_decay_loss": (
            "weight decay on one side only: the loop's gradient carries λ·θ with λ = "
            "<lam:.4g> (an L2 penalty added to the loss<where>) that <module> does not"
        ),
        "weight_decay_W": ", on W only",
        "weight_decay_on": ", on <names> only",
        "optimizer_settings": (
            "the optimizer's settings differ from the expected ones: <settings> "
            "(the update matches the optimizer's own)"
        ),
        "unexplained": (
            "<quantity> of the loop disagrees with the <against> (<gap:.1e> > <tol:.0e>) "
            "and no known cause explains it (checked: <tried>)"
        ),
        "nothing": "nothing",
        "closed_form": "closed form",
        "rule": "optimizer's rule",
        "finite_differences": "finite differences",
        # notes
        "not_linear": (
            "<why>: gradients are checked by finite differences and updates by the "
            "optimizer's rule, not by the closed form of the step"
        ),
        "no_closed_form": "<why>: the closed form of the step is not checked",
        "no_rule": "<why>: updates are not checked against a closed-form rule",
        "fd_capped": "finite differences on <checked> of <total> parameter entries per step",
        "no_fd": "finite differences not run: <why>",
        "fd_link": "the loss input is not the model's output (nor σ or log softmax of it)",
        "fd_reproduce": "model(X) in float64 does not reproduce the loop's loss (dropout? batch norm?)",
        "moved": (
            "step <step>: the parameters changed outside optimizer.step() since the previous "
            "step (by up to <gap:.1e>)"
        ),
        "closure": "step <step>: optimizer.step(closure) is recorded, not verified",
        "accumulation": (
            "step <step>: <calls> backward passes through the loss before one optimizer.step(): "
            "with accumulated gradients the update is checked, not the gradient"
        ),
        "gradient_edit": (
            "step <step>: the gradient was <edit> between backward() and optimizer.step(); "
            "the loss's gradient is checked as backward() left it, the update against the "
            "gradient the optimizer received"
        ),
        "clipped_norm": "clipped to norm <norm:.4g> (from <before:.4g>)",
        "clipped_value": "clipped to values within ±<value:.4g>",
        "changed": "changed (not a clip by norm or by value)",
        "no_model": (
            "no module was called before the first optimizer.step() (parameters used "
            "directly?): gradients are not checked, updates are"
        ),
        "no_step": "no optimizer.step() was seen inside the with-block: nothing was recorded",
        "other_optimizer": (
            "<steps> steps of another optimizer were not recorded (watch() follows the first "
            "one that steps)"
        ),
        "loss_scale": (
            "step <step>: backward() went through <scale:.4g> × the loss's value (a loss "
            "divided or multiplied in the loop); its gradient is checked as that multiple"
        ),
        "sampled": (
            "<checked> of <steps> steps verified in full: after <allowance:g> s of checks, the watch "
            "spends <share:.0%> of the loop's own time on them (budget=None verifies every step)"
        ),
        "gradient_hook": (
            "the gradient of <names> goes through a hook of the loop's (register_hook) that "
            "changes it: it is checked against that hook applied to the closed form, the "
            "closed form against finite differences"
        ),
        "gradient_hook_unchecked": (
            "the gradient of <names> goes through a hook of the loop's (register_hook) that "
            "changes it: without a closed form to run the hook on, it is not checked"
        ),
        "unseen_loss": (
            "step <step>: no loss call was seen (neither an nn loss module nor a "
            "torch.nn.functional loss; a loss written out from tensor operations?): the "
            "gradient is not checked, the update is"
        ),
        "unseen_model": (
            "step <step>: no forward of the model with autograd on was seen before the loss: "
            "the gradient is not checked, the update is"
        ),
        "none_reduction": (
            "<module>(reduction='none'): the loop's own reduction is taken as 'mean' "
            "(expect={'reduction': 'sum'} says it sums)"
        ),
        "big": "<size> parameters: per-step parameter vectors are not stored (more than <cap>)",
    },
    "playground": {
        "title": "perceptron-lab playground",
        "lang_button": "ES",
        "lang_label": "Cambiar a español",
        "status_step": "step <step>",
        "status_epoch": "epoch <epoch>",
        "verified_ok": "PyTorch agrees: worst <worst> ≤ <tol>",
        "verified_bad": "PyTorch disagrees: worst <worst> > <tol> (<quantity>)",
        "verified_none": "nothing to check yet",
        "reconnecting": "Connection lost — reconnecting…",
        "dismiss": "Dismiss",
        "data": "Data",
        "dataset": "data set",
        "size": "size",
        "noise": "noise",
        "test_ratio": "test share",
        "data_seed": "data seed",
        "crosses": "feature crosses",
        "apply_data": "new data",
        "upload": "CSV file",
        "upload_too_big": "<name> is <size> MB; the playground takes files up to <limit> MB",
        "upload_read": "<name>: <rows> rows, <columns> columns",
        "feature_1": "feature 1",
        "feature_2": "feature 2",
        "target": "target",
        "use_data": "use this data",
        "training": "Training",
        "loss": "loss",
        "optimizer": "optimizer",
        "lr": "learning rate",
        "batch_size": "batch size",
        "batch_full": "full batch",
        "batch_online": "1 (online)",
        "batch_number": "samples",
        "optimizer_params": "the rule's own hyper-parameters",
        "param_dampening": "dampening",
        "param_nesterov": "nesterov",
        "param_betas": "betas (β₁, β₂)",
        "param_eps": "eps (ε)",
        "param_amsgrad": "amsgrad",
        "param_alpha": "alpha (α)",
        "param_centered": "centered",
        "param_lr_decay": "lr_decay",
        "param_initial_accumulator_value": "initial accumulator",
        "momentum_none": "momentum (sgd, rmsprop only)",
        "size_off": "size: for moons, blobs, circles and spiral",
        "test_ratio_off": "test share: these few points are all trained on",
        "branches": "branches",
        "from_step": "from step <step>",
        "weight_decay": "weight decay",
        "momentum": "momentum",
        "seed": "seed",
        "dtype": "dtype",
        "apply_training": "restart with these settings",
        "controls": "Run",
        "play": "Play",
        "pause": "Pause",
        "step": "Step",
        "step10": "Step ×10",
        "back": "Back",
        "reset": "Reset",
        "speed": "speed",
        "speed_value": "<n> steps/s",
        "branch_mode": "a changed setting branches from here (instead of restarting)",
        "branch": "Branch from here",
        "save": "Save as run",
        "saved": "Saved to <path>",
        "copy": "Copy link",
        "copied": "Link copied",
        "copy_failed": "Could not copy; the link is in the address bar",
        "download": "Download state",
        "open_state": "Open state file",
        "bad_state": "<name> is not a playground state file (JSON expected)",
        "keys": "Keys: space play/pause · → step · ← back",
        "plane": "The plane",
        "plane_hint": "click: add a point · shift-click or right-click a point: remove it",
        "add_class": "add points of",
        "class_name": "class <n>",
        "train": "train",
        "test": "test",
        "batch": "in this batch",
        "pull_on_W": "thin arrows: each sample's pull on W, −xₙ·∂ℓ/∂zₙ · thick arrow: the whole step, −∂L/∂W",
        "boundary": "decision boundary (P = 0.5)",
        "not_in_batch": "not in this batch",
        "tip_point": "point <i> · <label>",
        "tip_z": "z",
        "tip_a": "a",
        "tip_loss": "ℓ",
        "tip_share": "share of the gradient",
        "curve": "Loss",
        "log_scale": "log scale",
        "axis_step": "step",
        "axis_loss": "loss",
        "current_branch": "current branch",
        "surface": "Loss surface",
        "surface_hint": "the loss over <w1> and <w2>, the other weights held where they are",
        "weights": "Weights",
        "weight": "weight",
        "gradient": "gradient",
        "bias": "bias B",
        "worked": "This step, worked out",
        "worked_none": "Take a step to see it worked out.",
        "worked_playing": "Playing faster than <n> steps/s: the step is worked out when you pause.",
        "quantity": "quantity",
        "by_hand": "by hand",
        "by_torch": "PyTorch",
        "gap": "disagreement",
        "error": "Error",
    },
    "evaluate": {
        # the class mapping and W's rows by name (show, explain, report, evaluate)
        "class_is": "class <index> = <name>",
        "classes": "classes",
        "weights": "weights",
        "feature": "feature",
        "bias": "B (bias)",
        "more": "… and <n> more",
        "explain_classes": "Here <mapping>.",
        "explain_rows": "W's rows are the features: <names>.",
        # predict
        "predictions_written": "<n> predictions written to <path>",
        # evaluate
        "title": "<run> on <file>: <n> rows",
        "metric": "metric",
        "value": "value",
        "accuracy": "accuracy",
        "log_loss": "log-loss",
        "roc_auc": "ROC AUC",
        "no_probabilities": "— (the perceptron gives no probabilities)",
        "one_class": "— (the rows hold one class only)",
        "confusion": "confusion matrix (rows: true class, columns: predicted)",
        "true_predicted": "true \\ predicted",
        "per_class": "per class",
        "class": "class",
        "precision": "precision",
        "recall": "recall",
        "f1": "F1",
        "support": "rows",
        "r2": "R²",
        "mae": "MAE (mean absolute error)",
        "rmse": "RMSE (root mean squared error)",
        "r2_constant": "— (the target is constant)",
        "residuals_title": "Residuals of <run> on <file>",
        "residual_axis": "residual y − ŷ",
        "predicted_axis": "predicted <target> ŷ",
        "plot_written": "residual plot written to <path>",
    },
    "plots": {
        "run_title": "<data> · <loss> · <rule> (lr <lr>)",
        "train_only": "train",
        "train_and_test": "train and test",
        "standardized": "<name> (standardized)",
        "class": "class <name>",
        "class_train": "class <name> (train)",
        "class_test": "class <name> (test)",
        "step": "step",
        "loss_title": "Loss — <run>",
        "step_batch": "step (its batch)",
        "epoch_train": "epoch end, whole train set",
        "epoch_test": "epoch end, whole test set",
        "loss_axis": "loss (<loss>)",
        "loss_axis_log": "loss (<loss>, log scale)",
        "losses": "loss",
        "losses_log": "loss (log scale)",
        "overlay_title": "Loss per step of <n> runs",
        "overlay_differ": "labelled by what differs: <names>",
        "overlay_same": "the same settings: labelled by run directory",
        "boundary_title": "Decision boundary — <run>",
        "epoch_panel": "epoch <epoch> (step <step>)",
        "panel_loss": " · train loss <loss>",
        "after_step": "after step <step>",
        "start_at": "start (step <step>)",
        "gradients_title": "Gradients and verification — <run>",
        "gradient_norm": "‖dL/dW, dL/dB‖",
        "worst_disagreement": "worst disagreement (verified steps)",
        "tolerance": "tolerance <tol:.0e> (<dtype>)",
        "exact_steps": "<n> verified step(s) agreed exactly (0, not shown on a log scale)",
        "disagreement": "max |closed − torch| / |torch|",
        "surface_title": "Loss surface — <run>",
        "others_final": "other parameters at their final values",
        "parent_missing": "; parent run not found at <path>",
        "surface_colorbar": "loss over the training set",
        "surface_colorbar_log": "loss over the training set (log scale)",
        "parent_run": "parent run",
        "branched_at": "branched at step <step>",
        "this_path": "this run's path",
        "start": "start",
        "end": "end",
        "stability_title": "Binary cross-entropy three ways: where rounding makes them part ways",
        "subnormal_note": "values below the smallest normal number (<tiny>) are subnormal and not drawn",
        "bce_naive": "naive −[y·log σ(z) + (1−y)·log(1−σ(z))]",
        "bce_probabilities": "nn.BCELoss(σ(z), y), log clamped at −100",
        "bce_with_logits": "nn.BCEWithLogitsLoss(z, y)",
        "naive_gives": "naive gives <value>",
        "logit": "logit z",
        "bce_axis": "loss ℓ (log scale)",
        "attribution_title": "Attribution — <run>",
        "column": ", column <n>",
        "arrows_title": "Step <step>: each sample's term xₙ·∂L/∂zₙ of dL/dW<column>",
        "bars_title": "Step <step>: each sample's term cₙ = xₙ·∂L/∂zₙ of dL/dW<column>, by feature",
        "bars_shown": "the <samples> of <n> samples and <features> of <d> features with the largest terms",
        "bars_all": "all <n> samples of the batch, all <d> features",
        "attribution_sum": "Σ over the batch = dL/dW = <dW>; W moves against it",
        "training_set": "training set",
        "feature_total": "<name>: Σ = <total>",
        "bars_samples": "sample of the batch (largest terms first)",
        "bars_axis": "cₙ for each feature",
    },
    "advice": {
        "warning": "warning: <text>",
        "diverged": "the run diverged: the training loss grew from <start:.4g> at the start to <worst:.4g>, <times:.3g> times as much, at learning rate <lr:g>. Fix: lower the learning rate 10× (--lr <lower:g>) and standardize the features (--standardize).",
        "rising": "the training loss rose, from <start:.4g> at the start to <end:.4g> at the end: the learning rate <lr:g> is too large. Fix: lower it 10× (--lr <lower:g>), or standardize the features (--standardize).",
        "still_falling": "not converged: the training loss still fell by <fell:.1%> in the last of <epochs> epochs (to <end:.4g>). Fix: train longer (--epochs <more>) or raise the learning rate (--lr <higher:g>).",
        "not_separable": "one neuron cannot learn these classes: no straight boundary (a hyperplane W·x + B = 0) separates them, and after <epochs> epochs the training accuracy is <accuracy:.3f>, no better than the majority share <majority:.3f>.",
        "fix_crosses": " Fix: add a feature cross (--crosses x1*x2), or a hidden layer (planned).",
        "fix_hidden": " Fix: a hidden layer (planned).",
        "majority": "stuck at the majority share: after <epochs> epochs the training accuracy is <accuracy:.3f>, no better than always answering the most common class (<majority:.3f>). Fix: standardize the features (--standardize) or change the learning rate (--lr).",
        "scales": "the features' scales differ <ratio:.3g>×: <large> has standard deviation <large_std:.4g>, <small> <small_std:.4g>, and the largest dominates every step. Fix: standardize the features (--standardize).",
    },
}

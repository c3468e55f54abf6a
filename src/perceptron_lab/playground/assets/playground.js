// The playground page: one neuron, Z = XW + B, drawn from the engine's frames.
// The anywidget interface: render({ model, el }); model.send(msg), model.on("msg:custom", cb).
// Every number comes from the engine; this file only draws and sends what was clicked.

const CLASS_COLORS = ["#2166ac", "#e08214", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac", "#e15759"];
const BRANCH_COLORS = ["#222222", "#6a3d9a", "#1b7837", "#b2182b", "#01665e", "#8c510a", "#c51b7d", "#4d4d4d"];
const SETTING_KEYS = ["loss", "optimizer", "lr", "batch_size", "weight_decay", "momentum", "seed", "dtype"];
const BATCH_CHOICES = ["full", 1, 2, 4, 8, 16, 32, 64, 128];
const MOMENTUM_RULES = ["sgd", "rmsprop"]; // the rules that take SETTINGS' momentum (the others: 0)
const SIZED_SETS = ["moons", "blobs", "circles", "spiral"]; // the sets a size applies to
const FIXED_SETS = ["seed", "and", "or", "xor"]; // a few fixed points: no test share
const COMMON_SETTINGS = ["lr", "weight_decay", "momentum"]; // SETTINGS fields of their own, not a rule's params

const FALLBACK = {
  title: "perceptron-lab playground", lang_button: "ES", lang_label: "Cambiar a español",
  status_step: "step <step>", status_epoch: "epoch <epoch>",
  verified_ok: "PyTorch agrees: worst <worst> ≤ <tol>", verified_bad: "PyTorch disagrees: worst <worst> > <tol> (<quantity>)",
  verified_none: "nothing to check yet", dismiss: "Dismiss", data: "Data", dataset: "data set", size: "size",
  noise: "noise", test_ratio: "test share", data_seed: "data seed", crosses: "feature crosses", apply_data: "new data",
  upload: "CSV file", upload_too_big: "<name> is <size> MB; the playground takes files up to <limit> MB",
  upload_read: "<name>: <rows> rows, <columns> columns", feature_1: "feature 1", feature_2: "feature 2", target: "target",
  use_data: "use this data", training: "Training", loss: "loss", optimizer: "optimizer", lr: "learning rate",
  batch_size: "batch size", batch_full: "full batch", batch_online: "1 (online)", batch_number: "samples",
  weight_decay: "weight decay", momentum: "momentum", seed: "seed", dtype: "dtype", controls: "Run", play: "Play",
  pause: "Pause", step: "Step", step10: "Step ×10", back: "Back", reset: "Reset", speed: "speed",
  speed_value: "<n> steps/s", branch: "Branch from here", save: "Save as run", saved: "Saved to <path>",
  copy: "Copy link", copied: "Link copied", copy_failed: "Could not copy; the link is in the address bar",
  download: "Download state", open_state: "Open state file", bad_state: "<name> is not a playground state file (JSON expected)",
  keys: "Keys: space play/pause · → step · ← back", plane: "The plane",
  plane_hint: "click: add a point · shift-click or right-click a point: remove it", add_class: "add points of",
  class_name: "class <n>", train: "train", test: "test", batch: "in this batch",
  pull_on_W: "thin arrows: each sample's pull on W, −xₙ·∂ℓ/∂zₙ · thick arrow: the whole step, −∂L/∂W",
  boundary: "decision boundary (P = 0.5)", not_in_batch: "not in this batch", tip_point: "point <i> · <label>",
  tip_z: "z", tip_a: "a", tip_loss: "ℓ", tip_share: "share of the gradient", curve: "Loss", log_scale: "log scale",
  axis_step: "step", axis_loss: "loss", current_branch: "current branch", surface: "Loss surface",
  surface_hint: "the loss over <w1> and <w2>, the other weights held where they are", weights: "Weights",
  weight: "weight", gradient: "gradient", bias: "bias B", worked: "This step, worked out",
  worked_none: "Take a step to see it worked out.", worked_playing: "Playing faster than <n> steps/s: the step is worked out when you pause.", quantity: "quantity", by_hand: "by hand", by_torch: "PyTorch",
  gap: "disagreement", error: "Error", apply_training: "restart with these settings",
  branch_mode: "a changed setting branches from here (instead of restarting)", optimizer_params: "the rule's own hyper-parameters",
  param_dampening: "dampening", param_nesterov: "nesterov", param_betas: "betas (β₁, β₂)", param_eps: "eps (ε)",
  param_amsgrad: "amsgrad", param_alpha: "alpha (α)", param_centered: "centered", param_lr_decay: "lr_decay",
  param_initial_accumulator_value: "initial accumulator", momentum_none: "momentum (sgd, rmsprop only)",
  branches: "branches", from_step: "from step <step>", size_off: "size: for moons, blobs, circles and spiral", test_ratio_off: "test share: these few points are all trained on",
};

// ---------------------------------------------------------------- small helpers
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "testid") node.dataset.testid = v;
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c != null) node.append(c instanceof Node ? c : String(c));
  return node;
}
const isNum = (x) => typeof x === "number" && Number.isFinite(x);
const arr = (x) => (Array.isArray(x) ? x : []);
function fmt(x, digits = 4) {
  if (!isNum(x)) return x == null ? "—" : String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(Math.max(1, digits - 2));
  return String(Number(x.toPrecision(digits)));
}
function fmtExp(x) {
  return isNum(x) ? x.toExponential(1) : x == null ? "—" : String(x);
}
function full(x) {
  return isNum(x) ? String(Number(x.toPrecision(8))) : x == null ? "—" : String(x);
}
function optName(o) {
  return typeof o === "string" ? o : o && (o.name || o.id || o.value);
}
function optLabel(o) {
  return typeof o === "string" ? o : o && (o.label || o.title || o.name || o.id);
}
// optimizers as [{name, params: {k: default}}] from any of: names, [{name, params|defaults|hyper}], {name: params}
function normOptimizers(src) {
  const out = [];
  const paramsOf = (v) => {
    if (!v || typeof v !== "object") return {};
    const p = v.params || v.defaults || v.hyper || v.hyperparameters || v;
    const res = {};
    if (Array.isArray(p)) {
      for (const q of p) if (q && q.name && !COMMON_SETTINGS.includes(q.name)) res[q.name] = q.default ?? q.value ?? 0;
    } else {
      for (const [k, d] of Object.entries(p)) {
        if (["name", "label", "id", "title"].includes(k)) continue;
        if (COMMON_SETTINGS.includes(k)) continue;
        if (isNum(d) || typeof d === "string" || typeof d === "boolean" || (Array.isArray(d) && d.every(isNum))) res[k] = d;
        else if (d && typeof d === "object" && "default" in d) res[k] = d.default;
      }
    }
    return res;
  };
  if (Array.isArray(src)) for (const o of src) out.push({ name: optName(o), label: optLabel(o), params: paramsOf(typeof o === "object" ? o : null) });
  else if (src && typeof src === "object") for (const [k, v] of Object.entries(src)) out.push({ name: k, label: (v && v.label) || k, params: paramsOf(v) });
  return out.filter((o) => o.name);
}
function mix(c1, c2, t) {
  return [0, 1, 2].map((i) => Math.round(c1[i] + (c2[i] - c1[i]) * t));
}
function hex(c) {
  const n = parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
const WHITE = [255, 255, 255];
const SEQ = ["#ffffd9", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"].map(hex);
function seqColor(t) {
  t = Math.min(1, Math.max(0, isNum(t) ? t : 0)) * (SEQ.length - 1);
  const i = Math.min(SEQ.length - 2, Math.floor(t));
  return mix(SEQ[i], SEQ[i + 1], t - i);
}
// a plot's frame, and the text settings its x-axis ticks are written with
function plotFrame(ctx, pad, pw, ph, font, color) {
  ctx.strokeStyle = "#444";
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.l + 0.5, pad.t + 0.5, pw - 1, ph - 1);
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
}

function niceTicks(lo, hi, n = 5) {
  if (!isNum(lo) || !isNum(hi) || hi <= lo) return [];
  const raw = (hi - lo) / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}
function tex(node, src, display) {
  const k = globalThis.katex;
  if (k && typeof k.render === "function") {
    try {
      k.render(String(src), node, { displayMode: !!display, throwOnError: false });
      return node;
    } catch (err) {
      /* fall through to text */
    }
  }
  node.textContent = String(src);
  return node;
}
function texLike(s) {
  return typeof s === "string" && /[\\^_{}]/.test(s);
}
function isPiece(x) {
  return Array.isArray(x) && x.length === 2 && typeof x[0] === "string" && typeof x[1] !== "object";
}
// prose: a string, a list of [kind, text] pieces, or a list of paragraphs (each a list of pieces)
function prose(pieces, tag = "span") {
  const node = h(tag, { class: "pl-prose" });
  if (typeof pieces === "string") {
    node.textContent = pieces;
    return node;
  }
  const list = arr(pieces);
  if (list.length && list.every((p) => Array.isArray(p) && p.length && p.every(isPiece))) {
    for (const para of list) node.append(prose(para, tag === "span" ? "span" : "div"));
    node.classList.add("pl-paras");
    return node;
  }
  for (const piece of list) {
    const [kind, text] = Array.isArray(piece) ? piece : ["text", piece];
    if (kind === "math") node.append(tex(h("span", { class: "pl-math" }), text, false));
    else if (kind === "code") node.append(h("code", { text: String(text) }));
    else node.append(String(text ?? ""));
  }
  return node;
}
function hasProse(x) {
  return typeof x === "string" ? x.length > 0 : arr(x).length > 0;
}
function msgType(m) {
  if (!m || typeof m !== "object") return null;
  if (m.type || m.kind) return m.type || m.kind;
  if ("full" in m && "step" in m) return "frame";
  if (m.session && m.options) return "hello";
  if (m.words && m.lang) return "words";
  if (m.columns) return "upload";
  if (m.message) return "error";
  if (m.path) return "saved";
  return null;
}
function sizeCanvas(canvas, width, height) {
  const dpr = Math.max(1, globalThis.devicePixelRatio || 1);
  width = Math.max(120, Math.floor(width));
  height = Math.max(100, Math.floor(height));
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  canvas.style.width = width + "px";
  canvas.style.height = height + "px";
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}
function arrow(ctx, x0, y0, x1, y1, color, width) {
  const dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
  if (!(len > 1)) return;
  const head = Math.min(6 + width * 2.5, len * 0.45), ang = Math.atan2(dy, dx);
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - Math.cos(ang) * head * 0.7, y1 - Math.sin(ang) * head * 0.7);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(ang - 0.4), y1 - head * Math.sin(ang - 0.4));
  ctx.lineTo(x1 - head * Math.cos(ang + 0.4), y1 - head * Math.sin(ang + 0.4));
  ctx.closePath();
  ctx.fill();
}

// ---------------------------------------------------------------- the widget
function render({ model, el }) {
  const S = {
    words: {}, options: null, lang: null,  // the engine's (its --lang, else its locale) until the page says otherwise
    session: null, frame: null, data: null, curves: [], surface: null, settings: {}, validLosses: null,
    playing: false, inFlight: false, lastSent: 0, speed: 5, timer: null, logScale: false, addClass: 0,
    hoverIndex: null, ready: false, upload: null, stateData: null,
  };
  const w = (key, vars) => {
    let s = S.words[key] ?? FALLBACK[key] ?? key;
    if (vars) s = String(s).replace(/<(\w+)(?::[^<>]*)?>/g, (m, n) => (n in vars ? String(vars[n]) : m));
    return s;
  };
  const send = (msg) => {
    // the next thing asked for replaces an old error (it no longer describes the page)
    if (msg && msg.op !== "hello" && !msgBar.hidden && msgBar.classList.contains("pl-error")) msgBar.hidden = true;
    try {
      model.send(msg);
    } catch (err) {
      showMessage(String(err), "error");
    }
  };

  el.classList.add("pl-root");
  el.replaceChildren();
  const root = h("div", { class: "pl", tabindex: "-1" });
  el.append(root);

  // ---- header
  const titleEl = h("h1", { class: "pl-title" });
  const statusEl = h("div", { class: "pl-status", testid: "status", role: "status", "aria-live": "polite" });
  const langBtn = h("button", { class: "pl-btn pl-lang", testid: "btn-lang", type: "button" });
  root.append(h("header", { class: "pl-header" }, titleEl, statusEl, langBtn));
  const msgText = h("span", { class: "pl-msg-text" });
  const msgClose = h("button", { class: "pl-msg-close", type: "button", text: "×" });
  const msgBar = h("div", { class: "pl-message", testid: "message", hidden: true }, msgText, msgClose);
  root.append(msgBar);
  const frameJson = h("pre", { class: "pl-hidden", testid: "frame-json", "aria-hidden": "true" });
  root.append(frameJson);

  // ---- layout
  const side = h("aside", { class: "pl-side" });
  const main = h("div", { class: "pl-main" });
  root.append(h("div", { class: "pl-body" }, side, main));

  // controls: run buttons
  const btn = (id, cls) => h("button", { class: "pl-btn " + (cls || ""), testid: "btn-" + id, type: "button" });
  const B = {
    play: btn("play", "pl-primary"), step: btn("step"), step10: btn("step10"), back: btn("back"), reset: btn("reset"),
    branch: btn("branch"), save: btn("save"), copy: btn("copy"), download: btn("download"), open: btn("open"),
  };
  const speed = h("input", { type: "range", min: "1", max: "60", step: "1", value: String(S.speed), testid: "ctl-speed" });
  const speedLabel = h("label", { class: "pl-field" });
  const speedValue = h("span", { class: "pl-speed-value" });
  const runHead = h("h2");
  const branchMode = h("input", { type: "checkbox", testid: "ctl-branch_mode" });
  const branchModeLabel = h("label", { class: "pl-check pl-branch-mode" }, branchMode, h("span"));
  const keysHint = h("p", { class: "pl-hint" });
  side.append(
    h("section", { class: "pl-card" }, runHead,
      h("div", { class: "pl-buttons" }, B.play, B.step, B.step10, B.back, B.reset),
      h("div", { class: "pl-speed" }, speedLabel, speed, speedValue),
      h("div", { class: "pl-buttons" }, B.branch),
      branchModeLabel,
      keysHint),
  );
  // data controls
  const dataHead = h("h2");
  const dataBox = h("div", { class: "pl-fields" });
  const crossBox = h("div", { class: "pl-crosses" });
  const uploadInput = h("input", { type: "file", accept: ".csv,text/csv,text/plain", testid: "upload" });
  const uploadLabel = h("label", { class: "pl-field pl-file" });
  const uploadBox = h("div", { class: "pl-upload" });
  side.append(h("section", { class: "pl-card" }, dataHead, dataBox, crossBox, uploadLabel, uploadBox));
  // training controls
  const trainHead = h("h2");
  const trainBox = h("div", { class: "pl-fields" });
  side.append(h("section", { class: "pl-card" }, trainHead, trainBox));
  // state
  const stateInput = h("input", { type: "file", accept: ".json,application/json", class: "pl-hidden-file", testid: "open-state" });
  side.append(h("section", { class: "pl-card" }, h("div", { class: "pl-buttons" }, B.save, B.copy, B.download, B.open), stateInput));

  // views
  const planeCanvas = h("canvas", { testid: "plane", class: "pl-canvas pl-plane", role: "img" });
  const planeHead = h("h2");
  const classPicker = h("div", { class: "pl-classes", role: "radiogroup", testid: "ctl-class" });
  const planeLegend = h("div", { class: "pl-legend" });
  const planeHint = h("p", { class: "pl-hint" });
  const tooltip = h("div", { class: "pl-tooltip", hidden: true, role: "tooltip" });
  const planeWrap = h("div", { class: "pl-canvas-wrap" }, planeCanvas, tooltip);
  const planeCard = h("section", { class: "pl-card pl-plane-card" },
    h("div", { class: "pl-card-head" }, planeHead, classPicker), planeWrap, planeLegend, planeHint);

  const curveCanvas = h("canvas", { testid: "curve", class: "pl-canvas", role: "img" });
  const curveHead = h("h2");
  const logBox = h("input", { type: "checkbox", testid: "ctl-log" });
  const logLabel = h("label", { class: "pl-check" }, logBox, h("span"));
  const curveKey = h("div", { class: "pl-legend pl-curve-key" });
  const curveBranches = h("div", { class: "pl-legend pl-branches", testid: "curve-legend" });
  const curveCard = h("section", { class: "pl-card pl-curve-card" }, h("div", { class: "pl-card-head" }, curveHead, logLabel), curveKey, curveBranches, curveCanvas);

  const surfaceCanvas = h("canvas", { testid: "surface", class: "pl-canvas", role: "img" });
  const surfaceHead = h("h2");
  const surfaceHint = h("p", { class: "pl-hint" });
  const surfaceCard = h("section", { class: "pl-card pl-surface-card" }, surfaceHead, surfaceCanvas, surfaceHint);

  const weightsHead = h("h2");
  const weightsBox = h("div", { class: "pl-weights" });
  const weightsCard = h("section", { class: "pl-card pl-weights-card" }, weightsHead, weightsBox);

  const workedHead = h("h2");
  const workedBox = h("div", { class: "pl-worked-body" });
  const workedCard = h("section", { class: "pl-card pl-worked", testid: "worked" }, workedHead, workedBox);

  const leftCol = h("div", { class: "pl-right" }, planeCard, weightsCard);
  const rightCol = h("div", { class: "pl-right" }, curveCard, surfaceCard);
  main.append(h("div", { class: "pl-views" }, leftCol, rightCol), workedCard);

  // ---------------------------------------------------------------- messages
  let msgTimer = null;
  function showMessage(text, kind = "error") {
    msgText.textContent = text;
    msgBar.hidden = false;
    msgBar.className = "pl-message pl-" + kind;
    msgBar.setAttribute("role", kind === "error" ? "alert" : "status");
    clearTimeout(msgTimer);
    if (kind !== "error") msgTimer = setTimeout(() => (msgBar.hidden = true), 8000);
  }
  msgClose.addEventListener("click", () => (msgBar.hidden = true));

  // ---------------------------------------------------------------- words
  function applyWords() {
    titleEl.textContent = w("title");
    langBtn.textContent = w("lang_button");
    langBtn.setAttribute("aria-label", w("lang_label"));
    langBtn.title = w("lang_label");
    msgClose.setAttribute("aria-label", w("dismiss"));
    runHead.textContent = w("controls");
    dataHead.textContent = w("data");
    trainHead.textContent = w("training");
    speedLabel.textContent = w("speed");
    speed.setAttribute("aria-label", w("speed"));
    logBox.setAttribute("aria-label", w("log_scale"));
    keysHint.textContent = w("keys");
    for (const [k, key] of [["step", "step"], ["step10", "step10"], ["back", "back"], ["reset", "reset"], ["branch", "branch"],
      ["save", "save"], ["copy", "copy"], ["download", "download"], ["open", "open_state"]]) {
      B[k].textContent = w(key);
    }
    uploadLabel.replaceChildren(h("span", { text: w("upload") }), uploadInput);
    planeHead.textContent = w("plane");
    planeHint.textContent = w("plane_hint");
    curveHead.textContent = w("curve");
    logLabel.lastChild.textContent = w("log_scale");
    branchModeLabel.lastChild.textContent = w("branch_mode");
    surfaceHead.textContent = w("surface");
    weightsHead.textContent = w("weights");
    workedHead.textContent = w("worked");
    updatePlay();
    updateSpeed();
    buildControls();
    if (S.frame) drawAll(S.frame);
  }
  function updatePlay() {
    B.play.textContent = S.playing ? "❚❚ " + w("pause") : "▶ " + w("play");
    B.play.setAttribute("aria-pressed", S.playing ? "true" : "false");
  }
  function updateSpeed() {
    speedValue.textContent = w("speed_value", { n: S.speed });
  }

  // ---------------------------------------------------------------- controls
  const ctl = {};
  function field(name, labelText, input) {
    input.dataset.testid = "ctl-" + name;
    input.id = "";
    ctl[name] = input;
    return h("label", { class: "pl-field" }, h("span", { text: labelText }), input);
  }
  function select(options, value) {
    const s = h("select");
    for (const o of options) {
      const opt = h("option", { value: String(optName(o)), text: String(optLabel(o)), title: o && o.description });
      s.append(opt);
    }
    if (value != null) s.value = String(value);
    return s;
  }
  function numberInput(value, step, min, max) {
    return h("input", { type: "number", value: value == null ? "" : String(value), step: step || "any", min, max, inputmode: "decimal" });
  }
  function currentData() {
    return S.stateData || {};
  }
  function buildControls() {
    const o = S.options;
    if (!o) return;
    const d = currentData();
    const st = S.settings || {};
    // data
    const datasets = arr(o.datasets);
    const dsValue = d.name ?? optName(datasets[0]);
    const dsSel = select(datasets.length ? datasets : [dsValue].filter(Boolean), dsValue);
    if (d.upload) {
      dsSel.append(h("option", { value: "__upload", text: String(d.upload) }));
      dsSel.value = "__upload";
    }
    dataBox.replaceChildren(
      field("dataset", w("dataset"), dsSel),
      field("size", w("size"), numberInput(d.size ?? 200, "1", "4", o.limits && o.limits.points)),
      field("noise", w("noise"), numberInput(d.noise ?? 0.2, "0.05", "0")),
      field("test_ratio", w("test_ratio"), numberInput(d.test_ratio ?? 0.2, "0.05", "0", "0.9")),
      field("data_seed", w("data_seed"), numberInput(d.seed ?? 0, "1", "0")),
    );
    for (const k of ["dataset", "size", "noise", "test_ratio", "data_seed"]) ctl[k].addEventListener("change", sendData);
    // a size only for the drawn sets; a test share not for the few fixed points (they are all trained on)
    const setName = d.upload ? "__upload" : dsValue;
    const off = (k, yes) => {
      ctl[k].disabled = yes;
      ctl[k].parentNode.classList.toggle("pl-off", yes);
      ctl[k].parentNode.title = yes ? w(k + "_off") : "";
    };
    off("size", !SIZED_SETS.includes(setName));
    off("test_ratio", FIXED_SETS.includes(setName));
    const crosses = arr(o.crosses);
    const chosen = new Set(arr(d.crosses));
    crossBox.replaceChildren(h("span", { class: "pl-sub", text: w("crosses") }));
    for (const c of crosses) {
      const name = optName(c);
      const box = h("input", { type: "checkbox", testid: "ctl-cross-" + name, value: name });
      box.checked = chosen.has(name);
      box.addEventListener("change", sendData);
      ctl["cross-" + name] = box;
      crossBox.append(h("label", { class: "pl-check" }, box, h("span", { text: String(optLabel(c) ?? name) })));
    }
    // training
    const losses = arr(o.losses);
    const lossSel = select(losses, st.loss);
    const valid = S.validLosses ? new Set(S.validLosses) : null;
    for (const opt of lossSel.options) opt.disabled = valid ? !valid.has(opt.value) : false;
    const opts = normOptimizers(o.optimizers);
    const optSel = select(opts.map((x) => ({ name: x.name, label: x.label })), st.optimizer ?? (opts[0] && opts[0].name));
    const batch = h("select");
    const bsValues = BATCH_CHOICES.slice();
    if (st.batch_size != null && !bsValues.map(String).includes(String(st.batch_size))) bsValues.push(st.batch_size);
    for (const v of bsValues) {
      const label = v === "full" ? w("batch_full") : v === 1 ? w("batch_online") : String(v);
      batch.append(h("option", { value: String(v), text: label }));
    }
    batch.value = String(st.batch_size ?? "full");
    const dtypes = arr(o.dtypes).length ? arr(o.dtypes) : ["float32", "float64"];
    trainBox.replaceChildren(
      field("loss", w("loss"), lossSel),
      field("optimizer", w("optimizer"), optSel),
      field("lr", w("lr"), numberInput(st.lr ?? 0.1, "any", "0")),
      field("batch_size", w("batch_size"), batch),
      field("weight_decay", w("weight_decay"), numberInput(st.weight_decay ?? 0, "any", "0")),
    );
    const cur = opts.find((x) => x.name === optSel.value);
    S.hasMomentum = !!cur && MOMENTUM_RULES.includes(cur.name);
    const mom = numberInput(S.hasMomentum ? st.momentum ?? 0 : 0, "0.1", "0", "0.999");
    const momField = field("momentum", w("momentum"), mom);
    if (!S.hasMomentum) {
      // the rule has no momentum: the control stays where it was, greyed, at 0 (0 is what is sent)
      mom.disabled = true;
      momField.classList.add("pl-off");
      momField.title = w("momentum_none");
    }
    trainBox.append(momField,
      field("seed", w("seed"), numberInput(st.seed ?? 0, "1", "0")),
      field("dtype", w("dtype"), select(dtypes, st.dtype)),
    );
    // the rule's own hyper-parameters (torch.optim's names): the engine's values for this rule, else its defaults
    S.params = cur ? cur.params : {};
    for (const k of Object.keys(ctl)) if (k.startsWith("param:")) delete ctl[k];
    const own = S.serverSettings && S.serverSettings.optimizer === (cur && cur.name) ? S.serverSettings : {};
    const params = Object.entries(S.params);
    if (params.length) trainBox.append(h("div", { class: "pl-sub pl-wide pl-params-head", text: w("optimizer_params") }));
    for (const [k, d] of params) {
      const v = k in own ? own[k] : d;
      const label = S.words["param_" + k] ?? FALLBACK["param_" + k] ?? k;
      let node;
      if (typeof d === "boolean") {
        const box = h("input", { type: "checkbox", testid: "ctl-" + k });
        box.checked = !!v;
        ctl["param:" + k] = box;
        node = h("label", { class: "pl-check pl-field-check" }, box, h("span", { text: label }));
      } else if (Array.isArray(d)) {
        const inputs = d.map((x, i) => {
          const inp = numberInput(arr(v)[i] ?? x, "any");
          inp.dataset.testid = `ctl-${k}-${i}`;
          inp.setAttribute("aria-label", `${label} ${i + 1}`);
          return inp;
        });
        ctl["param:" + k] = inputs;
        node = h("div", { class: "pl-field pl-pair" }, h("span", { text: label }), h("div", { class: "pl-pair-inputs" }, ...inputs));
      } else if (isNum(d)) {
        const inp = numberInput(v, "any", "0");
        ctl["param:" + k] = inp;
        node = field("param:" + k, label, inp);
        inp.dataset.testid = "ctl-" + k;
      } else {
        continue;
      }
      trainBox.append(node);
    }
    for (const k of Object.keys(ctl)) {
      if (!k.startsWith("param:")) continue;
      for (const inp of [ctl[k]].flat()) inp.addEventListener("change", () => sendSettings(readSettings()));
    }
    for (const k of ["loss", "optimizer", "lr", "batch_size", "weight_decay", "momentum", "seed", "dtype"]) {
      if (!ctl[k]) continue;
      ctl[k].addEventListener("change", () => {
        if (k === "optimizer") {
          // keep what was typed in the common fields; the new rule's own fields start from its defaults
          const typed = readSettings();
          for (const p of Object.keys(S.params || {})) delete typed[p];
          S.settings = { ...S.settings, ...typed, optimizer: ctl.optimizer.value };
          buildControls();
          sendSettings(readSettings());
          return;
        }
        sendSettings(readSettings());
      });
    }
  }
  // a changed training control restarts the run (configure), or, with "changes branch" ticked,
  // starts a new branch from here; a number typed and then the Branch button pressed branches once
  function sendSettings(settings) {
    if (S.branchClick) return;
    send({ op: branchMode.checked ? "branch" : "configure", settings });
  }
  function numOr(v, fallback) {
    const x = Number(v);
    return v !== "" && Number.isFinite(x) ? x : fallback;
  }
  function readSettings() {
    const s = {};
    if (ctl.loss) s.loss = ctl.loss.value;
    if (ctl.optimizer) s.optimizer = ctl.optimizer.value;
    if (ctl.lr) s.lr = numOr(ctl.lr.value, S.settings.lr);
    if (ctl.batch_size) s.batch_size = ctl.batch_size.value === "full" ? "full" : numOr(ctl.batch_size.value, "full");
    if (ctl.weight_decay) s.weight_decay = numOr(ctl.weight_decay.value, 0);
    s.momentum = S.hasMomentum && ctl.momentum ? numOr(ctl.momentum.value, 0) : 0;
    for (const [k, d] of Object.entries(S.params || {})) {
      const c = ctl["param:" + k];
      if (!c) continue;
      if (typeof d === "boolean") s[k] = !!c.checked;
      else if (Array.isArray(c)) s[k] = c.map((inp, i) => numOr(inp.value, d[i]));
      else s[k] = numOr(c.value, d);
    }
    if (ctl.seed) s.seed = Math.round(numOr(ctl.seed.value, 0));
    if (ctl.dtype) s.dtype = ctl.dtype.value;
    return s;
  }
  function readCrosses() {
    return arr(S.options && S.options.crosses).map(optName).filter((n) => ctl["cross-" + n] && ctl["cross-" + n].checked);
  }
  function sendData() {
    const d = currentData();
    const ratio = numOr(ctl.test_ratio.value, d.test_ratio ?? 0.2);
    if (ctl.dataset.value === "__upload" && d.upload) {
      send({ op: "data", data: { upload: d.upload, features: d.features, target: d.target, test_ratio: ratio, crosses: readCrosses() } });
      return;
    }
    send({
      op: "data",
      data: {
        name: ctl.dataset.value, size: Math.round(numOr(ctl.size.value, d.size ?? 200)), noise: numOr(ctl.noise.value, d.noise ?? 0),
        seed: Math.round(numOr(ctl.data_seed.value, d.seed ?? 0)), test_ratio: ratio, crosses: readCrosses(),
      },
    });
  }

  // upload
  uploadInput.addEventListener("change", () => {
    const file = uploadInput.files && uploadInput.files[0];
    if (!file) return;
    const limit = S.options && S.options.limits && S.options.limits.upload_bytes;
    if (isNum(limit) && file.size > limit) {
      const mb = (n) => (n / 1e6).toFixed(1);
      showMessage(w("upload_too_big", { name: file.name, size: mb(file.size), limit: mb(limit) }), "error");
      uploadInput.value = "";
      return;
    }
    file.text().then(
      (text) => send({ op: "upload", name: file.name, text }),
      (err) => showMessage(String(err), "error"),
    );
  });
  function showUpload(m) {
    const numeric = arr(m.numeric), columns = arr(m.columns);
    const f1 = select(numeric, numeric[0]), f2 = select(numeric, numeric[1] ?? numeric[0]);
    const target = select(columns, columns[columns.length - 1]);
    f1.dataset.testid = "ctl-upload-f1";
    f2.dataset.testid = "ctl-upload-f2";
    target.dataset.testid = "ctl-upload-target";
    const use = h("button", { class: "pl-btn pl-primary", type: "button", testid: "btn-use-data", text: w("use_data") });
    use.addEventListener("click", () => {
      send({
        op: "data",
        data: {
          upload: m.name, features: [f1.value, f2.value], target: target.value,
          test_ratio: numOr(ctl.test_ratio && ctl.test_ratio.value, 0.2), crosses: readCrosses(),
        },
      });
    });
    uploadBox.replaceChildren(
      h("p", { class: "pl-hint", text: w("upload_read", { name: m.name, rows: m.rows ?? "?", columns: columns.length }) }),
      h("label", { class: "pl-field" }, h("span", { text: w("feature_1") }), f1),
      h("label", { class: "pl-field" }, h("span", { text: w("feature_2") }), f2),
      h("label", { class: "pl-field" }, h("span", { text: w("target") }), target),
      use,
    );
  }

  // buttons
  // playing faster than LIVE_WORKED steps a second, the steps come without their worked
  // solution (the engine skips it, the page typesets nothing); pausing asks for it ("show")
  const LIVE_WORKED = 10;
  function requestStep(n, worked = true) {
    if (S.inFlight) return;
    S.inFlight = true;
    S.lastSent = performance.now();
    S.workedSkipped = !worked;
    send(worked ? { op: "step", n } : { op: "step", n, worked: false });
  }
  const playStep = () => requestStep(1, S.speed <= LIVE_WORKED);
  function setPlaying(on) {
    S.playing = on;
    clearTimeout(S.timer);
    updatePlay();
    if (on && !S.inFlight) playStep();
    if (!on && S.workedSkipped && !S.inFlight) {
      S.workedSkipped = false;
      send({ op: "show" });
    }
  }
  function schedule() {
    clearTimeout(S.timer);
    if (!S.playing) {
      if (S.workedSkipped && !S.inFlight) setPlaying(false);  // paused mid-flight: now show
      return;
    }
    if (S.inFlight) return;
    const wait = Math.max(0, 1000 / S.speed - (performance.now() - S.lastSent));
    S.timer = setTimeout(() => S.playing && playStep(), wait);
  }
  B.play.addEventListener("click", () => setPlaying(!S.playing));
  B.step.addEventListener("click", () => requestStep(1));
  B.step10.addEventListener("click", () => requestStep(10));
  B.back.addEventListener("click", () => {
    setPlaying(false);
    send({ op: "back", n: 1 });
  });
  B.reset.addEventListener("click", () => {
    setPlaying(false);
    send({ op: "reset" });
  });
  B.branch.addEventListener("pointerdown", () => (S.branchClick = true));
  B.branch.addEventListener("click", () => {
    S.branchClick = false;
    send({ op: "branch", settings: readSettings() });
  });
  B.branch.addEventListener("pointerleave", () => (S.branchClick = false));
  B.save.addEventListener("click", () => send({ op: "save" }));
  langBtn.addEventListener("click", () => send({ op: "lang", lang: S.lang === "es" ? "en" : "es" }));
  speed.addEventListener("input", () => {
    S.speed = Math.min(60, Math.max(1, Number(speed.value) || 5));
    updateSpeed();
  });
  logBox.addEventListener("change", () => {
    S.logScale = logBox.checked;
    if (S.frame) drawCurve();
  });
  if (typeof model.link === "function") {
    B.copy.addEventListener("click", () => {
      const href = model.link();
      const ok = () => showMessage(w("copied"), "info");
      const fail = () => showMessage(w("copy_failed"), "info");
      try {
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(href).then(ok, fail);
        else fail();
      } catch (err) {
        fail();
      }
    });
  } else {
    B.copy.hidden = true;
  }
  B.download.addEventListener("click", () => {
    const state = S.frame && S.frame.state;
    if (!state) return;
    const url = URL.createObjectURL(new Blob([JSON.stringify(state, null, 2)], { type: "application/json" }));
    const a = h("a", { href: url, download: "playground-state-step" + (S.frame.step ?? 0) + ".json" });
    root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  B.open.addEventListener("click", () => stateInput.click());
  stateInput.addEventListener("change", () => {
    const file = stateInput.files && stateInput.files[0];
    if (!file) return;
    file.text().then((text) => {
      let state;
      try {
        state = JSON.parse(text);
      } catch (err) {
        showMessage(w("bad_state", { name: file.name }), "error");
        return;
      }
      setPlaying(false);
      send({ op: "hello", state, lang: S.lang, session: S.session });
    });
    stateInput.value = "";
  });

  // keyboard
  const keyTarget = model.page ? globalThis : root;
  const onKey = (ev) => {
    const t = ev.target;
    const tag = t && t.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (t && t.isContentEditable)) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === " " || ev.code === "Space") {
      if (tag === "BUTTON" || tag === "SUMMARY") return;
      ev.preventDefault();
      setPlaying(!S.playing);
    } else if (ev.key === "ArrowRight") {
      ev.preventDefault();
      requestStep(1);
    } else if (ev.key === "ArrowLeft") {
      ev.preventDefault();
      setPlaying(false);
      send({ op: "back", n: 1 });
    }
  };
  keyTarget.addEventListener("keydown", onKey);
  root.addEventListener("pointerdown", (ev) => {
    if (ev.target === planeCanvas || ev.target === curveCanvas || ev.target === surfaceCanvas) root.focus({ preventScroll: true });
  });

  // ---------------------------------------------------------------- frames
  function onFrame(f) {
    S.inFlight = false;
    if (f.full) {
      if (f.data) S.data = f.data;
      S.curves = arr(f.curves).map((c) => ({
        ...c, steps: arr(c.steps).slice(), train: arr(c.train).slice(), test: arr(c.test).slice(), path: arr(c.path).slice(),
      }));
      const before = JSON.stringify([S.settings, S.validLosses, S.stateData]);
      if (f.settings) S.settings = f.settings;
      else if (f.state && f.state.settings) S.settings = f.state.settings;
      S.serverSettings = S.settings;
      if (f.valid_losses) S.validLosses = f.valid_losses;
      if (f.state && f.state.data) S.stateData = f.state.data;
      if (JSON.stringify([S.settings, S.validLosses, S.stateData]) !== before) buildControls();
    } else if (f.append) {
      const a = f.append;
      const c = S.curves.find((x) => x.id === a.branch);
      if (c) {
        const last = c.steps.length ? c.steps[c.steps.length - 1] : null;
        if (last !== a.step) {
          c.steps.push(a.step);
          c.train.push(a.train);
          c.test.push(a.test);
          if (a.path) c.path.push(a.path);
        }
      }
    }
    if ("surface" in f) S.surface = f.surface;  // full frames, and when the path left the map
    S.frame = f;
    if (f.state && typeof model.onState === "function") model.onState(f.state);
    if (f.status) {
      showMessage(typeof f.status === "string" ? f.status : f.status.message || JSON.stringify(f.status), "error");
      if (S.playing) setPlaying(false);
    }
    drawAll(f);
    el.dataset.step = String(f.step ?? 0);
    if (f.full && !S.ready) {
      S.ready = true;
      el.dataset.ready = "1";
    }
    schedule();
  }

  function drawAll(f) {
    const parts = [drawStatus, drawPlane, drawCurve, drawSurface, drawWeights, drawWorked, drawFrameJson, drawPicker];
    for (const p of parts) {
      try {
        p(f);
      } catch (err) {
        console.warn("playground: could not draw", p.name, err);
      }
    }
  }

  function drawStatus(f) {
    let v = f.verified;
    const checked = (x) => x && isNum(x.worst) && x.steps !== 0 && x.quantity !== "";
    // a full frame at a later step (a point edit, the language) may carry no check: keep the last one shown
    if (checked(v)) S.lastVerified = { v, branch: f.branch };
    else if ((f.step ?? 0) > 0 && S.lastVerified && S.lastVerified.branch === f.branch) v = S.lastVerified.v;
    if ((f.step ?? 0) === 0) S.lastVerified = null;
    let check;
    if (checked(v)) {
      const ok = !isNum(v.tolerance) || v.worst <= v.tolerance;
      check = h("span", { class: ok ? "pl-ok" : "pl-bad" },
        (ok ? "✓ " : "✗ ") + w(ok ? "verified_ok" : "verified_bad", { worst: fmtExp(v.worst), tol: fmtExp(v.tolerance), quantity: v.quantity ?? "" }));
    } else {
      check = h("span", { class: "pl-muted", text: w("verified_none") });
    }
    statusEl.replaceChildren(
      h("span", { testid: "step", class: "pl-step", text: w("status_step", { step: f.step ?? 0 }) }),
      " · ", h("span", { text: w("status_epoch", { epoch: f.epoch ?? 0 }) }), " · ", check,
    );
  }

  function drawFrameJson(f) {
    const c = S.curves.find((x) => x.id === f.branch);
    const loss = f.append && f.append.train !== undefined ? f.append.train : c && c.train.length ? c.train[c.train.length - 1] : null;
    frameJson.textContent = JSON.stringify({ step: f.step, W: f.W, B: f.B, branch: f.branch, curves_count: S.curves.length, loss });
  }

  function nClasses() {
    const d = S.data;
    if (!d) return 2;
    if (isNum(d.classes)) return d.classes;
    if (Array.isArray(d.classes)) return d.classes.length;
    return 2;
  }
  function className(i) {
    const d = S.data;
    const c = d && Array.isArray(d.classes) ? d.classes[i] : null;
    if (c != null && !/^\d+$/.test(String(c))) return String(c);
    return w("class_name", { n: i });
  }
  function isRegression() {
    const d = S.data || {};
    return d.task === "regression" || (S.frame && S.frame.field && S.frame.field.kind === "value");
  }
  function drawPicker() {
    const n = isRegression() ? 0 : nClasses();
    const key = n + "|" + S.addClass + "|" + S.lang + "|" + JSON.stringify(S.data && S.data.classes);
    if (classPicker.dataset.key === key) return;
    classPicker.dataset.key = key;
    if (S.addClass >= n) S.addClass = 0;
    classPicker.replaceChildren();
    if (!n) return;
    classPicker.append(h("span", { class: "pl-sub", text: w("add_class") }));
    for (let i = 0; i < n; i++) {
      const b = h("button", {
        type: "button", class: "pl-class" + (i === S.addClass ? " pl-on" : ""), role: "radio",
        "aria-checked": i === S.addClass ? "true" : "false", testid: "class-" + i,
      }, h("span", { class: "pl-swatch", style: "background:" + CLASS_COLORS[i % CLASS_COLORS.length] }), className(i));
      b.addEventListener("click", () => {
        S.addClass = i;
        drawPicker();
      });
      classPicker.append(b);
    }
  }

  // ---- the plane
  let planeGeom = null;
  function planeSize() {
    const wrapW = planeWrap.clientWidth || 600;
    const side = Math.min(wrapW, 720);
    return [side, Math.round(side * 0.86)];
  }
  function drawPlane(f) {
    const [W, H] = planeSize();
    const ctx = sizeCanvas(planeCanvas, W, H);
    const fld = f.field || {};
    const d = S.data || {};
    const pad = { l: 52, r: 12, t: 12, b: 44 };
    let x1 = arr(fld.x1), x2 = arr(fld.x2);
    if (!(x1.length === 2 && x2.length === 2)) {
      const b = d.bounds || {};
      const b1 = Array.isArray(b) ? b[0] : b.x1, b2 = Array.isArray(b) ? b[1] : b.x2;
      x1 = arr(b1).length === 2 ? b1 : [-1, 1];
      x2 = arr(b2).length === 2 ? b2 : [-1, 1];
    }
    const pw = W - pad.l - pad.r, ph = H - pad.t - pad.b;
    const sx = (v) => pad.l + ((v - x1[0]) / (x1[1] - x1[0])) * pw;
    const sy = (v) => pad.t + ph - ((v - x2[0]) / (x2[1] - x2[0])) * ph;
    planeGeom = { pad, pw, ph, x1, x2, sx, sy, W, H };
    ctx.fillStyle = "#fff";
    ctx.fillRect(pad.l, pad.t, pw, ph);
    // field
    const nx = fld.nx | 0, ny = fld.ny | 0, vals = arr(fld.values);
    const n = nClasses();
    if (nx > 0 && ny > 0 && vals.length >= nx * ny) {
      const off = document.createElement("canvas");
      off.width = nx;
      off.height = ny;
      const octx = off.getContext("2d");
      const img = octx.createImageData(nx, ny);
      let vlo = Infinity, vhi = -Infinity;
      if (fld.kind === "value") for (const v of vals) if (isNum(v)) (vlo = Math.min(vlo, v)), (vhi = Math.max(vhi, v));
      const blue = hex(CLASS_COLORS[0]), orange = hex(CLASS_COLORS[1]);
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const v = vals[j * nx + i];
          let c;
          if (fld.kind === "class") c = mix(WHITE, hex(CLASS_COLORS[(v | 0) % CLASS_COLORS.length]), 0.32);
          else if (fld.kind === "value") c = mix(WHITE, seqColor(vhi > vlo ? (v - vlo) / (vhi - vlo) : 0.5), 0.7);
          else {
            const p = isNum(v) ? Math.min(1, Math.max(0, v)) : 0.5;
            c = p < 0.5 ? mix(WHITE, blue, (0.5 - p) * 2 * 0.6) : mix(WHITE, orange, (p - 0.5) * 2 * 0.6);
          }
          const k = ((ny - 1 - j) * nx + i) * 4; // row 0 is x2 = lo, drawn at the bottom
          img.data[k] = c[0];
          img.data[k + 1] = c[1];
          img.data[k + 2] = c[2];
          img.data[k + 3] = 255;
        }
      }
      octx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = fld.kind !== "class";
      // cell centres span the range: stretch half a cell beyond each side, clipped to the plot
      ctx.save();
      ctx.beginPath();
      ctx.rect(pad.l, pad.t, pw, ph);
      ctx.clip();
      const cw = nx > 1 ? pw / (nx - 1) : pw, chh = ny > 1 ? ph / (ny - 1) : ph;
      ctx.drawImage(off, pad.l - cw / 2, pad.t - chh / 2, pw + cw, ph + chh);
      // contours
      const level = fld.kind === "probability" || !fld.kind ? 0.5 : null;
      const gx = (i) => pad.l + (nx > 1 ? (i / (nx - 1)) * pw : 0);
      const gy = (j) => pad.t + ph - (ny > 1 ? (j / (ny - 1)) * ph : 0);
      if (level != null) {
        ctx.strokeStyle = "#111";
        ctx.lineWidth = 2.5;
        ctx.setLineDash([]);
        ctx.beginPath();
        for (let j = 0; j < ny - 1; j++) {
          for (let i = 0; i < nx - 1; i++) {
            const a = vals[j * nx + i], b = vals[j * nx + i + 1], c = vals[(j + 1) * nx + i + 1], e = vals[(j + 1) * nx + i];
            const pts = [];
            const edge = (va, vb, xa, ya, xb, yb) => {
              if ((va < level) !== (vb < level)) {
                const t = (level - va) / (vb - va);
                pts.push([xa + (xb - xa) * t, ya + (yb - ya) * t]);
              }
            };
            edge(a, b, gx(i), gy(j), gx(i + 1), gy(j));
            edge(b, c, gx(i + 1), gy(j), gx(i + 1), gy(j + 1));
            edge(c, e, gx(i + 1), gy(j + 1), gx(i), gy(j + 1));
            edge(e, a, gx(i), gy(j + 1), gx(i), gy(j));
            for (let q = 0; q + 1 < pts.length; q += 2) {
              ctx.moveTo(pts[q][0], pts[q][1]);
              ctx.lineTo(pts[q + 1][0], pts[q + 1][1]);
            }
          }
        }
        ctx.stroke();
      } else if (fld.kind === "class") {
        ctx.strokeStyle = "#111";
        ctx.lineWidth = 2;
        ctx.beginPath();
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const v = vals[j * nx + i];
            if (i + 1 < nx && vals[j * nx + i + 1] !== v) {
              const xm = (gx(i) + gx(i + 1)) / 2;
              ctx.moveTo(xm, gy(j) + chh / 2);
              ctx.lineTo(xm, gy(j) - chh / 2);
            }
            if (j + 1 < ny && vals[(j + 1) * nx + i] !== v) {
              const ym = (gy(j) + gy(j + 1)) / 2;
              ctx.moveTo(gx(i) - cw / 2, ym);
              ctx.lineTo(gx(i) + cw / 2, ym);
            }
          }
        }
        ctx.stroke();
      }
      ctx.restore();
    }
    // axes
    plotFrame(ctx, pad, pw, ph, "14px system-ui, sans-serif", "#222");
    for (const t of niceTicks(x1[0], x1[1], Math.max(3, Math.round(pw / 90)))) {
      const x = sx(t);
      ctx.beginPath();
      ctx.moveTo(x, pad.t + ph);
      ctx.lineTo(x, pad.t + ph + 5);
      ctx.stroke();
      ctx.fillText(fmt(t, 3), x, pad.t + ph + 7);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of niceTicks(x2[0], x2[1], Math.max(3, Math.round(ph / 80)))) {
      const y = sy(t);
      ctx.beginPath();
      ctx.moveTo(pad.l - 5, y);
      ctx.lineTo(pad.l, y);
      ctx.stroke();
      ctx.fillText(fmt(t, 3), pad.l - 7, y);
    }
    const feats = arr(d.features).length >= 2 ? d.features : ["x₁", "x₂"];
    ctx.font = "600 15px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText(String(feats[0]), pad.l + pw / 2, H - 2);
    ctx.save();
    ctx.translate(14, pad.t + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(String(feats[1]), 0, 0);
    ctx.restore();

    // points
    ctx.save();
    ctx.beginPath();
    ctx.rect(pad.l, pad.t, pw, ph);
    ctx.clip();
    const batch = f.batch || {};
    const rows = arr(batch.rows);
    const inBatch = new Map(rows.map((r, i) => [r, i]));
    const partial = rows.length > 0 && rows.length < arr(d.train).length;
    const regression = isRegression();
    let ylo = Infinity, yhi = -Infinity;
    if (regression) for (const p of [...arr(d.train), ...arr(d.test)]) if (isNum(p[2])) (ylo = Math.min(ylo, p[2])), (yhi = Math.max(yhi, p[2]));
    const colorOf = (lab) => {
      if (regression) {
        const c = seqColor(yhi > ylo ? (lab - ylo) / (yhi - ylo) : 0.5);
        return `rgb(${c[0]},${c[1]},${c[2]})`;
      }
      return CLASS_COLORS[(lab | 0) % CLASS_COLORS.length] || "#888";
    };
    const r0 = Math.max(4, Math.min(7, W / 110));
    // arrows: each sample's pull on W (the negative of xₙ·∂ℓ/∂zₙ), and the whole step's
    const arrows = arr(batch.arrow);
    const pix = (v) => [(v[0] / (x1[1] - x1[0])) * pw, (-v[1] / (x2[1] - x2[0])) * ph];
    if (arrows.length && rows.length) {
      let longest = 0;
      for (const a of arrows) if (Array.isArray(a)) longest = Math.max(longest, Math.hypot(...pix(a)));
      const scale = longest > 0 ? (0.15 * Math.min(pw, ph)) / longest : 0;
      arrows.forEach((a, i) => {
        const p = arr(d.train)[rows[i]];
        if (!Array.isArray(a) || !p || !scale) return;
        const [dx, dy] = pix(a);
        const x0 = sx(p[0]), y0 = sy(p[1]);
        arrow(ctx, x0, y0, x0 - dx * scale, y0 - dy * scale, rows.length > 40 ? "rgba(15,15,15,0.45)" : "rgba(15,15,15,0.85)", rows.length > 40 ? 1.2 : 2);
      });
    }
    for (const p of arr(d.test)) {
      if (!Array.isArray(p)) continue;
      ctx.beginPath();
      ctx.arc(sx(p[0]), sy(p[1]), r0, 0, 2 * Math.PI);
      ctx.fillStyle = "rgba(255,255,255,0.85)";
      ctx.fill();
      ctx.strokeStyle = colorOf(p[2]);
      ctx.lineWidth = 2.2;
      ctx.stroke();
    }
    arr(d.train).forEach((p, idx) => {
      if (!Array.isArray(p)) return;
      const emph = inBatch.has(idx);
      ctx.globalAlpha = partial && !emph ? 0.45 : 1;
      ctx.beginPath();
      ctx.arc(sx(p[0]), sy(p[1]), emph && partial ? r0 + 2 : r0, 0, 2 * Math.PI);
      ctx.fillStyle = colorOf(p[2]);
      ctx.fill();
      ctx.strokeStyle = emph && partial ? "#000" : "#1a1a1a";
      ctx.lineWidth = emph && partial ? 2.5 : 1.2;
      ctx.stroke();
      if (idx === S.hoverIndex) {
        ctx.lineWidth = 3;
        ctx.strokeStyle = "#000";
        ctx.beginPath();
        ctx.arc(sx(p[0]), sy(p[1]), r0 + 4, 0, 2 * Math.PI);
        ctx.stroke();
      }
    });
    ctx.globalAlpha = 1;
    const g = f.grad && Array.isArray(f.grad.arrow) ? f.grad.arrow : null;
    if (g && isNum(g[0]) && isNum(g[1])) {
      const [dx, dy] = pix(g);
      const len = Math.hypot(dx, dy);
      if (len > 0) {
        const s = (0.22 * Math.min(pw, ph)) / len;
        const cx = pad.l + pw / 2, cy = pad.t + ph / 2;
        arrow(ctx, cx, cy, cx - dx * s, cy - dy * s, "#fff", 8);
        arrow(ctx, cx, cy, cx - dx * s, cy - dy * s, "#b2182b", 4.5);
        ctx.beginPath();
        ctx.arc(cx, cy, 4, 0, 2 * Math.PI);
        ctx.fillStyle = "#b2182b";
        ctx.fill();
      }
    }
    ctx.restore();
    // legend
    const items = [];
    const dot = (cls, style) => h("span", { class: "pl-dot " + cls, style });
    if (!regression) {
      for (let i = 0; i < n; i++) items.push(h("span", { class: "pl-leg" }, dot("", "background:" + CLASS_COLORS[i % CLASS_COLORS.length]), className(i)));
    }
    items.push(h("span", { class: "pl-leg" }, dot("pl-dot-filled", ""), w("train")));
    if (arr(d.test).length) items.push(h("span", { class: "pl-leg" }, dot("pl-dot-hollow", ""), w("test")));
    if (partial) items.push(h("span", { class: "pl-leg" }, dot("pl-dot-batch", ""), w("batch")));
    if (!fld.kind || fld.kind === "probability") items.push(h("span", { class: "pl-leg" }, h("span", { class: "pl-line" }), w("boundary")));
    const legendKey = items.map((x) => x.textContent).join("|") + "|" + (arrows.length || g ? "a" : "");
    if (planeLegend.dataset.key !== legendKey) {
      planeLegend.dataset.key = legendKey;
      planeLegend.replaceChildren(...items);
      if (arrows.length || g) planeLegend.append(h("span", { class: "pl-leg pl-arrows" }, h("span", { class: "pl-arrow-key" }), w("pull_on_W")));
    }
    planeCanvas.setAttribute("aria-label", w("plane"));
  }
  function pointAt(ev) {
    if (!planeGeom) return null;
    const rect = planeCanvas.getBoundingClientRect();
    const px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    const { pad, pw, ph, x1, x2 } = planeGeom;
    const inside = px >= pad.l && px <= pad.l + pw && py >= pad.t && py <= pad.t + ph;
    let best = null, bestD = 10;
    arr(S.data && S.data.train).forEach((p, i) => {
      if (!Array.isArray(p)) return;
      const dd = Math.hypot(planeGeom.sx(p[0]) - px, planeGeom.sy(p[1]) - py);
      if (dd < bestD) (bestD = dd), (best = i);
    });
    const x = x1[0] + ((px - pad.l) / pw) * (x1[1] - x1[0]);
    const y = x2[0] + ((pad.t + ph - py) / ph) * (x2[1] - x2[0]);
    return { px, py, inside, index: best, x, y };
  }
  planeCanvas.addEventListener("contextmenu", (ev) => {
    ev.preventDefault();
    const hit = pointAt(ev);
    if (hit && hit.index != null) send({ op: "point", remove: hit.index });
  });
  planeCanvas.addEventListener("click", (ev) => {
    const hit = pointAt(ev);
    if (!hit || !hit.inside) return;
    if (hit.index != null) {
      if (ev.shiftKey) send({ op: "point", remove: hit.index });
      return;
    }
    if (ev.shiftKey) return;
    const label = isRegression() ? 0 : S.addClass;
    send({ op: "point", add: [Number(hit.x.toPrecision(6)), Number(hit.y.toPrecision(6)), label] });
  });
  planeCanvas.addEventListener("mousemove", (ev) => {
    const hit = pointAt(ev);
    const idx = hit ? hit.index : null;
    if (idx !== S.hoverIndex) {
      S.hoverIndex = idx;
      if (S.frame) {
        try {
          drawPlane(S.frame);
        } catch (err) {
          console.warn(err);
        }
      }
    }
    if (idx == null) {
      tooltip.hidden = true;
      planeCanvas.style.cursor = hit && hit.inside ? "crosshair" : "default";
      return;
    }
    planeCanvas.style.cursor = "pointer";
    const p = S.data.train[idx];
    const batch = (S.frame && S.frame.batch) || {};
    const j = arr(batch.rows).indexOf(idx);
    const lines = [h("strong", { text: w("tip_point", { i: idx, label: isRegression() ? fmt(p[2]) : className(p[2]) }) })];
    const vec = (v) => (Array.isArray(v) ? (v.length === 1 ? fmt(v[0]) : "[" + v.map((x) => fmt(x)).join(", ") + "]") : fmt(v));
    if (j >= 0) {
      lines.push(h("div", { text: `${w("tip_z")} = ${vec(arr(batch.z)[j])}` }));
      lines.push(h("div", { text: `${w("tip_a")} = ${vec(arr(batch.a)[j])}` }));
      lines.push(h("div", { text: `${w("tip_loss")} = ${vec(arr(batch.loss)[j])}` }));
      const sh = arr(batch.share)[j];
      lines.push(h("div", { text: `${w("tip_share")}: ${isNum(sh) ? (sh * 100).toFixed(1) + " %" : vec(sh)}` }));
    } else {
      lines.push(h("div", { class: "pl-muted", text: w("not_in_batch") }));
    }
    tooltip.replaceChildren(...lines);
    tooltip.hidden = false;
    const left = Math.min(hit.px + 14, planeCanvas.clientWidth - 200);
    tooltip.style.left = Math.max(0, left) + "px";
    tooltip.style.top = Math.max(0, hit.py + 14) + "px";
  });
  planeCanvas.addEventListener("mouseleave", () => {
    tooltip.hidden = true;
    if (S.hoverIndex != null) {
      S.hoverIndex = null;
      if (S.frame) drawPlane(S.frame);
    }
  });

  // ---- the loss curve
  function branchColor(i) {
    return BRANCH_COLORS[i % BRANCH_COLORS.length];
  }
  function drawCurve() {
    const f = S.frame || {};
    const W = Math.max(240, curveCard.clientWidth - 32 || 420);
    const H = Math.round(Math.min(260, Math.max(180, W * 0.5)));
    const ctx = sizeCanvas(curveCanvas, W, H);
    const pad = { l: 58, r: 16, t: 12, b: 42 };
    const pw = W - pad.l - pad.r, ph = H - pad.t - pad.b;
    const log = S.logScale;
    const tr = (v) => (log ? Math.log10(Math.max(v, 1e-12)) : v);
    let smax = 1, lo = Infinity, hi = -Infinity;
    for (const c of S.curves) {
      for (const s of c.steps) if (isNum(s)) smax = Math.max(smax, s);
      for (const v of [...c.train, ...c.test]) if (isNum(v)) (lo = Math.min(lo, tr(v))), (hi = Math.max(hi, tr(v)));
    }
    if (!(hi >= lo)) (lo = 0), (hi = 1);
    if (!log) lo = Math.min(0, lo);
    if (hi - lo < 1e-9) hi = lo + 1;
    hi += (hi - lo) * 0.05;
    const X = (s) => pad.l + (s / smax) * pw;
    const Y = (v) => pad.t + ph - ((tr(v) - lo) / (hi - lo)) * ph;
    ctx.fillStyle = "#fff";
    ctx.fillRect(pad.l, pad.t, pw, ph);
    ctx.strokeStyle = "#e3e3e3";
    ctx.lineWidth = 1;
    ctx.font = "13px system-ui, sans-serif";
    ctx.fillStyle = "#333";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of niceTicks(lo, hi, 4)) {
      const y = pad.t + ph - ((t - lo) / (hi - lo)) * ph;
      ctx.beginPath();
      ctx.moveTo(pad.l, y);
      ctx.lineTo(pad.l + pw, y);
      ctx.stroke();
      ctx.fillText(log ? fmt(10 ** t, 2) : fmt(t, 3), pad.l - 6, y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const t of niceTicks(0, smax, Math.max(3, Math.round(pw / 80)))) {
      if (Math.abs(t - Math.round(t)) > 1e-9) continue;
      ctx.fillText(String(t), X(t), pad.t + ph + 5);
    }
    ctx.strokeStyle = "#444";
    ctx.strokeRect(pad.l + 0.5, pad.t + 0.5, pw - 1, ph - 1);
    ctx.font = "600 14px system-ui, sans-serif";
    ctx.textBaseline = "bottom";
    ctx.fillText(w("axis_step"), pad.l + pw / 2, H - 2);
    ctx.save();
    ctx.translate(13, pad.t + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(w("axis_loss") + (log ? " (log)" : ""), 0, 0);
    ctx.restore();
    const order = S.curves.map((c, i) => [c, i]).sort((a, b) => (a[0].id === f.branch) - (b[0].id === f.branch));
    ctx.save();
    ctx.beginPath();
    ctx.rect(pad.l, pad.t - 4, pw + 4, ph + 8);
    ctx.clip();
    for (const [c, i] of order) {
      const current = c.id === f.branch;
      const col = branchColor(i);
      ctx.globalAlpha = current ? 1 : 0.45;
      for (const [key, dash] of [["train", []], ["test", [7, 5]]]) {
        ctx.setLineDash(dash);
        ctx.strokeStyle = col;
        ctx.lineWidth = current ? 3 : 1.8;
        ctx.beginPath();
        let started = false;
        const from = c.parent != null && isNum(c.from_step) ? c.from_step : -Infinity;
        c[key].forEach((v, k) => {
          const s = c.steps[k];
          if (!isNum(v) || !isNum(s) || s < from) return;
          if (!started) ctx.moveTo(X(s), Y(v));
          else ctx.lineTo(X(s), Y(v));
          started = true;
        });
        ctx.stroke();
      }
      ctx.setLineDash([]);
      let k = c.train.length - 1;
      while (k >= 0 && !isNum(c.train[k])) k--;
      if (k >= 0 && isNum(c.steps[k])) {
        ctx.beginPath();
        ctx.arc(X(c.steps[k]), Y(c.train[k]), current ? 4.5 : 3, 0, 2 * Math.PI);
        ctx.fillStyle = col;
        ctx.fill();
      }
    }
    ctx.restore();
    ctx.globalAlpha = 1;
    // the branches' names in a legend above the plot (on the canvas they would run into each other)
    const items = S.curves.map((c, i) => ({ label: String(c.label ?? c.id), col: branchColor(i), current: c.id === f.branch }));
    // two branches may read alike (a rule's own parameter changed): then say where each one starts
    const seen = items.map((it) => items.filter((x) => x.label === it.label).length);
    S.curves.forEach((c, i) => {
      if (seen[i] < 2) return;
      items[i].label += " · " + w("from_step", { step: c.parent != null && isNum(c.from_step) ? c.from_step : 0 });
    });
    const legendKey = JSON.stringify(items) + "|" + S.lang;
    if (curveBranches.dataset.key !== legendKey) {
      curveBranches.dataset.key = legendKey;
      curveBranches.replaceChildren(...items.map((it) =>
        h("span", { class: "pl-leg pl-branch" + (it.current ? " pl-current" : ""), title: it.current ? w("current_branch") : null },
          h("span", { class: "pl-branch-swatch", style: "border-color:" + it.col }), it.label)));
      curveBranches.hidden = !items.length;
      curveBranches.setAttribute("aria-label", w("branches"));
    }
    const key = [w("train"), S.curves.some((c) => c.test.some(isNum)) ? w("test") : null].join("|");
    if (curveKey.dataset.key !== key) {
      curveKey.dataset.key = key;
      curveKey.replaceChildren(h("span", { class: "pl-leg" }, h("span", { class: "pl-line pl-line-thin" }), w("train")));
      if (key.split("|")[1]) curveKey.append(h("span", { class: "pl-leg" }, h("span", { class: "pl-line pl-line-dash" }), w("test")));
    }
    curveCanvas.setAttribute("aria-label", w("curve"));
  }

  // ---- the loss surface
  function drawSurface(f) {
    const sf = S.surface;
    const W = Math.max(240, surfaceCard.clientWidth - 32 || 420);
    const H = Math.round(Math.min(300, Math.max(200, W * 0.62)));
    const ctx = sizeCanvas(surfaceCanvas, W, H);
    surfaceCanvas.setAttribute("aria-label", w("surface"));
    const pad = { l: 52, r: 12, t: 10, b: 40 };
    const pw = W - pad.l - pad.r, ph = H - pad.t - pad.b;
    if (!sf || !arr(sf.values).length || !(sf.n > 0)) {
      surfaceCard.classList.add("pl-empty");
      surfaceHint.textContent = "";
      return;
    }
    surfaceCard.classList.remove("pl-empty");
    const n = sf.n | 0, vals = sf.values, w1 = arr(sf.w1), w2 = arr(sf.w2);
    // equalised bands: each colour covers about as much of the plane (a contour map of the loss's ranks)
    const sorted = vals.filter(isNum).slice().sort((a, b) => a - b);
    const bands = 12;
    const cuts = [];
    for (let q = 1; q < bands; q++) cuts.push(sorted[Math.floor((q / bands) * (sorted.length - 1))]);
    const band = (v) => {
      let lo = 0, hi = cuts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cuts[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const off = document.createElement("canvas");
    off.width = n;
    off.height = n;
    const octx = off.getContext("2d");
    const img = octx.createImageData(n, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const v = vals[j * n + i];
        const t = isNum(v) ? band(v) / (bands - 1) : 1;
        const c = mix(WHITE, seqColor(t), 0.25 + 0.6 * t);
        const k = ((n - 1 - j) * n + i) * 4;
        img.data[k] = c[0];
        img.data[k + 1] = c[1];
        img.data[k + 2] = c[2];
        img.data[k + 3] = 255;
      }
    }
    octx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, pad.l, pad.t, pw, ph);
    const X = (v) => pad.l + ((v - w1[0]) / (w1[1] - w1[0])) * pw;
    const Y = (v) => pad.t + ph - ((v - w2[0]) / (w2[1] - w2[0])) * ph;
    plotFrame(ctx, pad, pw, ph, "13px system-ui, sans-serif", "#333");
    for (const t of niceTicks(w1[0], w1[1], 4)) ctx.fillText(fmt(t, 3), X(t), pad.t + ph + 4);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of niceTicks(w2[0], w2[1], 4)) ctx.fillText(fmt(t, 3), pad.l - 5, Y(t));
    const names = arr(sf.names);
    const plain = (s) => String(s ?? "").replace(/[{}\\]/g, "").replace(/_/g, "");
    ctx.font = "600 14px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillStyle = "#222";
    ctx.fillText(plain(names[0] ?? "w₁"), pad.l + pw / 2, H - 1);
    ctx.save();
    ctx.translate(12, pad.t + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(plain(names[1] ?? "w₂"), 0, 0);
    ctx.restore();
    ctx.save();
    ctx.beginPath();
    ctx.rect(pad.l, pad.t, pw, ph);
    ctx.clip();
    const order = S.curves.map((c, i) => [c, i]).sort((a, b) => (a[0].id === f.branch) - (b[0].id === f.branch));
    for (const [c, i] of order) {
      // a branch's path from where it left its parent (the parent draws what came before)
      const from = c.parent != null && isNum(c.from_step) && c.steps.length === c.path.length ? c.steps.findIndex((s) => s >= c.from_step) : 0;
      const path = arr(c.path).slice(Math.max(0, from)).filter((p) => Array.isArray(p) && isNum(p[0]) && isNum(p[1]));
      if (!path.length) continue;
      const current = c.id === f.branch;
      for (const [col, lw] of [["rgba(255,255,255,0.9)", current ? 6 : 4], [branchColor(i), current ? 3 : 2]]) {
        ctx.strokeStyle = col;
        ctx.lineWidth = lw;
        ctx.lineJoin = "round";
        ctx.beginPath();
        path.forEach((p, k) => (k ? ctx.lineTo(X(p[0]), Y(p[1])) : ctx.moveTo(X(p[0]), Y(p[1]))));
        ctx.stroke();
      }
      const last = path[path.length - 1];
      ctx.beginPath();
      ctx.arc(X(last[0]), Y(last[1]), current ? 6.5 : 4.5, 0, 2 * Math.PI);
      ctx.fillStyle = branchColor(i);
      ctx.fill();
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    ctx.restore();
    const hint = w("surface_hint", { w1: "\u0000", w2: "\u0001" });
    const node = h("span");
    for (const part of hint.split(/(\u0000|\u0001)/)) {
      if (part === "\u0000") node.append(tex(h("span"), names[0] ?? "w_1", false));
      else if (part === "\u0001") node.append(tex(h("span"), names[1] ?? "w_2", false));
      else node.append(part);
    }
    surfaceHint.replaceChildren(node);
  }

  // ---- weights
  function drawWeights(f) {
    const Wm = arr(f.W), Bv = arr(f.B), names = arr(f.names);
    const dW = arr(f.grad && f.grad.dW), dB = arr(f.grad && f.grad.dB);
    const k = Math.max(Bv.length, Wm.length ? arr(Wm[0]).length : 0);
    const rowHead = (i) => h("th", { scope: "row" }, tex(h("span"), `W_{${i + 1}}`, false), h("span", { class: "pl-muted", text: " · " + String(names[i] ?? "x" + (i + 1)) }));
    const table = (cols) => {
      // cols: [{title, cls, cell(i, j) -> [testid, value]}]; one column per output j for each
      const t = h("table", { class: "pl-table" });
      const head = h("tr", {}, h("th", { text: "" }));
      for (const c of cols) for (let j = 0; j < k; j++) head.append(h("th", { class: c.cls, text: c.title + (k > 1 ? ` ${j}` : "") }));
      t.append(h("thead", {}, head));
      const body = h("tbody");
      Wm.forEach((row, i) => {
        const tr = h("tr", {}, rowHead(i));
        for (const c of cols) for (let j = 0; j < k; j++) tr.append(h("td", { class: c.cls, testid: `${c.m}-${i}-${j}`, text: full(arr(c.mat[i])[j]) }));
        body.append(tr);
      });
      const trB = h("tr", { class: "pl-bias" }, h("th", { scope: "row", text: w("bias") }));
      for (const c of cols) for (let j = 0; j < k; j++) trB.append(h("td", { class: c.cls, testid: `${c.b}-${j}`, text: full(c.vec[j]) }));
      body.append(trB);
      t.append(body);
      return t;
    };
    const wc = { title: w("weight"), cls: "", m: "W", b: "B", mat: Wm, vec: Bv };
    const gc = { title: w("gradient"), cls: "pl-grad", m: "dW", b: "dB", mat: dW, vec: dB };
    if (k > 1) weightsBox.replaceChildren(table([wc]), table([gc]));
    else weightsBox.replaceChildren(table([wc, gc]));
  }

  // ---- the worked step
  let openSections = null;
  function drawWorked(f) {
    const wk = f.worked;
    if (!wk || typeof wk !== "object") {
      const why = S.workedSkipped && f.step > 0 ? "worked_playing" : "worked_none";
      workedBox.replaceChildren(h("p", { class: "pl-muted", text: w(why, { n: LIVE_WORKED }) }));
      return;
    }
    const ww = wk.words || {};
    const col = (key) => ww[key] ?? w(key);
    const sections = arr(wk.sections);
    if (openSections && openSections.length !== sections.length) openSections = null;
    if (!openSections) {
      const titles = sections.map((s) => (prose(s.title).textContent || "").toLowerCase());
      let upd = titles.findIndex((t) => /updat|actualiz/.test(t));
      if (upd < 0) upd = sections.length - 1;
      openSections = sections.map((_, i) => i === upd);
    }
    const nodes = [];
    if (hasProse(wk.title)) nodes.push(prose(wk.title, "h3"));
    if (hasProse(wk.summary)) nodes.push(prose(wk.summary, "div"));
    sections.forEach((sec, si) => {
      const det = h("details", { class: "pl-section" });
      det.open = !!openSections[si];
      det.addEventListener("toggle", () => (openSections[si] = det.open));
      det.append(h("summary", {}, prose(sec.title)));
      for (const dv of arr(sec.derivations)) {
        const box = h("div", { class: "pl-derivation" });
        if (dv.title) box.append(prose(dv.title, "h4"));
        for (const fm of arr(dv.formula)) box.append(tex(h("div", { class: "pl-formula" }), fm, true));
        if (dv.shapes) box.append(tex(h("div", { class: "pl-shapes" }), dv.shapes, false));
        for (const sb of arr(dv.substitution)) box.append(tex(h("div", { class: "pl-subst" }), sb, true));
        if (hasProse(dv.shown)) box.append(prose(dv.shown, "div"));
        const results = arr(dv.results);
        if (results.length) {
          const t = h("table", { class: "pl-table pl-results" },
            h("thead", {}, h("tr", {}, h("th", { text: col("quantity") }), h("th", { text: col("by_hand") }), h("th", { text: col("by_torch") }), h("th", { text: col("gap") }))));
          const tb = h("tbody");
          for (const r of results) {
            const cell = (v) => {
              const td = h("td");
              if (Array.isArray(v) && v.length && Array.isArray(v[0]) && typeof v[0][0] === "string" && ["text", "math", "code"].includes(v[0][0])) td.append(prose(v));
              else if (Array.isArray(v)) td.textContent = JSON.stringify(v, (k, x) => (isNum(x) ? Number(fmt(x, 5)) : x));
              else if (isNum(v)) td.textContent = fmt(v, 6);
              else if (texLike(v)) tex(td, v, false);
              else td.textContent = v == null ? "—" : String(v);
              return td;
            };
            const label = h("td");
            tex(label, r.label ?? "", false);
            if (r.via) label.append(h("div", { class: "pl-via" }, prose(r.via)));
            tb.append(h("tr", {}, label, cell(r.closed), cell(r.torch), h("td", { text: fmtExp(r.gap) })));
          }
          t.append(tb);
          box.append(t);
        }
        if (hasProse(dv.notes)) box.append(prose(dv.notes, "div"));
        det.append(box);
      }
      nodes.push(det);
    });
    if (hasProse(wk.closing)) nodes.push(prose(wk.closing, "div"));
    workedBox.replaceChildren(...nodes);
  }

  // ---------------------------------------------------------------- incoming
  model.on("msg:custom", (msg) => {
    try {
      const type = msgType(msg);
      if (type === "hello") {
        S.session = msg.session ?? S.session;
        if (msg.words) S.words = msg.words;
        if (msg.lang) S.lang = msg.lang;
        if (msg.options) S.options = msg.options;
        S.inFlight = false;
        applyWords();
      } else if (type === "words") {
        S.words = msg.words || S.words;
        if (msg.lang) S.lang = msg.lang;
        applyWords();
      } else if (type === "frame") {
        onFrame(msg);
      } else if (type === "upload") {
        showUpload(msg);
      } else if (type === "saved") {
        showMessage(w("saved", { path: msg.path }), "info");
      } else if (type === "error") {
        S.inFlight = false;
        if (S.playing) setPlaying(false);
        showMessage(String(msg.message ?? msg.op ?? ""), "error");
      }
    } catch (err) {
      console.warn("playground: a message could not be shown", err);
    }
  });

  // redraw on resize
  let resizeTimer = null;
  if (typeof ResizeObserver === "function") {
    let lastW = 0;
    new ResizeObserver(() => {
      const cw = el.clientWidth;
      root.classList.toggle("pl-narrow", cw < 1000);
      root.classList.toggle("pl-medium", cw >= 1000 && cw < 1280);
      if (Math.abs(cw - lastW) < 2) return;
      lastW = cw;
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => S.frame && drawAll(S.frame), 60);
    }).observe(el);
  }

  applyWords();
  send({ op: "hello", lang: null, state: model.initialState ?? null, session: null });
}

export default { render };

// A training job's page: it polls the job's JSON every few seconds and updates the bars, epoch, loss curve,
// time left, warnings and errors in place; it stops once the job has ended. The cancel button asks first.
import { drawLossCurve } from "./charts.js";

const root = document.querySelector("[data-job-progress]");
const ACTIVE = new Set(["notStarted", "running", "cancelling"]);
const LABELS = {
  notStarted: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelling: "Cancelling",
  cancelled: "Cancelled",
};

const field = (name) => root.querySelector(`[data-field="${name}"]`);

function setText(name, text) {
  const node = field(name);
  if (node && node.textContent !== text) node.textContent = text;
}

function setBar(name, percent) {
  const bar = root.querySelector(`[data-bar="${name}"]`);
  if (!bar) return;
  bar.setAttribute("aria-valuenow", String(percent));
  bar.firstElementChild.style.width = `${percent}%`;
}

function minutesText(seconds) {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function clockText(milliseconds) {
  return new Date(milliseconds).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function stage(state) {
  const { trainingStatus: training, evaluationStatus: evaluation } = state.result;
  if (state.status === "succeeded") return "done";
  if (state.status === "notStarted") return "queued";
  if (evaluation.status !== "notStarted") return "evaluation";
  if (training.status !== "notStarted") return "training";
  return "queued";
}

function renderSteps(state) {
  const order = ["queued", "training", "evaluation", "done"];
  const current = order.indexOf(stage(state));
  const ended = !ACTIVE.has(state.status) && state.status !== "succeeded";
  for (const item of root.querySelectorAll("[data-step]")) {
    const index = order.indexOf(item.dataset.step);
    item.classList.toggle("is-done", index < current || state.status === "succeeded");
    item.classList.toggle("is-current", index === current && state.status !== "succeeded");
    item.classList.toggle("is-stopped", index === current && ended);
    if (index === current) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  }
}

function renderList(selector, cardSelector, items) {
  const list = root.querySelector(selector);
  const card = root.querySelector(cardSelector);
  if (!list || !card) return;
  card.hidden = !items.length;
  const key = JSON.stringify(items);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = item.code || "";
      li.append(code, ` ${item.message || ""}`);
      if (item.target) {
        const target = document.createElement("span");
        target.className = "problem-target";
        target.textContent = item.target;
        li.append(" ", target);
      }
      return li;
    }),
  );
}

let lastCurve = "";
let lastStatus = null;

function render(state) {
  const result = state.result;
  const training = result.trainingStatus.percentComplete;
  const evaluation = result.evaluationStatus.percentComplete;
  const overall = state.status === "succeeded" ? 100 : Math.round(training * 0.9 + evaluation * 0.1);
  const active = ACTIVE.has(state.status);
  const label = LABELS[state.status] || state.status;

  root.dataset.status = state.status;
  for (const badge of root.querySelectorAll("[data-status-badge]")) {
    badge.textContent = label;
    badge.className = `m-status m-status-${state.status}`;
  }
  setText("status", label);
  setText("overall", `${overall}%`);
  setText("training-text", `${training}%`);
  setText("evaluation-text", `${evaluation}%`);
  setBar("training", training);
  setBar("evaluation", evaluation);
  document.title = `${active ? `${overall}% · ` : ""}Training ${result.modelLabel} · NER Studio`;

  const progress = state.progress || {};
  const curve = progress.curve || [];
  const last = curve.at(-1) || {};
  // "Epoch 3 of 25" while it runs, "25 of 25 epochs" once it has ended (the server words it).
  const epochs = state.epochs || {};
  setText("epoch", epochs.text || "—");
  setText("epoch-note", epochs.note || "");
  setText("loss", typeof last.loss === "number" ? last.loss.toFixed(4) : "—");
  setText("dev", typeof last.dev_score === "number" ? `${(last.dev_score * 100).toFixed(1)}%` : "—");

  const started = result.trainingStatus.startDateTime ? Date.parse(result.trainingStatus.startDateTime) : null;
  const ended = result.evaluationStatus.endDateTime || result.trainingStatus.endDateTime;
  const endTime = active ? Date.now() : ended ? Date.parse(ended) : Date.parse(state.lastUpdatedDateTime);
  setText("elapsed", started ? minutesText((endTime - started) / 1000) : "—");
  const eta = result.estimatedEndDateTime ? Date.parse(result.estimatedEndDateTime) : null;
  const running = active && state.status !== "notStarted";
  if (!active) setText("eta", state.status === "succeeded" ? "Done" : "—");
  else if (state.status === "notStarted") setText("eta", "Waiting for a worker");
  else if (eta && eta > Date.now()) setText("eta", `about ${minutesText((eta - Date.now()) / 1000)}`);
  else setText("eta", "Estimating…");
  setText("eta-note", running && eta && eta > Date.now() ? `ends around ${clockText(eta)}` : "");

  const curveKey = JSON.stringify(curve);
  const svg = root.querySelector("[data-loss-curve]");
  if (svg && (curveKey !== lastCurve || !svg.childElementCount)) {
    lastCurve = curveKey;
    drawLossCurve(svg, curve, epochs.planned || null, { finished: !active });
    const hasDev = curve.some((p) => typeof p.dev_score === "number");
    for (const node of root.querySelectorAll("[data-dev-legend]")) node.hidden = !hasDev;
  }

  renderSteps(state);
  renderList("[data-warnings]", "[data-warnings-card]", state.warnings || []);
  renderList("[data-errors]", "[data-errors-card]", state.errors || []);
  const count = root.querySelector("[data-warning-count]");
  if (count) count.textContent = String((state.warnings || []).length);

  const modelLink = root.querySelector("[data-model-link]");
  if (modelLink && state.modelUrl) {
    modelLink.href = state.modelUrl;
    modelLink.hidden = false;
  }
  const cancel = root.querySelector("[data-cancel-button]");
  if (cancel) cancel.hidden = !(state.status === "notStarted" || state.status === "running");

  if (!active) {
    // "Training … has started" (and "Cancelling…") were true while the job ran; the status badge says the rest.
    for (const message of document.querySelectorAll('[data-message~="while-job-active"]')) {
      const list = message.parentElement;
      message.remove();
      if (list && !list.children.length) list.remove();
    }
  }

  if (lastStatus !== null && lastStatus !== state.status) {
    const live = root.querySelector("[data-live]");
    if (live) live.textContent = `Status: ${label}.`;
  }
  lastStatus = state.status;
}

async function poll() {
  try {
    const response = await fetch(root.dataset.pollUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.ok) {
      const state = await response.json();
      render(state);
      if (!ACTIVE.has(state.status)) return;
    }
  } catch {
    // A dropped connection: try again on the next tick.
  }
  window.setTimeout(poll, Number(root.dataset.pollMs) || 1500);
}

function initCancelDialog() {
  const dialog = root.querySelector("[data-cancel-dialog]");
  const button = root.querySelector("[data-cancel-button]");
  if (!dialog || !button) return;
  button.addEventListener("click", (event) => {
    event.preventDefault();
    dialog.showModal();
  });
  dialog.querySelector("[data-dialog-close]")?.addEventListener("click", () => dialog.close());
}

if (root) {
  const state = JSON.parse(document.getElementById("job-state").textContent);
  render(state);
  initCancelDialog();
  if (ACTIVE.has(state.status)) window.setTimeout(poll, Number(root.dataset.pollMs) || 1500);
}

// The documents list's model-in-the-loop panel: pre-label the selected documents (the bulk form's ticks) or all
// that the list's filters match, or score the unlabeled ones by uncertainty, as background jobs followed in the
// progress partials (`loop-job.js`). When a job ends, a button reloads the list with its counts and order.
import { loopJobPanel, startLoopJob } from "./loop-job.js";

const panel = document.querySelector("[data-loop-panel]");

function source() {
  const [kind, ...rest] = panel.querySelector("#loop-source").value.split(":");
  const name = rest.join(":");
  return kind === "deployment" ? { deploymentName: name } : { modelLabel: name };
}

function showError(message) {
  const node = panel.querySelector("[data-loop-panel-error]");
  node.textContent = message;
  node.hidden = !message;
}

function selection() {
  const form = document.getElementById("bulk-form");
  if (!form) return { ids: [], all: false };
  const ids = [...form.querySelectorAll("input[name=ids]:checked")].map((box) => Number(box.value));
  return { ids, all: Boolean(document.getElementById("scope-filter")?.checked) };
}

async function start(kind, params) {
  showError("");
  try {
    const job = await startLoopJob(panel.dataset.project, { kind, ...source(), params });
    loopJobPanel(panel.querySelector(`[data-loop-job][data-kind="${kind}"]`)).follow(job.jobId, job);
  } catch (error) {
    showError(error.message);
  }
}

if (panel && panel.querySelector("#loop-source")) {
  const selectedButton = panel.querySelector('[data-prelabel="selected"]');
  const update = () => {
    const { ids, all } = selection();
    selectedButton.disabled = !all && ids.length === 0;
    if (all) selectedButton.textContent = "Pre-label selected (all matching)";
    else selectedButton.textContent = ids.length ? `Pre-label ${ids.length} selected` : "Pre-label selected";
  };
  document.getElementById("bulk-form")?.addEventListener("change", update);
  update();
  selectedButton.addEventListener("click", () => {
    const { ids, all } = selection();
    start("prelabel", all ? { filter: panel.dataset.filter } : { documentIds: ids });
  });
  panel.querySelector('[data-prelabel="filter"]').addEventListener("click", () =>
    start("prelabel", { filter: panel.dataset.filter }),
  );
  panel.querySelector("[data-uncertainty]").addEventListener("click", () =>
    start("uncertainty", { measure: panel.querySelector("[data-uncertainty-measure]").value }),
  );
}

if (panel) {
  const refresh = panel.querySelector("[data-loop-refresh]");
  panel.addEventListener("loop-job:end", (event) => {
    if (event.detail.status === "succeeded") refresh.hidden = false;
  });
  refresh.addEventListener("click", () => window.location.reload());
}

// The label-errors page: start a check (folds chosen, its estimate shown before it starts), follow it in the
// progress partial (`loop-job.js`), then apply the model's version of a likely error or dismiss it, in place.
import { loopJobPanel, requestJson, startLoopJob } from "./loop-job.js";

const start = document.querySelector("[data-label-errors]");

function showError(node, message) {
  if (!node) return;
  node.textContent = message;
  node.hidden = !message;
}

if (start) {
  const project = start.dataset.project;
  const folds = start.querySelector("[data-le-folds]");
  const plans = document.getElementById("le-plans");
  const planText = start.querySelector("[data-le-plan]");
  const error = start.querySelector("[data-le-error]");
  const button = start.querySelector("[data-le-start]");
  const panelRoot = start.querySelector('[data-loop-job][data-kind="label-errors"]');
  const refresh = start.querySelector("[data-le-refresh]");
  const texts = plans ? JSON.parse(plans.textContent) : {};

  if (folds && planText) {
    folds.addEventListener("change", () => {
      planText.textContent = texts[folds.value] || "";
    });
  }
  if (button) {
    button.addEventListener("click", async () => {
      showError(error, "");
      button.disabled = true;
      try {
        const job = await startLoopJob(project, { kind: "label-errors", params: { folds: Number(folds.value) } });
        loopJobPanel(panelRoot).follow(job.jobId, job);
      } catch (failure) {
        showError(error, failure.message);
        button.disabled = false;
      }
    });
  }
  start.addEventListener("loop-job:end", (event) => {
    if (button) button.disabled = false;
    if (event.detail.status === "succeeded") refresh.hidden = false;
  });
  refresh.addEventListener("click", () => {
    window.location.assign(window.location.pathname);
  });

  for (const item of document.querySelectorAll("[data-issue-id]")) {
    const itemError = item.querySelector("[data-le-issue-error]");
    for (const decide of item.querySelectorAll("[data-le-decide]")) {
      decide.addEventListener("click", async () => {
        showError(itemError, "");
        const buttons = item.querySelectorAll("[data-le-decide]");
        for (const b of buttons) b.disabled = true;
        const url = `/api/projects/${encodeURIComponent(project)}/label-issues/${item.dataset.issueId}/${decide.dataset.leDecide}`;
        try {
          const issue = await requestJson("POST", url);
          item.dataset.status = issue.status;
          item.querySelector("[data-le-status]").textContent = issue.status === "applied" ? "Applied" : "Dismissed";
          item.querySelector("[data-le-actions]").remove();
        } catch (failure) {
          showError(itemError, failure.message);
          for (const b of buttons) b.disabled = false;
        }
      });
    }
  }
}

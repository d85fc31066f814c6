// A model's learning-curve tab: start the background job, follow it in the progress partial (`loop-job.js`), and
// show the curve (drawn by the server) once it has succeeded.
import { loopJobPanel, startLoopJob } from "./loop-job.js";

const card = document.querySelector("[data-learning-curve]");

if (card) {
  const button = card.querySelector("[data-curve-start]");
  const error = card.querySelector("[data-curve-error]");
  const panelRoot = card.querySelector('[data-loop-job][data-kind="learning-curve"]');
  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
  };
  if (button) {
    button.addEventListener("click", async () => {
      showError("");
      button.disabled = true;
      try {
        const job = await startLoopJob(card.dataset.project, { kind: "learning-curve", modelLabel: card.dataset.model });
        watched = true;
        loopJobPanel(panelRoot).follow(job.jobId, job);
      } catch (failure) {
        showError(failure.message);
        button.disabled = false;
      }
    });
  }
  // Only a job that ran while this page was open reloads it (a finished job's curve is on the page already).
  let watched = Boolean(panelRoot) && ["notStarted", "running", "cancelling"].includes(panelRoot.dataset.status);
  card.addEventListener("loop-job:end", (event) => {
    if (button) button.disabled = false;
    if (watched && event.detail.status === "succeeded") {
      watched = false;
      window.location.reload();
    }
  });
}

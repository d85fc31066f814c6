// Model-in-the-loop jobs (pre-labeling, uncertainty, label errors, learning curve) as a page sees them: start one,
// follow it in the progress partial (`templates/modeling/_loop_job.html`), cancel it. The partial's element
// carries `data-loop-job`, `data-project` and, while a job is shown, `data-job-id`; importing this module
// follows every such element on the page. Events on that element: `loop-job:update` and `loop-job:end`
// (`event.detail` is the job's JSON, see `modeling/apis/loop.py`).

const POLL_MS = 1000;
const ACTIVE = new Set(["notStarted", "running", "cancelling"]);
const STATUS_TEXT = {
  notStarted: "Queued",
  running: "Running",
  cancelling: "Cancelling",
  succeeded: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** The session's CSRF token (the cookie Django sets). */
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

/** Sends a request to a UI JSON endpoint; throws an Error whose message is the server's for an error answer. */
export async function requestJson(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error("The server could not be reached.");
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = payload && payload.error;
    const failure = new Error(error && error.message ? error.message : `The server answered ${response.status}.`);
    failure.status = response.status;
    failure.code = error && error.code;
    throw failure;
  }
  return payload;
}

const jobsUrl = (project) => `/api/projects/${encodeURIComponent(project)}/loop-jobs`;

/**
 * Starts a job; resolves to its JSON (throws with the server's message when it is refused).
 * @param {string} project the project's name
 * @param {{kind: string, modelLabel?: string, deploymentName?: string, params?: object}} body
 */
export function startLoopJob(project, body) {
  return requestJson("POST", jobsUrl(project), body);
}

/** Follows jobs in one progress partial. */
export class LoopJobPanel {
  /** @param {HTMLElement} root the partial's `[data-loop-job]` element */
  constructor(root) {
    this.root = root;
    this.project = root.dataset.project;
    this.timer = null;
    this.job = null;
    root._loopJobPanel = this;
    const cancel = this.part("cancel");
    if (cancel) cancel.addEventListener("click", () => this.cancel());
    if (root.dataset.jobId) this.follow(root.dataset.jobId);
  }

  part(name) {
    return this.root.querySelector(`[data-loop-part="${name}"]`);
  }

  /** Shows and polls the job `jobId` (a job just started: pass its JSON as `job` to show it at once). */
  follow(jobId, job = null) {
    this.root.dataset.jobId = jobId;
    this.root.hidden = false;
    clearTimeout(this.timer);
    if (job) this.render(job);
    this.poll();
  }

  async poll() {
    const jobId = this.root.dataset.jobId;
    try {
      const job = await requestJson("GET", `${jobsUrl(this.project)}/${encodeURIComponent(jobId)}`);
      if (jobId !== this.root.dataset.jobId) return; // another job was started meanwhile
      this.render(job);
      if (ACTIVE.has(job.status)) this.timer = setTimeout(() => this.poll(), POLL_MS);
      else this.root.dispatchEvent(new CustomEvent("loop-job:end", { detail: job, bubbles: true }));
    } catch (error) {
      this.showError(error.message);
      this.timer = setTimeout(() => this.poll(), POLL_MS * 3);
    }
  }

  render(job) {
    this.job = job;
    this.root.dataset.status = job.status;
    const title = this.part("title");
    if (title) title.textContent = job.title;
    this.part("status").textContent = STATUS_TEXT[job.status] || job.status;
    const bar = this.part("bar");
    bar.value = job.percentComplete;
    bar.setAttribute("aria-valuenow", String(job.percentComplete));
    this.part("percent").textContent = `${job.percentComplete}%`;
    this.part("message").textContent = job.message || "";
    this.showError(job.error || "");
    const cancel = this.part("cancel");
    if (cancel) cancel.hidden = !ACTIVE.has(job.status) || job.status === "cancelling";
    this.root.dispatchEvent(new CustomEvent("loop-job:update", { detail: job, bubbles: true }));
  }

  showError(message) {
    const node = this.part("error");
    node.textContent = message;
    node.hidden = !message;
  }

  async cancel() {
    const jobId = this.root.dataset.jobId;
    if (!jobId) return;
    try {
      this.render(await requestJson("POST", `${jobsUrl(this.project)}/${encodeURIComponent(jobId)}/cancel`));
    } catch (error) {
      this.showError(error.message);
    }
  }
}

/** The panel of a partial element, made on first use. */
export function loopJobPanel(root) {
  return root._loopJobPanel || new LoopJobPanel(root);
}

for (const root of document.querySelectorAll("[data-loop-job]")) loopJobPanel(root);

// Deployments page: tabs (test result / JSON, Python / curl), the deploy form's "replaces model X" hint and its
// "finds almost nothing" warning for the chosen model, the test panel's character count (code points, as the runtime
// counts), the snippets following the chosen deployment, and whether each deployment's model is loaded in the server
// yet (polled from status.json while one is loading; the texts come from the server). Every text is set with
// textContent; nothing here builds HTML.

const POLL_FAST_MS = 1000; // while a model loads (seconds)...
const POLL_SLOW_MS = 5000; // ...and after the first minute (a model past the cache bound loads on first call only)
const POLL_FAST_FOR_MS = 60_000;

function initTabs(list) {
  const tabs = [...list.querySelectorAll('[role="tab"]')];
  const select = (tab, focus = false) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      select(tabs[(index + step + tabs.length) % tabs.length], true);
    });
  });
}

function initDeployForm(form) {
  const deployed = JSON.parse(document.getElementById("deployed-models")?.textContent || "{}");
  const name = form.querySelector('[name="name"]');
  const model = form.querySelector('[name="model"]');
  const hint = form.querySelector("[data-replace-hint]");
  const button = form.querySelector("[data-deploy-button]");
  const update = () => {
    const current = Object.hasOwn(deployed, name.value.trim()) ? deployed[name.value.trim()] : null;
    hint.hidden = current === null;
    button.textContent = current === null ? "Deploy" : "Redeploy…";
    if (current === null) return;
    hint.textContent =
      current === model.value
        ? `“${name.value.trim()}” already serves ${current}; redeploying only updates its deployment time.`
        : `“${name.value.trim()}” serves ${current} now; deploying ${model.value} replaces it (you confirm next).`;
  };
  const warn = () => {
    for (const warning of form.querySelectorAll("[data-model-warning]")) {
      warning.hidden = warning.dataset.modelWarning !== model.value;
    }
  };
  name.addEventListener("input", update);
  model.addEventListener("change", update);
  model.addEventListener("change", warn);
  update();
  warn();
}

// Each deployment's model in the server process: {name: {state, badge, notice}}; calls `changed` on news.
function initLoadStates(changed) {
  const table = document.querySelector("[data-status-url]");
  const initial = document.getElementById("load-states");
  let states = JSON.parse(initial?.textContent || "{}");
  if (!table) return () => undefined;
  const started = Date.now();
  const show = () => {
    for (const row of table.querySelectorAll("tr[data-deployment]")) {
      const load = states[row.dataset.deployment];
      const badge = row.querySelector("[data-load-state]");
      if (!load || !badge) continue;
      badge.dataset.loadState = load.state;
      badge.className = `m-load m-load-${load.state}`;
      badge.textContent = load.badge;
    }
    changed();
  };
  const waiting = () => Object.values(states).some((load) => load.state === "loading" || load.state === "notLoaded");
  const schedule = () => {
    if (waiting()) setTimeout(poll, Date.now() - started < POLL_FAST_FOR_MS ? POLL_FAST_MS : POLL_SLOW_MS);
  };
  const poll = async () => {
    try {
      const response = await fetch(table.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const body = await response.json();
        states = Object.fromEntries(body.deployments.map((load) => [load.name, load]));
        show();
      }
    } catch {
      // A failed poll changes nothing; the next one tries again.
    }
    schedule();
  };
  schedule();
  return (name) => states[name];
}

function initTestForm(form, loadOf) {
  const text = form.querySelector("[data-test-text]");
  const count = form.querySelector("[data-char-count]");
  const limit = Number(text.dataset.maxCharacters);
  const showCount = () => {
    const length = [...text.value].length;
    count.textContent = length.toLocaleString("en-US");
    count.parentElement.classList.toggle("m-dep-over", length > limit);
  };
  text.addEventListener("input", showCount);
  showCount();

  const deployment = form.querySelector("[data-test-deployment]");
  const follow = () => {
    for (const slot of document.querySelectorAll("[data-snippet-deployment]")) slot.textContent = deployment.value;
  };
  deployment.addEventListener("change", follow);

  const notice = form.querySelector("[data-load-notice]");
  const ready = () => (loadOf(deployment.value)?.state ?? "ready") === "ready";
  const showNotice = () => {
    const text = loadOf(deployment.value)?.notice || "";
    notice.textContent = text;
    notice.hidden = !text;
  };
  deployment.addEventListener("change", showNotice);

  form.addEventListener("submit", () => {
    const run = form.querySelector("[data-run-button]");
    run.disabled = true;
    run.textContent = ready() ? "Running…" : "Loading the model…";
  });
  return showNotice;
}

for (const list of document.querySelectorAll("[data-tabs]")) initTabs(list);
const deployForm = document.querySelector("[data-deploy-form]");
if (deployForm) initDeployForm(deployForm);
const testForm = document.querySelector("[data-test-form]");
let showNotice = () => undefined;
const loadOf = initLoadStates(() => showNotice());
if (testForm) showNotice = initTestForm(testForm, loadOf);

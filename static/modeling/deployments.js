// Deployments page: tabs (test result / JSON, Python / curl), the deploy form's "replaces model X" hint, the test
// panel's character count (code points, as the runtime counts) and the snippets following the chosen deployment.
// Every text is set with textContent; nothing here builds HTML.

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
  name.addEventListener("input", update);
  model.addEventListener("change", update);
  update();
}

function initTestForm(form) {
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

  form.addEventListener("submit", () => {
    const run = form.querySelector("[data-run-button]");
    run.disabled = true;
    run.textContent = "Running…";
  });
}

for (const list of document.querySelectorAll("[data-tabs]")) initTabs(list);
const deployForm = document.querySelector("[data-deploy-form]");
if (deployForm) initDeployForm(deployForm);
const testForm = document.querySelector("[data-test-form]");
if (testForm) initTestForm(testForm);

// What the page tells the user about saving: the status line ("Saving…", "All changes saved",
// "Not saved — retrying in 4 s" with a Retry button) and dismissable messages.

/** Shows the save queue's state in `#save-status`; `root[data-pending]` mirrors the count for tests. */
export function showSaveState(root, { status, message, pending, retryIn }) {
  const box = document.getElementById("save-status");
  const label = document.getElementById("save-text");
  box.dataset.state = status;
  if (status === "saved") label.textContent = "All changes saved";
  else if (status === "saving") label.textContent = pending > 1 ? `Saving ${pending} changes\u2026` : "Saving\u2026";
  else label.textContent = `Not saved \u2014 retrying in ${Math.ceil(retryIn / 1000)} s`;
  box.title = message || "";
  document.getElementById("save-retry").hidden = status !== "retrying";
  root.dataset.pending = String(pending);
}

/** A toast in the corner: its message, any `actions` (buttons), and a dismiss button. */
function toastItem(message, className, role, actions = []) {
  const item = document.createElement("div");
  item.className = className;
  item.setAttribute("role", role);
  const body = document.createElement("span");
  body.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast-close";
  close.textContent = "\u00d7";
  close.setAttribute("aria-label", "Dismiss");
  close.addEventListener("click", () => item.remove());
  item.append(body, ...actions, close);
  document.getElementById("editor-alerts").append(item);
  return item;
}

/** A message in the corner: "error" ones are alerts and stay longer, "notice" ones are status. */
export function toast(message, kind) {
  const item = toastItem(message, `toast ${kind}`, kind === "error" ? "alert" : "status");
  setTimeout(() => item.remove(), kind === "error" ? 20000 : 5000);
}

/** An edit refused because someone changed the label since this page loaded it: says so and offers a reload
 *  (the page shows the label as the server has it only after one). */
export function conflictToast(message) {
  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "btn btn-sm";
  reload.textContent = "Reload";
  reload.addEventListener("click", () => window.location.reload());
  toastItem(message, "toast error conflict", "alert", [reload]);
}

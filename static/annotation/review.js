// The labeling view's review bar: a reviewer marks the document reviewed or sends it back with a comment.
// Plain buttons, so Tab reaches them and Enter or Space presses them; the server checks every request.

const root = document.getElementById("labeler");
const bar = document.getElementById("review-bar");
const NAMES = { reviewed: "Reviewed", needs_changes: "Needs changes", "": "Not reviewed" };

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : root.dataset.csrf;
}

function show(review) {
  const badge = document.getElementById("review-status");
  badge.textContent = NAMES[review.status] ?? review.status;
  badge.className = `badge review-${review.status || "none"}`;
  document.getElementById("review-by").textContent = review.by ? `by ${review.by}` : "";
}

function say(message) {
  document.getElementById("review-live").textContent = message;
  const alerts = document.getElementById("editor-alerts");
  if (!alerts) return;
  const item = document.createElement("div");
  item.className = "toast notice";
  item.setAttribute("role", "status");
  item.textContent = message;
  alerts.append(item);
  setTimeout(() => item.remove(), 5000);
}

async function send(status, comment) {
  let response;
  try {
    response = await fetch(`${root.dataset.api}/review`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ status, comment }),
    });
  } catch {
    say("Not saved: the server could not be reached.");
    return;
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    say(payload?.error?.message ?? `The server answered ${response.status}.`);
    return;
  }
  show(payload);
  say(status === "reviewed" ? "Marked reviewed." : "Sent back for changes.");
}

if (bar) {
  // Keep keys typed here away from the labeling shortcuts.
  bar.addEventListener("keydown", (event) => {
    if (event.target.closest("textarea")) event.stopPropagation();
  });
  document.getElementById("review-accept")?.addEventListener("click", () => send("reviewed", ""));
  document.getElementById("review-send-back")?.addEventListener("click", () => {
    const comment = document.getElementById("review-comment");
    if (!comment.value.trim()) {
      say("Say what needs to change first.");
      comment.focus();
      return;
    }
    send("needs_changes", comment.value);
  });
}

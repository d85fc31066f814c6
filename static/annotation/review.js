// The labeling view's review bar: a reviewer marks the document reviewed or sends it back with a comment.
// Plain buttons, so Tab reaches them and Enter or Space presses them; each action has a key too (listed in the
// `?` help): Alt+R marks reviewed, Alt+S sends back (it first goes to the comment box while that is empty;
// Ctrl+Enter there sends), Alt+A opens adjudication, Alt+H the label history. The server checks every request.
//
// A label change undoes "reviewed" on the server (`annotation.services.reviews`); once one of ours is saved, the
// bar asks the server for the review again and shows why it is back to labeled.

const root = document.getElementById("labeler");
const bar = document.getElementById("review-bar");
const NAMES = { reviewed: "Reviewed", needs_changes: "Needs changes", "": "Not reviewed" };
const LABEL_EDITS = new Set(["create", "delete", "retype"]);
const $ = (id) => document.getElementById(id);

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : root.dataset.csrf;
}

function show(review) {
  const badge = $("review-status");
  badge.textContent = NAMES[review.status] ?? review.status;
  badge.className = `badge review-${review.status || "none"}`;
  $("review-by").textContent = review.by && review.status ? `by ${review.by}` : "";
  const reopened = $("review-reopened");
  if (reopened) {
    reopened.textContent = review.note || "";
    reopened.hidden = !review.reopened;
  }
}

function say(message) {
  $("review-live").textContent = message;
  const alerts = $("editor-alerts");
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

/** Reads the review again (after a label change of ours, which may have undone "reviewed"). */
async function reload() {
  if (!$("review-status").classList.contains("review-reviewed")) return; // only "reviewed" is undone
  try {
    const response = await fetch(`${root.dataset.api}/review`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const review = await response.json();
    show(review);
    if (review.reopened) say(review.note);
  } catch {
    // The page shows the review as it was; the next label change asks again.
  }
}

function markReviewed() {
  send("reviewed", "");
}

/** Sends the document back with the comment, or first goes to the comment box while it is empty. */
function sendBack() {
  const comment = $("review-comment");
  if (!comment.value.trim()) {
    say("Say what needs to change first, then press Alt+S (or Ctrl+Enter) to send it back.");
    comment.focus();
    return;
  }
  send("needs_changes", comment.value);
}

/** The review keys (Alt+letter: no type shortcut takes them, and typing text never makes them). */
function reviewKey(event) {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false;
  if ($("editor-help")?.open) return false;
  const letter = event.code.startsWith("Key") ? event.code.slice(3).toLowerCase() : event.key.toLowerCase();
  const actions = {
    r: $("review-accept") && markReviewed,
    s: $("review-send-back") && sendBack,
    a: $("adjudicate-link") && (() => $("adjudicate-link").click()),
    h: $("history-link") && (() => $("history-link").click()),
  };
  const action = actions[letter];
  if (!action) return false;
  event.preventDefault();
  action();
  return true;
}

if (bar) {
  bar.addEventListener("keydown", (event) => {
    if (!event.target.closest("textarea")) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      sendBack();
    } else {
      reviewKey(event);
    }
    event.stopPropagation(); // keep keys typed here away from the labeling shortcuts
  });
  document.addEventListener("keydown", (event) => {
    if (!event.defaultPrevented) reviewKey(event);
  });
  $("review-accept")?.addEventListener("click", markReviewed);
  $("review-send-back")?.addEventListener("click", sendBack);
  // Our label edits, once saved (`editor-sync.js`), and labels another module changed on the server.
  document.addEventListener("editor:confirmed", (event) => {
    if (LABEL_EDITS.has(event.detail?.kind)) reload();
  });
  root.addEventListener("labels:refresh", () => setTimeout(reload, 300));
}

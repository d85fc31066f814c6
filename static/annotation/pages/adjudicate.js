// The adjudication page: sends the chosen final labels (code points, as the page has them from the server).
// Overlapping choices are refused by the server with its own message; nothing changes then.
const form = document.getElementById("adjudication");

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : form.dataset.csrf;
}

if (form) {
  const status = document.getElementById("adjudicate-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const labels = [];
    for (const row of form.querySelectorAll("tbody tr")) {
      const value = row.querySelector("select").value;
      if (value) labels.push([Number(row.dataset.start), Number(row.dataset.end), Number(value)]);
    }
    status.textContent = "Saving\u2026";
    let response;
    try {
      response = await fetch(form.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        // The labels' version as this page read them: a change since is refused (409), not overwritten.
        body: JSON.stringify({ labels, labelsVersion: form.dataset.labelsVersion }),
      });
    } catch {
      status.textContent = "Not saved: the server could not be reached.";
      return;
    }
    const payload = await response.json().catch(() => null);
    if (response.ok) form.dataset.labelsVersion = payload.labelsVersion;
    status.textContent = response.ok
      ? `Saved: the document now has ${payload.count} label${payload.count === 1 ? "" : "s"} and is reviewed.`
      : (payload?.error?.message ?? `The server answered ${response.status}.`);
  });
}

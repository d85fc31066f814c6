// A model's dashboard: sortable tables, the confusion matrix's raw/normalized toggle and the test set's
// "mismatches only" switch, which applies at once. Without this script the pages still show everything.
import { initHeatmap } from "./charts.js";

function sortValue(cell, type) {
  const raw = cell?.dataset.sort ?? cell?.textContent.trim() ?? "";
  return type === "number" ? Number(raw) : raw.toLocaleLowerCase();
}

function initSortable(table) {
  const headers = [...table.querySelectorAll("thead th")];
  const body = table.tBodies[0];
  headers.forEach((th, column) => {
    const button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", () => {
      const type = th.dataset.type || "text";
      // Numbers sort high to low first (best scores on top); names A to Z.
      const first = type === "number" ? "descending" : "ascending";
      const current = th.getAttribute("aria-sort");
      const direction = current === first ? (first === "ascending" ? "descending" : "ascending") : first;
      for (const other of headers) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", direction);
      const sign = direction === "ascending" ? 1 : -1;
      const rows = [...body.rows];
      rows.sort((a, b) => {
        const x = sortValue(a.cells[column], type);
        const y = sortValue(b.cells[column], type);
        return (x < y ? -1 : x > y ? 1 : 0) * sign;
      });
      body.append(...rows);
    });
  });
}

for (const table of document.querySelectorAll("table[data-sortable]")) initSortable(table);
for (const root of document.querySelectorAll("[data-heatmap]")) initHeatmap(root);
for (const form of document.querySelectorAll("form[data-autosubmit]")) {
  form.querySelector("[data-autosubmit-button]")?.setAttribute("hidden", "");
  for (const input of form.querySelectorAll("input[type=checkbox]")) {
    input.addEventListener("change", () => form.requestSubmit());
  }
}

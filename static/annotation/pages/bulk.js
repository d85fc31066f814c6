// Bulk selection on the documents list: "select all on this page", a live count, and buttons that wait for a
// selection. Without this script the checkboxes and buttons still work; the server checks every request.
const form = document.getElementById("bulk-form");
if (form) {
  const pageBox = document.getElementById("select-page");
  const scopeBox = document.getElementById("scope-filter");
  const count = document.getElementById("bulk-count");
  const boxes = [...form.querySelectorAll("input[name=ids]")];
  const buttons = [...form.querySelectorAll("[data-needs-selection]")];
  const total = Number(form.dataset.total || 0);

  const update = () => {
    const selected = boxes.filter((box) => box.checked).length;
    const all = scopeBox?.checked;
    if (pageBox) {
      pageBox.checked = selected > 0 && selected === boxes.length;
      pageBox.indeterminate = selected > 0 && selected < boxes.length;
    }
    if (count) {
      count.textContent = all
        ? `All ${total} documents selected`
        : selected
          ? `${selected} selected`
          : "Select documents to act on them";
    }
    for (const button of buttons) button.disabled = !all && selected === 0;
    form.classList.toggle("has-selection", Boolean(all || selected));
  };

  pageBox?.addEventListener("change", () => {
    for (const box of boxes) box.checked = pageBox.checked;
    if (!pageBox.checked && scopeBox) scopeBox.checked = false;
    update();
  });
  scopeBox?.addEventListener("change", () => {
    if (scopeBox.checked) for (const box of boxes) box.checked = true;
    update();
  });
  for (const box of boxes) {
    box.addEventListener("change", () => {
      if (!box.checked && scopeBox) scopeBox.checked = false;
      update();
    });
  }
  update();
}

// Typed confirmation: a form with data-typed-confirm="NAME" keeps its [data-confirm-submit] button disabled
// until the text input holds NAME exactly. The server checks the same thing; this only saves a round trip.
for (const form of document.querySelectorAll("form[data-typed-confirm]")) {
  const expected = form.dataset.typedConfirm;
  const input = form.querySelector("input[type=text], input:not([type])");
  const button = form.querySelector("[data-confirm-submit]");
  if (!input || !button) continue;
  const update = () => {
    button.disabled = input.value !== expected;
  };
  input.addEventListener("input", update);
  update();
}

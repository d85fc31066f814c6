// The train form: the train/test sliders always add up to 100, only the fields of the chosen model target and
// evaluation kind are shown, and the estimate of how long training takes follows the chosen config and split
// (the server words one per config and split, in "train-estimates"). The server checks everything again.
const form = document.querySelector("[data-train-form]");

if (form) {
  const train = form.querySelector("#id_train_percent");
  const test = form.querySelector("#id_test_percent");
  const trainOut = form.querySelector("#train-output");
  const testOut = form.querySelector("#test-output");
  const bar = form.querySelector("[data-split-train]");
  const estimateText = form.querySelector("[data-estimate]");
  const estimatesData = document.getElementById("train-estimates");
  const estimates = estimatesData ? JSON.parse(estimatesData.textContent) : {};

  const showEstimate = () => {
    const version = form.querySelector("input[name=config_version]:checked")?.value;
    const split = form.querySelector("input[name=split]:checked")?.value;
    const byConfig = estimates[version];
    if (!estimateText || !byConfig) return;
    const text = split === "manual" ? byConfig.manual : byConfig.percentage[train.value];
    if (text && estimateText.textContent !== text) estimateText.textContent = text;
  };

  const showSplit = (trainValue) => {
    const value = Math.min(99, Math.max(1, Number(trainValue)));
    train.value = String(value);
    test.value = String(100 - value);
    trainOut.textContent = `${value}%`;
    testOut.textContent = `${100 - value}%`;
    if (bar) bar.style.width = `${value}%`;
    showEstimate();
  };
  train?.addEventListener("input", () => showSplit(train.value));
  test?.addEventListener("input", () => showSplit(100 - Number(test.value)));

  const toggle = (name, attribute) => {
    const chosen = form.querySelector(`input[name=${name}]:checked`)?.value;
    for (const section of form.querySelectorAll(`[${attribute}]`)) {
      section.hidden = section.getAttribute(attribute) !== chosen;
    }
  };
  const update = () => {
    toggle("target", "data-show-for-target");
    toggle("split", "data-show-for-split");
    showEstimate();
  };
  for (const radio of form.querySelectorAll("input[name=target], input[name=split], input[name=config_version]")) {
    radio.addEventListener("change", update);
  }
  update();
}

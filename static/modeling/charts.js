// Charts for the modeling pages, drawn with plain SVG and CSS: the loss curve of a training job and the
// confusion-matrix heat map's raw/normalized toggle. No libraries; every function takes its elements.

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, text = "") {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text) node.textContent = text;
  return node;
}

// Round numbers for axis ticks: 0, 0.5, 1, ... or 0, 2, 4, ... depending on the range.
function niceStep(max, ticks) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice = residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1;
  return nice * magnitude;
}

function formatTick(value) {
  if (value === 0) return "0";
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return Number(value.toFixed(1)).toString();
  return Number(value.toPrecision(2)).toString();
}

/**
 * Draws the training loss per epoch (left axis) and, when the job has a dev set, the dev score (right
 * axis, 0-1) into `svg` (its viewBox gives the size).
 * @param {SVGSVGElement} svg
 * @param {{epoch: number, loss: number|null, dev_score: number|null}[]} curve
 * @param {number|null} totalEpochs while training, the x axis leaves room for the next epochs, up to this many
 * @param {{finished?: boolean}} options once the job has ended, the x axis ends at the last epoch
 */
export function drawLossCurve(svg, curve, totalEpochs = null, { finished = false } = {}) {
  const [, , width, height] = svg.getAttribute("viewBox").split(" ").map(Number);
  const margin = { top: 16, right: 48, bottom: 36, left: 52 };
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  svg.replaceChildren();

  const points = curve.filter((p) => typeof p.loss === "number" && Number.isFinite(p.loss));
  const dev = curve.filter((p) => typeof p.dev_score === "number" && Number.isFinite(p.dev_score));
  if (!points.length) {
    svg.append(
      el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "m-curve-empty" },
        "The curve appears after the first epoch."),
    );
    svg.dataset.points = "0";
    return;
  }

  const lastEpoch = Math.max(...curve.map((p) => p.epoch));
  const ahead = totalEpochs ? Math.min(totalEpochs, Math.max(lastEpoch + 2, 5)) : lastEpoch + 1;
  const maxEpoch = Math.max(2, finished ? lastEpoch : ahead);
  const maxLoss = Math.max(...points.map((p) => p.loss)) || 1;
  const yStep = niceStep(maxLoss * 1.05, 4);
  const yMax = Math.ceil((maxLoss * 1.05) / yStep) * yStep;
  const x = (epoch) => margin.left + ((epoch - 1) / (maxEpoch - 1)) * innerW;
  const y = (loss) => margin.top + innerH - (loss / yMax) * innerH;
  const yDev = (score) => margin.top + innerH - score * innerH;

  const grid = el("g", { class: "m-curve-grid" });
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    grid.append(el("line", { x1: margin.left, x2: margin.left + innerW, y1: y(v), y2: y(v) }));
    grid.append(el("text", { x: margin.left - 8, y: y(v) + 4, "text-anchor": "end" }, formatTick(v)));
  }
  const xStep = Math.max(1, Math.ceil((maxEpoch - 1) / 8));
  for (let e = 1; e <= maxEpoch; e += xStep) {
    grid.append(el("text", { x: x(e), y: margin.top + innerH + 18, "text-anchor": "middle" }, String(e)));
  }
  grid.append(el("text", { x: margin.left + innerW / 2, y: height - 4, "text-anchor": "middle", class: "m-axis-title" }, "Epoch"));
  grid.append(
    el("text", { x: 14, y: margin.top + innerH / 2, "text-anchor": "middle", class: "m-axis-title",
      transform: `rotate(-90 14 ${margin.top + innerH / 2})` }, "Loss"),
  );
  if (dev.length) {
    for (const v of [0, 0.5, 1]) {
      grid.append(el("text", { x: margin.left + innerW + 8, y: yDev(v) + 4, class: "m-dev-tick" }, `${v * 100}%`));
    }
  }
  svg.append(grid);
  svg.append(el("line", { x1: margin.left, x2: margin.left + innerW, y1: y(0), y2: y(0), class: "m-curve-axis" }));

  const line = (data, fx, fy) => data.map((p, i) => `${i ? "L" : "M"}${fx(p).toFixed(1)},${fy(p).toFixed(1)}`).join(" ");
  const area = `${line(points, (p) => x(p.epoch), (p) => y(p.loss))} L${x(points.at(-1).epoch).toFixed(1)},${y(0)} L${x(points[0].epoch).toFixed(1)},${y(0)} Z`;
  svg.append(el("path", { d: area, class: "m-curve-area" }));
  svg.append(el("path", { d: line(points, (p) => x(p.epoch), (p) => y(p.loss)), class: "m-curve-loss" }));
  for (const p of points) {
    const dot = el("circle", { cx: x(p.epoch), cy: y(p.loss), r: 3.5, class: "m-curve-dot" });
    dot.append(el("title", {}, `Epoch ${p.epoch}: loss ${p.loss.toFixed(4)}`));
    svg.append(dot);
  }
  if (dev.length) {
    svg.append(el("path", { d: line(dev, (p) => x(p.epoch), (p) => yDev(p.dev_score)), class: "m-curve-dev" }));
    for (const p of dev) {
      const dot = el("circle", { cx: x(p.epoch), cy: yDev(p.dev_score), r: 3, class: "m-curve-dev-dot" });
      dot.append(el("title", {}, `Epoch ${p.epoch}: dev score ${(p.dev_score * 100).toFixed(1)}%`));
      svg.append(dot);
    }
  }
  svg.dataset.points = String(points.length);
}

/**
 * The confusion matrix shows normalized values (percent of the row) or raw counts; each cell carries both
 * (data-normalized, data-raw) and its heat (0-1) for each, set as the CSS variable --heat.
 * @param {HTMLElement} root an element holding the radios (name=matrix-mode) and the table
 */
export function initHeatmap(root) {
  const table = root.querySelector("table");
  if (!table) return;
  const caption = root.querySelector("[data-caption-mode]");
  const legendMax = root.querySelector("[data-legend-max]");
  const maxRaw = Math.max(0, ...[...table.querySelectorAll("td[data-raw]")].map((td) => Number(td.dataset.raw.replace(/,/g, ""))));
  const apply = (mode) => {
    table.dataset.mode = mode;
    for (const td of table.querySelectorAll("td[data-raw]")) {
      td.textContent = mode === "raw" ? td.dataset.raw : td.dataset.normalized;
      td.style.setProperty("--heat", mode === "raw" ? td.dataset.rawHeat : td.dataset.normalizedHeat);
    }
    if (caption) caption.textContent = mode === "raw" ? "raw counts" : "percent of each row";
    if (legendMax) legendMax.textContent = mode === "raw" ? String(maxRaw) : "100%";
  };
  for (const radio of root.querySelectorAll("input[name=matrix-mode]")) {
    radio.addEventListener("change", () => radio.checked && apply(radio.value));
    if (radio.checked) apply(radio.value);
  }
}

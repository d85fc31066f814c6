// Suggestions in the labeling view: a model's predicted entities for the open document, drawn over the text with
// a dashed underline (CSS Custom Highlights, so the editor's text and labels are left exactly as they are), the
// model's confidence on hover. Keys: `;` / `:` next / previous suggestion, `=` (or `+`) accepts the current one,
// `-` rejects it; the bar's buttons accept every suggestion at or above a threshold, or reject them all.
// A suggestion is not a label: accepting one asks the server to make it one (`modeling/apis/suggestions.py`),
// then the editor fetches its labels again. A suggestion under a label is never shown: the person's label wins.
//
// The editor (`static/annotation/editor.js`) shares `root.editorLabels` and the events "labels:changed",
// "labels:refresh" and "editor:ready"; the text's DOM is read as `TextView` documents it (blocks and segments
// carrying their UTF-16 range in `data-s`/`data-e`, one text node per segment).

import { OffsetMap } from "../annotation/offsets.js";
import { requestJson } from "./loop-job.js";

const HIGHLIGHT = "studio-suggestion";
const CURRENT = "studio-suggestion-current";
const LOADING_RETRY_MS = 1000;

const root = document.getElementById("labeler");
const bar = document.getElementById("suggestion-bar");
const config = JSON.parse(document.getElementById("suggestion-data").textContent);
const editorData = JSON.parse(document.getElementById("editor-data").textContent);
const offsets = new OffsetMap(editorData.text);
const $ = (id) => document.getElementById(id);

let container = null; // #doc-text
let suggestions = []; // {id, start, end (UTF-16), category, confidence, source}, by start
let current = -1; // index in `suggestions` of the current one
let drawQueued = false;

const percent = (confidence) => `${Math.round(confidence * 100)}%`;

function fromWire(suggestion) {
  return { ...suggestion, ...offsets.spanToUnits(suggestion) };
}

/** Suggestions under a label (drawn since, by this user or another) are dropped: the label wins. */
function dropCovered() {
  const labels = root.editorLabels || [];
  const covered = (s) => labels.some((label) => label.start < s.end && s.start < label.end);
  const before = suggestions[current];
  suggestions = suggestions.filter((s) => !covered(s));
  current = before ? suggestions.indexOf(before) : -1;
  if (current < 0 && suggestions.length) current = 0;
}

function setSuggestions(list) {
  suggestions = list.map(fromWire).sort((a, b) => a.start - b.start || a.end - b.end);
  current = suggestions.length ? 0 : -1;
  dropCovered();
  render();
}

// ---------------------------------------------------------------- the text

function blockAt(offset) {
  const blocks = container.children;
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (+blocks[mid].dataset.s <= offset) lo = mid;
    else hi = mid - 1;
  }
  return blocks[lo];
}

/** `[textNode, offsetInNode]` of a UTF-16 offset, or null while its block is not drawn. `atEnd`: the end of a
 * range (the segment that ends there, not the one that starts there). */
function pointAt(offset, atEnd) {
  const block = blockAt(atEnd ? offset - 1 : offset);
  if (!block || !block.dataset.filled) return null;
  for (const segment of block.children) {
    const s = +segment.dataset.s;
    const e = +segment.dataset.e;
    if (atEnd ? s < offset && offset <= e : s <= offset && offset < e) return [segment.firstChild, offset - s];
  }
  return null;
}

function rangeOf(suggestion) {
  const start = pointAt(suggestion.start, false);
  const end = pointAt(suggestion.end, true);
  if (!start || !end) return null;
  const range = document.createRange();
  range.setStart(...start);
  range.setEnd(...end);
  return range;
}

/** Redraws the highlights (after the suggestions, the labels or the text's blocks changed), once a frame. */
function draw() {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => {
    drawQueued = false;
    if (!window.CSS || !CSS.highlights) return;
    const all = new Highlight();
    const focus = new Highlight();
    focus.priority = 1;
    suggestions.forEach((suggestion, index) => {
      const range = rangeOf(suggestion);
      if (!range) return;
      all.add(range);
      if (index === current) focus.add(range.cloneRange());
    });
    CSS.highlights.set(HIGHLIGHT, all);
    CSS.highlights.set(CURRENT, focus);
    container.dataset.suggestionsDrawn = String(all.size);
  });
}

/** The suggestion under the pointer, or null. */
function suggestionAt(x, y) {
  let node = null;
  let offset = 0;
  if (document.caretPositionFromPoint) {
    const position = document.caretPositionFromPoint(x, y);
    if (position) [node, offset] = [position.offsetNode, position.offset];
  } else if (document.caretRangeFromPoint) {
    const range = document.caretRangeFromPoint(x, y);
    if (range) [node, offset] = [range.startContainer, range.startOffset];
  }
  if (!node || node.nodeType !== Node.TEXT_NODE || !container.contains(node)) return null;
  const at = +node.parentElement.dataset.s + offset;
  for (const suggestion of suggestions) {
    if (suggestion.start > at) break;
    if (at > suggestion.end) continue;
    const range = rangeOf(suggestion);
    const hit = range && [...range.getClientRects()].some((r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom);
    if (hit) return suggestion;
  }
  return null;
}

function describe(suggestion) {
  const text = editorData.text.slice(suggestion.start, suggestion.end);
  const shown = text.length > 40 ? `${text.slice(0, 39)}\u2026` : text;
  return { text: shown, line: `${suggestion.category} \u00b7 ${percent(suggestion.confidence)} confidence` };
}

function showTip(suggestion, x, y) {
  const tip = $("sug-tip");
  if (!suggestion) {
    tip.hidden = true;
    return;
  }
  const { text, line } = describe(suggestion);
  tip.replaceChildren();
  const strong = document.createElement("strong");
  strong.textContent = line;
  const from = document.createElement("span");
  from.textContent = `\u201c${text}\u201d, suggested by ${suggestion.source}`;
  tip.append(strong, from);
  tip.dataset.suggestionId = String(suggestion.id);
  tip.hidden = false;
  tip.style.left = `${Math.min(x + 12, window.innerWidth - tip.offsetWidth - 8)}px`;
  tip.style.top = `${y + 16}px`;
}

// ---------------------------------------------------------------- the bar

function status(message, kind = "") {
  const node = $("sug-status");
  node.textContent = message;
  node.dataset.kind = kind;
}

function render() {
  const n = suggestions.length;
  bar.dataset.count = String(n);
  $("sug-count").textContent = n ? `${n} suggestion${n === 1 ? "" : "s"}` : "No suggestions";
  const chosen = suggestions[current];
  const label = $("sug-current");
  if (chosen) {
    const { text, line } = describe(chosen);
    label.textContent = `${current + 1} of ${n}: \u201c${text}\u201d \u2192 ${line}`;
  } else {
    label.textContent = "";
  }
  for (const id of ["sug-accept", "sug-reject"]) $(id).disabled = !chosen;
  for (const id of ["sug-accept-above", "sug-reject-all"]) $(id).disabled = n === 0;
  draw();
}

function focusOn(index, scroll = true) {
  if (!suggestions.length) return;
  current = (index + suggestions.length) % suggestions.length;
  render();
  if (scroll) {
    const range = rangeOf(suggestions[current]);
    const element = range && range.startContainer.parentElement;
    if (element) element.scrollIntoView({ block: "center" });
  }
}

function sourceBody() {
  const [kind, ...rest] = $("sug-source").value.split(":");
  const name = rest.join(":");
  return kind === "deployment" ? { deploymentName: name } : { modelLabel: name };
}

async function predict() {
  if (!$("sug-source").value) return;
  const asked = $("sug-source").value;
  status("Predicting\u2026", "busy");
  const started = performance.now();
  try {
    for (;;) {
      const answer = await requestJson("POST", config.api, sourceBody());
      if ($("sug-source").value !== asked) return; // another model was chosen meanwhile
      if (answer.status === "loading") {
        status(answer.message, "busy");
        await new Promise((resolve) => setTimeout(resolve, LOADING_RETRY_MS));
        continue;
      }
      setSuggestions(answer.value);
      const ms = Math.round(performance.now() - started);
      bar.dataset.predictedMs = String(ms);
      status(`${answer.value.length} from ${answer.source}`);
      return;
    }
  } catch (error) {
    status(error.message, "error");
  }
}

/** After the server changed labels: the editor fetches them; the suggestions taken are gone. */
function labelsChanged() {
  root.dispatchEvent(new CustomEvent("labels:refresh"));
}

async function decide(decision) {
  const chosen = suggestions[current];
  if (!chosen) return;
  try {
    await requestJson("POST", `${config.api}/${chosen.id}/${decision}`);
    status(decision === "accept" ? `Accepted \u201c${describe(chosen).text}\u201d` : "Rejected");
    if (decision === "accept") labelsChanged();
  } catch (error) {
    status(error.message, "error"); // taken meanwhile (a label over it, someone decided it): not offered any more
  }
  const index = suggestions.indexOf(chosen);
  if (index >= 0) suggestions.splice(index, 1);
  current = suggestions.length ? Math.min(index, suggestions.length - 1) : -1;
  render();
}

async function decideAll(decision) {
  const threshold = Number($("sug-threshold").value);
  if (decision === "accept" && !(threshold >= 0 && threshold <= 1)) {
    status("The threshold is a confidence from 0 to 1.", "error");
    return;
  }
  try {
    const body = decision === "accept" ? { threshold } : undefined;
    const answer = await requestJson("POST", `${config.api}/${decision}`, body);
    if (decision === "accept") {
      status(`Accepted ${answer.accepted} suggestion${answer.accepted === 1 ? "" : "s"} at or above ${percent(threshold)}`);
      labelsChanged();
    } else {
      status(`Rejected ${answer.rejected}`);
    }
    setSuggestions((await requestJson("GET", config.api)).value);
  } catch (error) {
    status(error.message, "error");
  }
}

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
}

function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if ($("editor-help")?.open) return;
  const actions = {
    ";": () => focusOn(current + 1),
    ":": () => focusOn(current - 1),
    "=": () => decide("accept"),
    "+": () => decide("accept"),
    "-": () => decide("reject"),
  };
  const action = actions[event.key];
  if (!action || !suggestions.length) return;
  event.preventDefault();
  action();
}

function init() {
  container = $("doc-text");
  document.body.append($("sug-tip")); // fixed to the window, not to the sticky toolbar it was rendered in
  new MutationObserver(draw).observe(container, { childList: true, subtree: true });
  root.addEventListener("labels:changed", () => {
    dropCovered();
    render();
  });
  container.addEventListener("mousemove", (event) => showTip(suggestionAt(event.clientX, event.clientY), event.clientX, event.clientY));
  container.addEventListener("mouseleave", () => showTip(null));
  container.addEventListener("click", (event) => {
    if (!window.getSelection().isCollapsed) return;
    const hit = suggestionAt(event.clientX, event.clientY);
    if (hit) focusOn(suggestions.indexOf(hit), false);
  });
  $("sug-source").addEventListener("change", predict);
  $("sug-accept").addEventListener("click", () => decide("accept"));
  $("sug-reject").addEventListener("click", () => decide("reject"));
  $("sug-accept-above").addEventListener("click", () => decideAll("accept"));
  $("sug-reject-all").addEventListener("click", () => decideAll("reject"));
  document.addEventListener("keydown", onKey);
  setSuggestions(config.suggestions);
  bar.dataset.ready = "1";
}

if (bar) {
  if (root.dataset.ready) init();
  else root.addEventListener("editor:ready", init, { once: true });
}

// The labeling view: select text, press a type's key (or click it), and the label is saved at once.
//
// This module wires the parts together: `LabelStore` (labels and edits), `TextView` (the text),
// `SideList`/`Popover` (panels), `SaveQueue` (saving), `History` (undo). Labels are kept in UTF-16 offsets,
// the page's unit; `LabelApi` converts to the API's code points through `offsets.js`.

import { LabelApi } from "./editor-api.js";
import { installTypeStyles } from "./editor-colors.js";
import { History } from "./editor-history.js";
import { Popover, SideList } from "./editor-panels.js";
import { exactSpan, snapToWords } from "./editor-snap.js";
import { showSaveState, toast } from "./editor-status.js";
import { LabelStore } from "./editor-store.js";
import { SaveQueue } from "./editor-sync.js";
import { TextView } from "./editor-text.js";
import { OffsetMap } from "./offsets.js";

const REFRESH_MS = 15000;

const data = JSON.parse(document.getElementById("editor-data").textContent);
const root = document.getElementById("labeler");
const $ = (id) => document.getElementById(id);
const text = data.text;
const canLabel = data.canLabel;

const types = new Map(data.entityTypes.map((t) => [t.id, t]));
const byKey = new Map(data.entityTypes.filter((t) => t.key).map((t) => [t.key, t]));
const typeName = (id) => types.get(id)?.name ?? "?";
const alertUser = (message) => toast(message, "error");
const notify = (message) => toast(message, "notice");

const api = new LabelApi(root.dataset.api, root.dataset.csrf, new OffsetMap(text));
const sorted = [];
const view = new TextView($("doc-text"), text, sorted, typeName);
const queue = new SaveQueue((state) => showSaveState(root, state));
const side = new SideList($("side-scroll"), $("side-list"), $("side-count"), $("side-empty"), {
  text,
  labels: sorted,
  typeName,
  onPick: (key) => reveal(key),
});
const store = new LabelStore({
  sorted,
  api,
  view,
  queue,
  username: data.username,
  on: {
    list: () => side.schedule(),
    count: (typeId, n) => {
      const badge = document.querySelector(`.palette [data-type-id="${typeId}"] .count`);
      if (badge) badge.textContent = String(n);
    },
    removed: (key) => {
      if (popover.key === key) closePopover();
    },
    retyped: (key) => {
      if (popover.key === key) openPopover(key);
    },
    alert: alertUser,
    notify,
  },
});
const history = new History(
  (entry, direction) => store.replay(entry, direction),
  () => {
    if ($("undo")) $("undo").disabled = !history.canUndo;
    if ($("redo")) $("redo").disabled = !history.canRedo;
  },
);
store.history = history;
const popover = new Popover($("label-popover"), {
  types,
  canLabel,
  onRetype: (key, typeId) => store.retype(key, typeId),
  onRemove: (key) => store.remove(key),
  onClose: () => closePopover(),
});

// ---------------------------------------------------------------- selection

let selection = null; // {start, end} in UTF-16, after snapping

function readSelection() {
  const native = window.getSelection();
  if (!native.rangeCount || native.isCollapsed) return setSelection(null);
  const range = native.getRangeAt(0);
  if (!range.intersectsNode(view.container)) return setSelection(null);
  const start = view.offsetOf(range.startContainer, range.startOffset);
  const end = view.offsetOf(range.endContainer, range.endOffset);
  if (start === null || end === null || start >= end) return setSelection(null);
  const snap = $("snap") ? $("snap").checked : true;
  const span = snap ? snapToWords(text, start, end) : exactSpan(text, start, end);
  if (span && (span.start !== start || span.end !== end)) {
    native.removeAllRanges();
    native.addRange(view.range(span.start, span.end)); // show what will be labeled
  }
  setSelection(span);
}

function setSelection(span) {
  selection = span;
  const hint = $("selection-hint");
  if (!hint) return;
  if (span) {
    const shown = text.slice(span.start, span.end).replace(/\s*\n\s*/g, " \u21b5 ");
    const quoted = shown.length > 60 ? `${shown.slice(0, 59)}\u2026` : shown;
    hint.textContent = `\u201c${quoted}\u201d \u2014 press a key or click a type`;
  } else {
    hint.textContent = "Select text, then press a type's key";
  }
  root.classList.toggle("has-selection", !!span);
}

function clearSelection() {
  window.getSelection().removeAllRanges();
  setSelection(null);
}

/** A type's key or palette button: labels the selection, or retypes the open label. */
function applyType(typeId) {
  readSelection(); // the selection as it is now, whatever events came before
  if (selection) {
    const { start, end } = selection;
    clearSelection();
    store.create(typeId, start, end);
  } else if (popover.open) {
    store.retype(popover.key, typeId);
  } else {
    notify("Select some text first, or click a label to change its type.");
  }
}

// ---------------------------------------------------------------- the open label

function openPopover(key) {
  const label = store.get(key);
  const mark = label && view.markOf(label);
  if (!mark) return;
  for (const active of view.container.querySelectorAll("mark.active")) active.classList.remove("active");
  mark.classList.add("active");
  popover.show(label, mark, text);
  side.highlight(key, store.position(label.start));
}

function closePopover() {
  for (const active of view.container.querySelectorAll("mark.active")) active.classList.remove("active");
  popover.hide();
  side.highlight(null);
}

function reveal(key) {
  const label = store.get(key);
  const mark = label && view.markOf(label);
  if (!mark) return;
  mark.scrollIntoView({ block: "center" });
  openPopover(key);
}

/** Opens the previous or next label (`,` and `.`). */
function step(direction) {
  if (sorted.length === 0) return;
  const current = popover.open ? sorted.indexOf(store.get(popover.key)) : -1;
  let index = direction > 0 ? 0 : sorted.length - 1;
  if (current >= 0) index = Math.min(sorted.length - 1, Math.max(0, current + direction));
  reveal(sorted[index].key);
}

// ---------------------------------------------------------------- documents

/** Goes to another document once pending edits are saved (or after 5 s; the unload warning then asks). */
async function go(href) {
  if (!href) return;
  if (!queue.idle) await Promise.race([queue.whenIdle(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  window.location.assign(href);
}

function setDataset(select) {
  const value = select.value;
  const before = select.dataset.saved;
  select.dataset.saved = value;
  queue.push({
    kind: "dataset",
    send: () => api.setDataset(value),
    refused: (error) => {
      select.value = before;
      select.dataset.saved = before;
      alertUser(error.message);
    },
  });
}

// ---------------------------------------------------------------- keys

function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName);
}

function onKey(event) {
  const help = $("editor-help");
  const key = event.key;
  if (key === "Escape") {
    if (popover.open) closePopover();
    else clearSelection();
    return;
  }
  if (typing(event.target) || (help && help.open)) return;
  const mod = event.ctrlKey || event.metaKey;
  if (mod && !event.altKey) {
    const lower = key.toLowerCase();
    if (!canLabel || (lower !== "z" && lower !== "y")) return;
    event.preventDefault();
    if (lower === "z" && !event.shiftKey) history.undo();
    else history.redo();
    return;
  }
  if (event.altKey && !mod && (key === "ArrowLeft" || key === "ArrowRight")) {
    event.preventDefault(); // Alt+Left is also the browser's Back
    go((key === "ArrowLeft" ? $("prev-doc") : $("next-doc"))?.getAttribute("href"));
    return;
  }
  if (mod || event.altKey) return;
  if (key === "[" || key === "<") go($("prev-doc")?.getAttribute("href"));
  else if (key === "]" || key === ">") go($("next-doc")?.getAttribute("href"));
  else if (key === ",") step(-1);
  else if (key === ".") step(+1);
  else if (key === "?") help?.showModal();
  else if ((key === "Delete" || key === "Backspace") && canLabel && popover.open) {
    event.preventDefault();
    store.remove(popover.key);
  } else if (canLabel && byKey.has(key.toLowerCase())) {
    event.preventDefault();
    applyType(byKey.get(key.toLowerCase()).id);
  }
}

// ---------------------------------------------------------------- start

function wire() {
  view.container.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.ent");
    if (mark && window.getSelection().isCollapsed) openPopover(mark.dataset.k);
  });
  document.addEventListener("mouseup", (event) => {
    if (event.target.closest && event.target.closest("#label-popover, .palette, .lab-tools")) return;
    readSelection();
  });
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey && event.key.startsWith("Arrow")) readSelection();
  });
  document.addEventListener("mousedown", (event) => {
    if (popover.open && !event.target.closest("#label-popover, mark.ent, .side-item")) closePopover();
  });
  document.addEventListener("keydown", onKey);

  for (const button of document.querySelectorAll(".palette button[data-type-id]")) {
    button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the text selection
    button.addEventListener("click", () => applyType(+button.dataset.typeId));
  }
  $("undo")?.addEventListener("click", () => history.undo());
  $("redo")?.addEventListener("click", () => history.redo());
  $("save-retry").addEventListener("click", () => queue.retryNow());
  $("help-open")?.addEventListener("click", () => $("editor-help").showModal());
  const snap = $("snap");
  if (snap) {
    snap.checked = localStorage.getItem("studio.snap") !== "off";
    snap.addEventListener("change", () => localStorage.setItem("studio.snap", snap.checked ? "on" : "off"));
  }
  for (const id of ["prev-doc", "next-doc"]) {
    $(id)?.addEventListener("click", (event) => {
      event.preventDefault();
      go(event.currentTarget.getAttribute("href"));
    });
  }
  const dataset = $("dataset");
  if (dataset) {
    dataset.dataset.saved = dataset.value;
    dataset.addEventListener("change", () => setDataset(dataset));
  }

  const historyKey = `studio.history.${data.id}`;
  history.load(historyKey);
  window.addEventListener("pagehide", () => history.save(historyKey, (key) => store.reloadKey(key)));
  window.addEventListener("beforeunload", (event) => {
    if (!queue.idle) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  setInterval(() => {
    if (document.visibilityState === "visible") store.refresh();
  }, REFRESH_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") store.refresh();
  });
  setInterval(() => {
    if (queue.timer !== null) queue.report(); // the retry countdown
  }, 1000);
  const sticky = document.querySelector(".lab-sticky");
  if (sticky) {
    new ResizeObserver(() => root.style.setProperty("--sticky-h", `${sticky.offsetHeight}px`)).observe(sticky);
  }
}

function start() {
  installTypeStyles(types.values());
  store.load(data.labels.map((wire) => ({ ...api.fromWire(wire), key: `s${wire.id}` })));
  view.build(() => (root.dataset.filled = "1"));
  for (const type of types.values()) store.count(type.id, 0);
  root.dataset.ready = "1";
  root.dataset.readyMs = String(Math.round(performance.now()));
  // The side list waits for the text's first frame: the text is what people look at first.
  requestAnimationFrame(() =>
    setTimeout(() => {
      root.dataset.paintedMs = String(Math.round(performance.now()));
      side.render();
    }),
  );
  wire();
  showSaveState(root, { status: "saved", message: "", pending: 0, retryIn: 0 });
  setSelection(null);
}

start();

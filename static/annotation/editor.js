// The labeling view: select text (with the mouse, or the token cursor from the keyboard), press a type's key
// (or click it), and the label is saved at once. A type picked with nothing selected is a brush: every
// selection after it gets that type, until Esc.
//
// This module wires the parts together: `LabelStore` (labels and edits), `TextView` (the text),
// `PageSelection` (what a key labels), `TokenCursor` (selecting from the keyboard), `SnapUnits` (word snapping),
// `SideList`/`Popover` (panels), `SaveQueue` (saving), `History` (undo). Labels are kept in UTF-16 offsets, the page's unit; `LabelApi` and `SnapUnits`
// convert from the API's code points through `offsets.js`.

import { LabelApi } from "./editor-api.js";
import { installTypeStyles } from "./editor-colors.js";
import { TokenCursor } from "./editor-cursor.js";
import { History } from "./editor-history.js";
import { Popover, SideList } from "./editor-panels.js";
import { PageSelection } from "./editor-selection.js";
import { SnapUnits } from "./editor-snap.js";
import { conflictToast, showSaveState, toast } from "./editor-status.js";
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
let quietRefresh = false; // a refresh another module asked for brings its user's own change: no "other people" news

const offsets = new OffsetMap(text);
const api = new LabelApi(root.dataset.api, root.dataset.csrf, offsets);
const units = new SnapUnits(data.snapUnits, offsets);
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
  version: data.labelsVersion,
  on: {
    list: () => {
      side.schedule();
      cursor.paint(); // the text's nodes under the cursor may have been replaced
      root.dispatchEvent(new CustomEvent("labels:changed"));
    },
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
    notify: (message) => quietRefresh || notify(message),
    conflict: conflictToast,
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
let brush = null; // brush mode: the type every selection gets, or null
const selection = new PageSelection(view, units, {
  root,
  snapping: $("snap"),
  hint: $("selection-hint"),
  action: (selected) => {
    if (!selected) return brush === null ? "Select text, then press a type's key" : "";
    return brush === null ? "press a key or click a type" : `Enter labels it ${typeName(brush)}`;
  },
});
const cursor = new TokenCursor(view, units, {
  live: $("cursor-status"),
  select: (span) => {
    if (popover.open) closePopover();
    selection.show(span);
  },
  describe: (offset) => {
    const label = labelAt(offset);
    return label ? `${typeName(label.typeId)} label` : "";
  },
  topInset: () => document.querySelector(".lab-sticky")?.offsetHeight ?? 0,
});
selection.cursor = cursor;

// ---------------------------------------------------------------- labeling the selection

function labelSelection(typeId) {
  const { start, end } = selection.span;
  selection.clear();
  store.create(typeId, start, end);
}

/** A type's key or palette button: labels the selection, retypes the open label, or else picks the brush. */
function applyType(typeId) {
  if (selection.read()) labelSelection(typeId); // the selection as it is now, whatever events came before
  else if (popover.open) store.retype(popover.key, typeId);
  else setBrush(brush === typeId ? null : typeId);
}

/** Brush mode: every selection gets type `typeId` until Esc (null: off). */
function setBrush(typeId) {
  brush = typeId;
  for (const button of document.querySelectorAll(".palette button[data-type-id]")) {
    button.setAttribute("aria-pressed", String(+button.dataset.typeId === typeId));
  }
  const status = $("brush-status");
  if (status) {
    status.textContent =
      typeId === null ? "" : `Brush: every selection becomes ${typeName(typeId)} \u2014 Esc stops`;
  }
  root.classList.toggle("brushing", typeId !== null);
  selection.refresh();
}

/** The label over UTF-16 offset `offset`, or null. */
function labelAt(offset) {
  const label = sorted[store.position(offset + 1) - 1];
  return label && label.start <= offset && offset < label.end ? label : null;
}

/** Enter in the text: labels the selection with the brush, or opens the label under the cursor. */
function enter() {
  if (selection.read() && brush !== null) return labelSelection(brush);
  const label = cursor.caret !== null && labelAt(units.starts[cursor.caret]);
  if (label) reveal(label.key);
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
  selection.clear(); // a type's key now retypes the label
  cursor.placeAt(label.start);
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

/** Saves a document field picked in the header (`dataset`, `language`); a refusal puts the old value back. */
function saveSelect(select, kind, send, onChange = () => {}) {
  const value = select.value;
  const before = select.dataset.saved;
  select.dataset.saved = value;
  onChange(value);
  queue.push({
    kind,
    send: () => send(value),
    refused: (error) => {
      select.value = before;
      select.dataset.saved = before;
      onChange(before);
      alertUser(error.message);
    },
  });
}

/** The text is read (spell-checking, screen readers, fonts) in the document's language. */
function showLanguage(language) {
  view.container.setAttribute("lang", language);
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
    if (popover.open) {
      closePopover();
    } else {
      selection.clear();
      setBrush(null);
    }
    return;
  }
  if (typing(event.target) || (help && help.open)) return;
  if (event.target === view.container) {
    if (cursor.key(event)) return;
    if (key === "Enter" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      enter();
      return;
    }
  }
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
  let pressedInText = false;
  document.addEventListener("mouseup", (event) => {
    if (event.target.closest && event.target.closest("#label-popover, .palette, .lab-tools")) return;
    if (selection.read() && brush !== null && pressedInText) labelSelection(brush);
  });
  document.addEventListener("keyup", (event) => {
    // Shift+arrows outside the text extend a mouse selection natively; in the text the cursor has them.
    if (event.shiftKey && event.key.startsWith("Arrow") && event.target !== view.container) selection.read();
  });
  document.addEventListener("mousedown", (event) => {
    pressedInText = view.container.contains(event.target);
    if (popover.open && !event.target.closest("#label-popover, mark.ent, .side-item")) closePopover();
  });
  view.container.addEventListener("focus", () => {
    if (view.container.matches(":focus-visible")) cursor.start(); // from the keyboard, not a click
    cursor.paint();
  });
  view.container.addEventListener("blur", () => cursor.paint());
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
    dataset.addEventListener("change", () => saveSelect(dataset, "dataset", (value) => api.setDataset(value)));
  }
  const language = $("language");
  if (language) {
    language.dataset.saved = language.value;
    language.addEventListener("change", () =>
      saveSelect(language, "language", (value) => api.setLanguage(value), showLanguage),
    );
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

// Other modules on this page (the suggestions of `static/modeling/suggestions.js`) read the labels from
// `root.editorLabels` (UTF-16, sorted; "labels:changed" says when they change), may ask for them to be fetched
// again ("labels:refresh", after they changed them on the server) and wait for "editor:ready".

function bridge() {
  root.editorLabels = sorted;
  root.addEventListener("labels:refresh", function again() {
    if (store.refreshing) return void setTimeout(again, 200); // it may have read the labels before the change
    queue.whenIdle().then(async () => {
      quietRefresh = true;
      try {
        await store.refresh();
      } finally {
        quietRefresh = false;
      }
    });
  });
}

function start() {
  bridge();
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
  setBrush(null);
  root.dispatchEvent(new CustomEvent("editor:ready"));
}

start();

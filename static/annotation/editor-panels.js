// The side list of labels and the popover of one label. Both write text only through text nodes.

const SNIPPET = 80;

function snippet(text) {
  const flat = text.replace(/\s*\n\s*/g, " \u21b5 ");
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET - 1)}\u2026` : flat;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const ROW_PX = 34; // every row of the side list has this height (CSS: .side-item), so it can be virtual
const OVERSCAN = 8;

/**
 * The labels in text order. Only the rows in view exist in the DOM (a long document has thousands of labels);
 * padding above and below stands for the others, so scrolling and the scrollbar behave as with all rows.
 */
export class SideList {
  /**
   * @param {HTMLElement} scroller the element that scrolls
   * @param {HTMLElement} list the `<ol>` inside it
   * @param {{text: string, labels: object[], typeName: (id: number) => string, onPick: (key: string) => void}}
   *   options; `labels` is the editor's array of labels sorted by start, read at each render
   */
  constructor(scroller, list, count, empty, { text, labels, typeName, onPick }) {
    this.scroller = scroller;
    this.list = list;
    this.count = count;
    this.empty = empty;
    this.text = text;
    this.labels = labels;
    this.typeName = typeName;
    this.active = null;
    this.scheduled = false;
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-k]");
      if (button) onPick(button.dataset.k);
    });
    scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(scroller);
  }

  /** Re-renders the visible rows on the next frame (edits in a burst cost one render). */
  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  render() {
    const labels = this.labels;
    const total = labels.length;
    // Never more rows than the window can show: the list's own height depends on the rows while it grows.
    const height = Math.min(this.scroller.clientHeight || window.innerHeight, window.innerHeight);
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_PX) - OVERSCAN);
    const last = Math.min(total, first + Math.ceil(height / ROW_PX) + 2 * OVERSCAN);
    const rows = [];
    for (let i = first; i < last; i++) rows.push(this.row(labels[i]));
    this.list.style.paddingTop = `${first * ROW_PX}px`;
    this.list.style.paddingBottom = `${(total - last) * ROW_PX}px`;
    // The rows are rebuilt: a row that had the keyboard focus gives it to its successor (or to the list).
    const focused = this.list.contains(document.activeElement) ? document.activeElement.dataset.k : undefined;
    this.list.replaceChildren(...rows);
    if (focused !== undefined) {
      const row = rows.find((li) => li.firstChild.dataset.k === focused);
      (row ? row.firstChild : this.scroller).focus({ preventScroll: true });
    }
    this.count.textContent = String(total);
    this.empty.hidden = total > 0;
  }

  row(label) {
    const li = document.createElement("li");
    const button = element("button", "side-item");
    button.type = "button";
    button.dataset.k = label.key;
    if (label.key === this.active) button.classList.add("active");
    if (label.pending) button.classList.add("pending");
    button.append(
      element("span", `swatch t-${label.typeId}`),
      element("span", "side-type", this.typeName(label.typeId)),
      element("span", "side-text", snippet(this.text.slice(label.start, label.end))),
    );
    li.append(button);
    return li;
  }

  /** Marks the label `key` (at `index` in the labels) as the open one and scrolls its row into view. */
  highlight(key, index = -1) {
    this.active = key;
    if (index >= 0) {
      const top = index * ROW_PX;
      const view = this.scroller.clientHeight;
      if (top < this.scroller.scrollTop || top + ROW_PX > this.scroller.scrollTop + view) {
        this.scroller.scrollTop = Math.max(0, top - view / 2);
      }
    }
    this.render();
  }
}

/** The small panel under a clicked label: its type, its text, who made it; retype or remove when allowed. */
export class Popover {
  constructor(panel, { types, canLabel, onRetype, onRemove, onClose }) {
    this.panel = panel;
    this.types = types;
    this.canLabel = canLabel;
    this.key = null;
    panel.addEventListener("mousedown", (event) => event.preventDefault()); // keep the text selection
    panel.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button || this.key === null) return;
      if (button.dataset.typeId) onRetype(this.key, +button.dataset.typeId);
      else if (button.dataset.action === "remove") onRemove(this.key);
      else if (button.dataset.action === "close") onClose();
    });
  }

  get open() {
    return this.key !== null;
  }

  show(label, mark, text) {
    this.key = label.key;
    const panel = this.panel;
    const head = element("div", "pop-head");
    const chip = element("span", `pop-type t-${label.typeId}`, this.types.get(label.typeId)?.name ?? "?");
    const close = element("button", "pop-close", "\u00d7");
    close.type = "button";
    close.dataset.action = "close";
    close.title = "Close (Esc)";
    close.setAttribute("aria-label", "Close");
    head.append(chip, close);
    const quote = element("p", "pop-text", snippet(text.slice(label.start, label.end)));
    const parts = [head, quote];
    const by = label.updatedBy || label.createdBy;
    if (by) parts.push(element("p", "pop-meta", `Last edited by ${by}`));
    if (this.canLabel) {
      parts.push(element("p", "pop-hint", "Change type"));
      const grid = element("div", "pop-types");
      for (const type of this.types.values()) {
        const button = element("button", `pop-choice${type.id === label.typeId ? " current" : ""}`);
        button.type = "button";
        button.dataset.typeId = type.id;
        button.append(element("span", `swatch t-${type.id}`), element("span", "", type.name));
        if (type.key) button.append(element("kbd", "", type.key.toUpperCase()));
        grid.append(button);
      }
      const remove = element("button", "pop-remove", "Remove label");
      remove.type = "button";
      remove.dataset.action = "remove";
      remove.append(element("kbd", "", "Del"));
      parts.push(grid, remove);
    }
    panel.replaceChildren(...parts);
    panel.hidden = false;
    this.place(mark);
  }

  place(mark) {
    const rect = mark.getClientRects()[0] || mark.getBoundingClientRect();
    const width = this.panel.offsetWidth;
    const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    this.panel.style.left = `${left + window.scrollX}px`;
    this.panel.style.top = `${rect.bottom + window.scrollY + 8}px`;
  }

  hide() {
    this.key = null;
    this.panel.hidden = true;
  }
}

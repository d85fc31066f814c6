// The document text as blocks of segments: plain `<span>`s and label `<mark>`s, in text order.
//
// Every segment holds exactly one text node and carries its UTF-16 range in `data-s`/`data-e`; blocks carry
// theirs too, so the DOM itself is the sorted offset index: DOM points map to offsets (and back) by two binary
// searches, and an edit touches only the segment it falls in. Blocks end just after a line break (so they
// render exactly like one flowing text) and use `content-visibility: auto`: the browser lays out only the
// blocks on screen, and an edit re-lays out one block, not 100,000 characters. Blocks far from the viewport
// start as empty placeholders and are drawn as they come near it (or when the page is idle), so a long
// document's first screen appears without building and styling the whole text first.
// Text only ever enters the page as text nodes, never as HTML. The type name shown on a label is CSS
// (`attr(data-type)`), so it is not part of the selectable text.

const BLOCK_CHARS = 1200; // a block ends at the first line break after this many characters (outside labels)
const SHORT = 40; // labels up to this long never wrap, so their type chip stays beside them
const LINE_PX = 38; // estimated line height, for the size of blocks not laid out yet
const LINE_CHARS = 85; // estimated characters per line
const FIRST_PX = 2400; // blocks drawn at once: the first screens (reading the window's size would force a layout)

function search(children, offset) {
  let lo = 0;
  let hi = children.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (+children[mid].dataset.s <= offset) lo = mid;
    else hi = mid - 1;
  }
  return children[lo];
}

export class TextView {
  /**
   * @param {HTMLElement} container empty element that receives the blocks
   * @param {string} text the document text
   * @param {object[]} labels the editor's labels `{key, typeId, start, end, pending}` in UTF-16 units, sorted by
   *   start and kept current by the editor: a block not drawn yet is drawn from it when it is first needed
   * @param {(typeId: number) => string} typeName name shown on a label of that type
   */
  constructor(container, text, labels, typeName) {
    this.container = container;
    this.text = text;
    this.labels = labels;
    this.typeName = typeName;
    this.marks = new Map(); // label key -> <mark>, for drawn blocks
    this.pending = 0; // blocks not drawn yet
  }

  /**
   * Lays out the blocks (as empty placeholders of about the right height) and draws the ones on the first
   * screens at once; the others are drawn when they come near the viewport, or in idle moments, whichever is
   * first. `onComplete` runs when every block is drawn.
   */
  build(onComplete) {
    const fragment = document.createDocumentFragment();
    const text = this.text;
    const labels = this.labels;
    let blockStart = 0;
    let index = 0;
    let at = BLOCK_CHARS;
    while (blockStart < text.length) {
      // The first line break after `at` that is not inside a label ends the block.
      let end = text.length;
      let newline = text.indexOf("\n", at);
      while (newline !== -1 && newline + 1 < text.length) {
        while (index < labels.length && labels[index].end <= newline) index += 1;
        const label = labels[index];
        if (!label || label.start > newline) {
          end = newline + 1;
          break;
        }
        newline = text.indexOf("\n", label.end);
      }
      fragment.append(this.placeholder(blockStart, end));
      blockStart = end;
      at = end + BLOCK_CHARS;
    }
    this.container.replaceChildren(fragment);
    this.pending = this.container.children.length;

    let height = 0;
    for (const block of this.container.children) {
      if (height > FIRST_PX) break;
      height += parseFloat(block.style.height);
      this.fill(block);
    }
    this.onComplete = onComplete;
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) if (entry.isIntersecting) this.fill(entry.target);
      },
      { rootMargin: "1500px 0px" },
    );
    for (const block of this.container.children) if (!block.dataset.filled) this.observer.observe(block);
    requestAnimationFrame(() => setTimeout(() => this.fillIdle())); // after the first frame is out
    if (this.pending === 0) this.complete();
  }

  placeholder(start, end) {
    const block = document.createElement("div");
    block.className = "blk";
    block.dataset.s = start;
    block.dataset.e = end;
    const height = `${this.estimate(start, end)}px`;
    block.style.height = height;
    block.style.containIntrinsicSize = `auto ${height}`;
    return block;
  }

  estimate(start, end) {
    let lines = 0;
    for (const line of this.text.slice(start, end).split("\n")) {
      lines += Math.max(1, Math.ceil(line.length / LINE_CHARS));
    }
    return lines * LINE_PX;
  }

  /** Draws a placeholder block's segments from the current labels (once). */
  fill(block) {
    if (block.dataset.filled) return block;
    block.dataset.filled = "1";
    const s = +block.dataset.s;
    const e = +block.dataset.e;
    const labels = this.labels;
    let lo = 0;
    let hi = labels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (labels[mid].end <= s) lo = mid + 1;
      else hi = mid;
    }
    const parts = [];
    let at = s;
    for (let i = lo; i < labels.length && labels[i].start < e; i++) {
      const label = labels[i];
      if (label.start < at || label.end > e) continue; // cannot be drawn here; never happens with valid input
      if (label.start > at) parts.push(this.plain(at, label.start));
      parts.push(this.mark(label));
      at = label.end;
    }
    if (at < e) parts.push(this.plain(at, e));
    block.append(...parts);
    block.style.height = "";
    if (this.observer) this.observer.unobserve(block);
    this.pending -= 1;
    if (this.pending === 0) this.complete();
    return block;
  }

  /** Draws the remaining blocks a few at a time while the page is idle. */
  fillIdle() {
    const idle =
      window.requestIdleCallback || ((callback) => setTimeout(() => callback({ timeRemaining: () => 8 }), 16));
    const step = (deadline) => {
      const blocks = this.container.children;
      for (let i = 0; i < blocks.length && this.pending > 0; i++) {
        if (!blocks[i].dataset.filled) this.fill(blocks[i]);
        if (deadline.timeRemaining() < 2) break;
      }
      if (this.pending > 0) idle(step, { timeout: 500 });
    };
    idle(step, { timeout: 500 });
  }

  complete() {
    if (this.observer) this.observer.disconnect();
    if (this.onComplete) this.onComplete();
    this.onComplete = null;
  }

  /** The `<mark>` of a label, drawing its block first if needed. */
  markOf(label) {
    this.fill(search(this.container.children, label.start));
    return this.marks.get(label.key);
  }

  plain(start, end) {
    const span = document.createElement("span");
    span.dataset.s = start;
    span.dataset.e = end;
    span.append(document.createTextNode(this.text.slice(start, end)));
    return span;
  }

  mark(label) {
    const mark = document.createElement("mark");
    mark.dataset.s = label.start;
    mark.dataset.e = label.end;
    mark.dataset.k = label.key;
    this.style(mark, label);
    mark.append(document.createTextNode(this.text.slice(label.start, label.end)));
    this.marks.set(label.key, mark);
    return mark;
  }

  style(mark, label) {
    const short = label.end - label.start <= SHORT && !this.text.slice(label.start, label.end).includes("\n");
    mark.className = `ent t-${label.typeId}${short ? " short" : ""}${label.pending ? " pending" : ""}`;
    mark.dataset.type = this.typeName(label.typeId);
  }

  /** The segment holding UTF-16 offset `offset` (the last one for the text's end). */
  segmentAt(offset) {
    return search(this.fill(search(this.container.children, offset)).children, offset);
  }

  /** The segment after `segment`, across block boundaries; null at the end. */
  following(segment) {
    if (segment.nextElementSibling) return segment.nextElementSibling;
    const block = segment.parentElement.nextElementSibling;
    return block ? this.fill(block).firstElementChild : null;
  }

  /** Draws a label; false when its range is not all unlabeled text (it would overlap a label). */
  place(label) {
    const first = this.segmentAt(label.start);
    let last = first;
    while (true) {
      if (last.tagName === "MARK") return false;
      if (+last.dataset.e >= label.end) break;
      last = this.following(last);
      if (!last) return false;
    }
    const segment = first === last ? first : this.join(first, last);
    const s = +segment.dataset.s;
    const e = +segment.dataset.e;
    const parts = [];
    if (label.start > s) parts.push(this.plain(s, label.start));
    parts.push(this.mark(label));
    if (label.end < e) parts.push(this.plain(label.end, e));
    segment.replaceWith(...parts);
    return true;
  }

  /** Merges the blocks from `first`'s to `last`'s (a new label crosses a block boundary) and the plain
   * segments from `first` to `last` into one; returns that segment. */
  join(first, last) {
    const block = first.parentElement;
    while (last.parentElement !== block) {
      const next = block.nextElementSibling;
      block.append(...next.children);
      next.remove();
      block.dataset.e = next.dataset.e;
      block.style.containIntrinsicSize = `auto ${this.estimate(+block.dataset.s, +block.dataset.e)}px`;
    }
    const merged = this.plain(+first.dataset.s, +last.dataset.e);
    while (first.nextElementSibling !== last) first.nextElementSibling.remove();
    last.remove();
    first.replaceWith(merged);
    return merged;
  }

  /** Removes a label's mark, merging its text back with the unlabeled text around it in its block. */
  unplace(key) {
    const mark = this.marks.get(key);
    if (!mark) return;
    this.marks.delete(key);
    let s = +mark.dataset.s;
    let e = +mark.dataset.e;
    const before = mark.previousElementSibling;
    const after = mark.nextElementSibling;
    if (before && before.tagName !== "MARK") {
      s = +before.dataset.s;
      before.remove();
    }
    if (after && after.tagName !== "MARK") {
      e = +after.dataset.e;
      after.remove();
    }
    mark.replaceWith(this.plain(s, e));
  }

  restyle(label) {
    const mark = this.marks.get(label.key);
    if (mark) this.style(mark, label);
  }

  /** The UTF-16 offset of a DOM point (a selection boundary), clamped to the text; null if unrelated. */
  offsetOf(node, offset) {
    const container = this.container;
    if (node === container) {
      const blocks = container.children;
      return offset < blocks.length ? +blocks[offset].dataset.s : this.text.length;
    }
    if (!container.contains(node)) {
      const position = container.compareDocumentPosition(node);
      if (position & Node.DOCUMENT_POSITION_PRECEDING) return 0;
      if (position & Node.DOCUMENT_POSITION_FOLLOWING) return this.text.length;
      return null;
    }
    if (node.parentElement === container) {
      // A block: `offset` counts its segments.
      const segments = node.children;
      if (segments.length === 0) return offset === 0 ? +node.dataset.s : +node.dataset.e; // not drawn yet
      return offset < segments.length ? +segments[offset].dataset.s : +node.dataset.e;
    }
    const segment = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (!segment.dataset.s || segment.parentElement?.parentElement !== container) return null;
    if (node.nodeType === Node.TEXT_NODE) return +segment.dataset.s + offset;
    return offset === 0 ? +segment.dataset.s : +segment.dataset.e;
  }

  /** A DOM point for UTF-16 offset `offset`, as `[textNode, offsetInNode]`; `preferEnd` picks the end of the
   * previous segment at a boundary (for the end of a range). */
  pointAt(offset, preferEnd = false) {
    let segment = this.segmentAt(offset);
    if (preferEnd && offset > 0 && +segment.dataset.s === offset) segment = this.segmentAt(offset - 1);
    return [segment.firstChild, offset - +segment.dataset.s];
  }

  /** A DOM range over `[start, end)`, for selecting, measuring or scrolling. */
  range(start, end) {
    const range = document.createRange();
    range.setStart(...this.pointAt(start));
    range.setEnd(...this.pointAt(end, true));
    return range;
  }
}

// The page's selection: what a type's key labels. It comes from the browser's selection (a drag, a double
// click), snapped to words unless "Snap to words" is off, or from the token cursor; the toolbar's hint shows it.
// Offsets are UTF-16 units, the page's unit.

import { exactSpan } from "./editor-snap.js";

export class PageSelection {
  /**
   * @param {import("./editor-text.js").TextView} view the text
   * @param {import("./editor-snap.js").SnapUnits} units what selections snap to
   * @param {object} parts
   * @param {HTMLElement} parts.root gets the `has-selection` class while something is selected
   * @param {HTMLInputElement | null} parts.snapping the "Snap to words" checkbox (absent: snapping on)
   * @param {HTMLElement | null} parts.hint where the selection is shown in words
   * @param {(selected: boolean) => string} parts.action the hint's advice, with or without a selection
   */
  constructor(view, units, { root, snapping, hint, action }) {
    this.view = view;
    this.units = units;
    this.root = root;
    this.snapping = snapping;
    this.hint = hint;
    this.action = action;
    this.cursor = null; // the token cursor, which follows every selection (set once both exist)
    this.span = null; // {start, end} after snapping, or null
  }

  /** Reads the browser's selection as it is now; returns the (snapped) span or null. */
  read() {
    const view = this.view;
    const native = window.getSelection();
    if (!native.rangeCount) return this.set(null);
    const range = native.getRangeAt(0);
    if (!range.intersectsNode(view.container)) return this.set(null);
    const start = view.offsetOf(range.startContainer, range.startOffset);
    if (native.isCollapsed) {
      if (start !== null) this.cursor?.placeAt(start); // a click: the keyboard goes on from there
      return this.set(null);
    }
    const end = view.offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || start >= end) return this.set(null);
    const snap = this.snapping ? this.snapping.checked : true;
    const span = snap ? this.units.snap(start, end) : exactSpan(view.text, start, end);
    if (span && (span.start !== start || span.end !== end)) this.draw(span); // show what will be labeled
    if (span) this.cursor?.follow(span);
    return this.set(span);
  }

  /** Makes `span` the selection (the token cursor's). */
  show(span) {
    this.draw(span);
    this.set(span);
  }

  draw(span) {
    const native = window.getSelection();
    native.removeAllRanges();
    native.addRange(this.view.range(span.start, span.end));
  }

  set(span) {
    this.span = span;
    this.refresh();
    return span;
  }

  clear() {
    window.getSelection().removeAllRanges();
    this.set(null);
    this.cursor?.collapse();
  }

  /** Redraws the hint (the action may have changed). */
  refresh() {
    const span = this.span;
    this.root.classList.toggle("has-selection", !!span);
    if (!this.hint) return;
    if (span) {
      const shown = this.view.text.slice(span.start, span.end).replace(/\s*\n\s*/g, " \u21b5 ");
      const quoted = shown.length > 60 ? `${shown.slice(0, 59)}\u2026` : shown;
      this.hint.textContent = `\u201c${quoted}\u201d \u2014 ${this.action(true)}`;
    } else {
      this.hint.textContent = this.action(false);
    }
  }
}

// The token cursor: labeling without a mouse. With the text focused, ←/→ move the cursor word by word (over
// the snapping units, so it stops on the same tokens a mouse selection snaps to), Shift+←/→ extend the
// selection from where it started, Home/End jump to the first/last word. The cursor's words are the page's
// selection, so a type's key or a palette button labels them like any selection. While the keyboard drives it,
// the cursor word stays underlined (also after the selection is labeled or cleared) and every move is
// announced to screen readers through a live region; a mouse selection or click moves it silently.

const HIGHLIGHT = "studio-cursor";
const MARGIN = 48; // px kept between the cursor and the window's edges when scrolling to it

export class TokenCursor {
  /**
   * @param {import("./editor-text.js").TextView} view the text
   * @param {import("./editor-snap.js").SnapUnits} units the units it moves over
   * @param {object} options
   * @param {HTMLElement} options.live the polite live region for announcements
   * @param {(span: {start: number, end: number}) => void} options.select shows a span as the page's selection
   * @param {(offset: number) => string} options.describe what lies at an offset ("Person label"), or ""
   * @param {() => number} options.topInset height of what covers the window's top (the sticky toolbar)
   */
  constructor(view, units, { live, select, describe, topInset }) {
    this.view = view;
    this.units = units;
    this.live = live;
    this.select = select;
    this.describe = describe;
    this.topInset = topInset;
    this.caret = null; // the unit the cursor is on
    this.anchor = null; // where the keyboard selection started; null when nothing is selected
    this.driven = false; // the keyboard moved it last (the mouse: false), so it is drawn
  }

  get focused() {
    return document.activeElement === this.view.container;
  }

  /** Handles a key pressed in the focused text; true when it was the cursor's. */
  key(event) {
    const { key } = event;
    const arrow = key === "ArrowRight" || key === "ArrowLeft";
    if (event.ctrlKey || event.metaKey || event.altKey || !(arrow || key === "Home" || key === "End")) return false;
    event.preventDefault();
    this.driven = true;
    if (arrow) this.move(key === "ArrowRight" ? +1 : -1, event.shiftKey);
    else this.jump(key === "End" ? +1 : -1, event.shiftKey);
    return true;
  }

  /** Puts the cursor on the first word in view, when the text is focused from the keyboard with no cursor. */
  start() {
    this.driven = true;
    if (this.caret !== null || this.units.length === 0) return;
    const first = this.units.word(this.units.firstEndingAfter(this.firstVisibleOffset()), +1);
    this.go(first === -1 ? this.units.word(0, +1) : first, false);
  }

  move(direction, extend) {
    if (this.caret === null) return this.start();
    const next = this.units.word(this.caret + direction, direction);
    this.go(next === -1 ? this.caret : next, extend);
  }

  jump(direction, extend) {
    const last = this.units.length - 1;
    const to = this.units.word(direction > 0 ? last : 0, -direction);
    if (to !== -1) this.go(to, extend && this.caret !== null);
  }

  go(index, extend) {
    if (index === -1) return;
    if (!extend || this.anchor === null) this.anchor = index;
    this.caret = index;
    const first = Math.min(this.anchor, this.caret);
    const last = Math.max(this.anchor, this.caret);
    const span = this.units.span(first, last);
    this.select(span);
    this.paint();
    this.scrollTo(this.units.span(index, index));
    this.announce(span, first === last);
  }

  /** Follows a selection made with the mouse: the cursor's selection becomes its units. */
  follow(span) {
    const found = this.units.indexes(span.start, span.end);
    if (!found) return;
    const own = this.anchor !== null && Math.min(this.anchor, this.caret) === found.first;
    if (own && Math.max(this.anchor, this.caret) === found.last) return; // keep the cursor's direction
    this.anchor = found.first;
    this.caret = found.last;
    this.driven = false;
    this.paint();
  }

  /** A click in the text: the cursor goes to the word there, selecting nothing. */
  placeAt(offset) {
    const index = this.units.word(Math.min(this.units.firstEndingAfter(offset), this.units.length - 1), +1);
    if (index === -1) return;
    this.caret = index;
    this.anchor = null;
    this.driven = false;
    this.paint();
  }

  /** The selection is gone (labeled or cleared): the cursor stays where it is. */
  collapse() {
    this.anchor = null;
    this.paint();
  }

  /** Draws the cursor word (CSS Custom Highlight API) while the keyboard drives it in the focused text; the
   * DOM may have changed since the last time. */
  paint() {
    if (!window.CSS?.highlights) return;
    if (this.caret === null || !this.driven || !this.focused) {
      CSS.highlights.delete(HIGHLIGHT);
      return;
    }
    const { start, end } = this.units.span(this.caret, this.caret);
    CSS.highlights.set(HIGHLIGHT, new Highlight(this.view.range(start, end)));
  }

  announce(span, single) {
    const words = this.view.text.slice(span.start, span.end).replace(/\s+/g, " ");
    const quoted = words.length > 80 ? `${words.slice(0, 79)}\u2026` : words;
    const about = single ? this.describe(span.start) : "";
    this.live.textContent = `\u201c${quoted}\u201d${about ? `, ${about}` : ""}${single ? "" : " selected"}`;
  }

  scrollTo({ start, end }) {
    const box = this.view.range(start, end).getBoundingClientRect();
    const top = this.topInset() + MARGIN;
    const bottom = window.innerHeight - MARGIN;
    if (box.top < top || box.bottom > bottom) window.scrollBy(0, box.top - (top + bottom) / 2);
  }

  firstVisibleOffset() {
    const container = this.view.container;
    const box = container.getBoundingClientRect();
    const top = this.topInset() + 8;
    if (box.top >= top || !document.caretPositionFromPoint) return 0;
    const point = document.caretPositionFromPoint(box.left + 4, top + 24);
    return (point && this.view.offsetOf(point.offsetNode, point.offset)) || 0;
  }
}

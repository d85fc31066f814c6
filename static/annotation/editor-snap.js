// Word snapping: a selection grows to whole units (the tokens the model trains on, so "S.A." and "Ltd." keep
// their periods) and leaves out the punctuation units at its edges. The server cuts the text into units
// (annotation/snapping.py, where the rule lives) and sends them with the document as `snapUnits`; this module
// decodes them and grows a selection exactly as `snap` does there (tests/annotation/snap_cases.json holds the
// cases both sides are tested with). Offsets here are UTF-16 units, the page's unit.

import { alignToCodePoint } from "./offsets.js";

export class SnapUnits {
  /**
   * @param {number[]} encoded the document's `snapUnits`, in code points: per unit the gap since the previous
   *   unit's end and its length, negated for a unit of punctuation only
   * @param {import("./offsets.js").OffsetMap} offsets the text's offset map
   */
  constructor(encoded, offsets) {
    const n = encoded.length >>> 1;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.words = new Uint8Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const start = at + encoded[2 * i];
      const length = encoded[2 * i + 1];
      at = start + Math.abs(length);
      this.starts[i] = offsets.toUnits(start);
      this.ends[i] = offsets.toUnits(at);
      this.words[i] = length > 0 ? 1 : 0;
    }
  }

  get length() {
    return this.starts.length;
  }

  /** Index of the first unit that ends after `offset` (`length` when none does). */
  firstEndingAfter(offset) {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the last unit that starts before `offset` (-1 when none does). */
  lastStartingBefore(offset) {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The units `[first, last]` that `[start, end)` touches, less the punctuation units at both edges; null
   * when it touches no word. */
  indexes(start, end) {
    let first = this.firstEndingAfter(start);
    let last = this.lastStartingBefore(end);
    while (first <= last && !this.words[first]) first += 1;
    while (last >= first && !this.words[last]) last -= 1;
    return first <= last ? { first, last } : null;
  }

  /** The text range of units `first` to `last`. */
  span(first, last) {
    return { start: this.starts[first], end: this.ends[last] };
  }

  /** Grows `[start, end)` to the units it touches, less punctuation at its edges; null when it touches no word. */
  snap(start, end) {
    const found = this.indexes(start, end);
    return found && this.span(found.first, found.last);
  }

  /** The nearest word unit from `index` on in `direction` (+1 or -1), `index` itself included; -1 if none. */
  word(index, direction) {
    for (let i = index; i >= 0 && i < this.words.length; i += direction) if (this.words[i]) return i;
    return -1;
  }
}

/** Character precision: only keeps code points whole. */
export function exactSpan(text, start, end) {
  start = alignToCodePoint(text, start, -1);
  end = alignToCodePoint(text, end, +1);
  return start < end ? { start, end } : null;
}

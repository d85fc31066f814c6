// Offset units, converted here and nowhere else in the browser.
//
// The server (and the labeling API) counts Unicode code points; the browser's strings, DOM ranges and
// selections count UTF-16 code units, where every character above U+FFFF (most emoji) takes two.
// Texts without such characters (the common case) map one to one, so conversion costs nothing there.

function isHigh(code) {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code) {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Number of entries of the sorted array `values` that are < `x`. */
function countBelow(values, x) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Converts offsets within one text between code points and UTF-16 code units. */
export class OffsetMap {
  constructor(text) {
    this.text = text;
    // UTF-16 index of each surrogate pair's first unit, and the code-point index of the same character.
    this.pairUnits = [];
    this.pairCodePoints = [];
    for (let i = 0; i < text.length - 1; i++) {
      if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) {
        this.pairCodePoints.push(i - this.pairUnits.length);
        this.pairUnits.push(i);
        i++;
      }
    }
    this.codePointLength = text.length - this.pairUnits.length;
  }

  /** The UTF-16 index of code point `cp`. */
  toUnits(cp) {
    if (this.pairUnits.length === 0) return cp;
    return cp + countBelow(this.pairCodePoints, cp);
  }

  /** The code-point index at UTF-16 index `unit`; throws inside a surrogate pair. */
  toCodePoints(unit) {
    if (this.pairUnits.length === 0) return unit;
    const before = countBelow(this.pairUnits, unit);
    if (before > 0 && this.pairUnits[before - 1] === unit - 1) {
      throw new RangeError(`UTF-16 offset ${unit} falls inside a surrogate pair.`);
    }
    return unit - before;
  }

  /** A span `{start, end}` in code points, as the API sends it, in UTF-16 units. */
  spanToUnits(span) {
    return { ...span, start: this.toUnits(span.start), end: this.toUnits(span.end) };
  }

  /** A span `{start, end}` in UTF-16 units, as the page has it, in code points for the API. */
  spanToCodePoints(span) {
    return { ...span, start: this.toCodePoints(span.start), end: this.toCodePoints(span.end) };
  }
}

/**
 * Moves a UTF-16 offset off the middle of a surrogate pair: towards the start (`direction` < 0) or the end.
 * DOM selections rarely split a pair, but a span must never do so.
 */
export function alignToCodePoint(text, unit, direction) {
  if (unit > 0 && unit < text.length && isLow(text.charCodeAt(unit)) && isHigh(text.charCodeAt(unit - 1))) {
    return direction < 0 ? unit - 1 : unit + 1;
  }
  return unit;
}

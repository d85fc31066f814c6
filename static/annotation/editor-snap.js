// Word snapping: a selection grows to whole words and loses the spaces and punctuation around it.
// Pure functions over the text and UTF-16 offsets (the page's unit); code points never split.

import { alignToCodePoint } from "./offsets.js";

const WORD = /[\p{L}\p{N}\p{M}\p{Pc}]/u;
// Scripts written without spaces: growing to "the whole word" would take the whole sentence.
const UNSPACED_SCRIPTS = ["Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar"];
const UNSPACED = new RegExp(`[${UNSPACED_SCRIPTS.map((name) => `\\p{Script=${name}}`).join("")}]`, "u");
const TRIM = /[\s\p{P}]/u;
// Inside a word: O'Brien, state-of-the-art; between digits also 5,000 and 3.14.
const JOINERS = new Set(["'", "\u2019", "-", "\u2010", "\u2011"]);
const NUMBER_JOINERS = new Set([".", ","]);
const DIGIT = /\p{N}/u;

function charAt(text, i) {
  const cp = text.codePointAt(i);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

function charBefore(text, i) {
  if (i <= 0) return "";
  const low = text.charCodeAt(i - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && i >= 2 ? i - 2 : i - 1;
  return charAt(text, start);
}

function extendable(ch) {
  return ch !== "" && WORD.test(ch) && !UNSPACED.test(ch);
}

function joins(joiner, before, after) {
  if (JOINERS.has(joiner)) return extendable(before) && extendable(after);
  if (NUMBER_JOINERS.has(joiner)) return DIGIT.test(before) && DIGIT.test(after);
  return false;
}

/** Trims spaces and punctuation from both ends; `null` when nothing is left. */
export function trimSpan(text, start, end) {
  while (start < end && TRIM.test(charAt(text, start))) start += charAt(text, start).length;
  while (end > start && TRIM.test(charBefore(text, end))) end -= charBefore(text, end).length;
  return start < end ? { start, end } : null;
}

/** Grows `[start, end)` to whole words, then trims; `null` when the selection held only spaces/punctuation. */
export function snapToWords(text, start, end) {
  start = alignToCodePoint(text, start, -1);
  end = alignToCodePoint(text, end, +1);
  const trimmed = trimSpan(text, start, end);
  if (trimmed === null) return null;
  ({ start, end } = trimmed);
  for (;;) {
    const before = charBefore(text, start);
    if (before === "") break;
    if (extendable(before) && extendable(charAt(text, start))) {
      start -= before.length;
      continue;
    }
    const prev = charBefore(text, start - before.length);
    if (!joins(before, prev, charAt(text, start))) break;
    start -= before.length + prev.length;
  }
  for (;;) {
    const next = charAt(text, end);
    if (next === "") break;
    if (extendable(charBefore(text, end)) && extendable(next)) {
      end += next.length;
      continue;
    }
    const after = charAt(text, end + next.length);
    if (!joins(next, charBefore(text, end), after)) break;
    end += next.length + after.length;
  }
  return { start, end };
}

/** Character precision: only keeps code points whole. */
export function exactSpan(text, start, end) {
  start = alignToCodePoint(text, start, -1);
  end = alignToCodePoint(text, end, +1);
  return start < end ? { start, end } : null;
}

"""Offset units, converted here and nowhere else on the server.

The database keeps Unicode code points (Python `str` indices). Azure's JSON uses UTF-16 code units:
every code point above U+FFFF (most emoji) is two units. The runtime also offers `TextElements_v8`:
user-perceived characters (extended grapheme clusters), so "👩‍👩‍👧" is one element. Conversions are exact
and fast for long texts: texts without astral characters (the common case) map one to one.
"""

from __future__ import annotations

import bisect
from functools import cached_property


class OffsetMap:
    """Converts offsets within one text between code points and UTF-16 code units."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _astral(self) -> list[int]:
        """Code-point indices of the characters that take two UTF-16 units."""
        if self.text.isascii():
            return []
        return [i for i, ch in enumerate(self.text) if ord(ch) > 0xFFFF]

    @cached_property
    def _astral_utf16(self) -> list[int]:
        """UTF-16 index of each astral character's first unit."""
        return [cp + n for n, cp in enumerate(self._astral)]

    @property
    def utf16_length(self) -> int:
        return len(self.text) + len(self._astral)

    def to_utf16(self, codepoint: int) -> int:
        if not self._astral:
            return codepoint
        return codepoint + bisect.bisect_left(self._astral, codepoint)

    def from_utf16(self, unit: int) -> int:
        """The code point at UTF-16 offset `unit`; raises ValueError inside a surrogate pair."""
        if not self._astral:
            return unit
        n = bisect.bisect_left(self._astral_utf16, unit)
        # n astral characters start strictly before `unit`; if the previous one starts at unit-1,
        # `unit` points at its second half.
        if n > 0 and self._astral_utf16[n - 1] == unit - 1:
            raise ValueError(f"UTF-16 offset {unit} falls inside a surrogate pair.")
        return unit - n


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TextElementMap:
    """Converts code-point offsets to grapheme-cluster (text element) offsets within one text."""

    def __init__(self, text: str) -> None:
        import regex  # grapheme clusters (\\X) are not in the standard library's re

        self.text = text
        # Code-point index where each text element starts, plus the end of the text.
        self._starts = [m.start() for m in regex.finditer(r"\X", text)] + [len(text)]

    @property
    def length(self) -> int:
        return len(self._starts) - 1

    def start_of(self, codepoint: int) -> int:
        """The element holding `codepoint` (a span start inside a cluster widens to the cluster)."""
        return bisect.bisect_right(self._starts, codepoint) - 1

    def end_of(self, codepoint: int) -> int:
        """The element boundary at or after `codepoint` (a span end inside a cluster widens to its end)."""
        return bisect.bisect_left(self._starts, codepoint)


def convert_span(text: str, start: int, end: int, unit: str, cache: dict | None = None) -> tuple[int, int]:
    """A code-point span as (offset, length) in `unit`: UnicodeCodePoint, Utf16CodeUnit or TextElements_v8."""
    cache = {} if cache is None else cache
    if unit == "UnicodeCodePoint":
        return start, end - start
    if unit == "Utf16CodeUnit":
        offsets = cache.setdefault("utf16", OffsetMap(text))
        first = offsets.to_utf16(start)
        return first, offsets.to_utf16(end) - first
    if unit == "TextElements_v8":
        elements = cache.setdefault("elements", TextElementMap(text))
        first = elements.start_of(start)
        return first, elements.end_of(end) - first
    raise ValueError(f"Unknown string index type {unit!r}.")


def length_in(text: str, unit: str) -> int:
    if unit == "Utf16CodeUnit":
        return utf16_len(text)
    if unit == "TextElements_v8":
        return TextElementMap(text).length
    return len(text)

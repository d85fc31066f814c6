"""Word snapping in the labeling view: the units a selection grows to, cut by the model's own tokenizer.

One rule on both sides. The server cuts a document into units here (`snap_units`), the page receives them
with the document (`annotation/apis/ui.py` encodes them compactly), and
`static/annotation/editor-snap.js` grows a selection to them exactly as `snap` does here; the cases in
`tests/annotation/snap_cases.json` are checked against both.

A unit is a token of `studio.tokenization.tokenize`, the tokens the model trains on: "S.A.", "Ltd." and
"Inc." keep their periods, while the period that ends "Contoso Bank." is a token of its own. Text in a
script written without spaces (Chinese, Japanese, Thai...) is the exception: the tokenizer keeps a whole
run of it as one token, and snapping to that would label a whole sentence, so it comes one character
(with its combining marks) at a time.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

from studio.tokenization import tokenize

# Han, Hiragana, Katakana (with the half-width forms), Thai, Lao, Myanmar and Khmer.
_UNSPACED = re.compile(
    "[\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
# Never cut before these: they belong to the character before them.
_JOINING = frozenset("\u200c\u200d\ufe0e\ufe0f")


class SnapUnit(NamedTuple):
    """A half-open code-point range ``[start, end)`` a selection snaps to.

    ``word`` is False for a unit of punctuation only ("." "," "(" "..."), which a selection leaves out at its
    edges (but keeps inside: "AT & T").
    """

    start: int
    end: int
    word: bool


def snap_units(text: str) -> list[SnapUnit]:
    """The document's snapping units, in text order."""
    units: list[SnapUnit] = []
    unspaced = _UNSPACED.search(text) is not None
    for token in tokenize(text):
        if unspaced and _UNSPACED.search(text, token.start, token.end):
            cuts = [token.start, *_unspaced_cuts(text, token.start, token.end), token.end]
            units.extend(_unit(text, a, b) for a, b in pairwise(cuts))
        else:
            units.append(_unit(text, token.start, token.end))
    return units


def _unit(text: str, start: int, end: int) -> SnapUnit:
    if text[start].isalnum():
        return SnapUnit(start, end, True)  # most tokens: no need to look further
    punctuation = all(unicodedata.category(ch).startswith("P") for ch in text[start:end])
    return SnapUnit(start, end, not punctuation)


def _unspaced_cuts(text: str, start: int, end: int) -> list[int]:
    """Offsets inside a token where a character of an unspaced script begins or ends."""
    cuts = []
    for i in range(start + 1, end):
        ch = text[i]
        if ch in _JOINING or text[i - 1] in _JOINING or unicodedata.category(ch).startswith("M"):
            continue
        if _UNSPACED.match(ch) or _UNSPACED.match(text[i - 1]):
            cuts.append(i)
    return cuts


def snap(units: Sequence[SnapUnit], start: int, end: int) -> tuple[int, int] | None:
    """Grows the selection ``[start, end)`` to the units it touches, less the punctuation units at its edges.

    None when it touches no word (only spaces and punctuation).
    """
    first = bisect.bisect_right([u.end for u in units], start)  # the first unit ending after `start`
    last = bisect.bisect_left([u.start for u in units], end) - 1  # the last unit starting before `end`
    while first <= last and not units[first].word:
        first += 1
    while last >= first and not units[last].word:
        last -= 1
    return (units[first].start, units[last].end) if first <= last else None

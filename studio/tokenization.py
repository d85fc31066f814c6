"""Tokens and sentences with exact code-point offsets (pure Python, no flair).

The tokenizer is a small rule set in the spirit of the Penn Treebank / CoNLL conventions, written so that
text that is already tokenized (CoNLL tokens joined by spaces, as in the shared datasets) comes back
unchanged, while free text gets punctuation and clitics split off. Every non-separator character ends up
in exactly one token, so offsets map back to the original text without any search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Zero-width space/no-break and the BOM separate words but are not `str.isspace()`.
_SEPARATOR_CLASS = r"\s\u200b\u2060\ufeff"
_CHUNK = re.compile(rf"[^{_SEPARATOR_CLASS}]+")
SEPARATORS = re.compile(rf"[{_SEPARATOR_CLASS}]")
_NEWLINE = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x85]")

# An emoji with its variation selector, skin tone and zero-width-joiner sequel, or a flag (two regional
# indicators): one token each, so "great🔥🔥" -> "great", "🔥", "🔥".
_EMOJI_BASE = "\u2600-\u27bf\U0001f000-\U0001f1e5\U0001f200-\U0001faff"
_EMOJI_MOD = "\ufe0f\u20e3\U0001f3fb-\U0001f3ff"
_EMOJI = re.compile(
    rf"[\U0001f1e6-\U0001f1ff]{{2}}|[{_EMOJI_BASE}][{_EMOJI_MOD}]*(?:\u200d[{_EMOJI_BASE}][{_EMOJI_MOD}]*)*"
)

# Kept whole: URLs, e-mail addresses, @mentions, #hashtags and HTML entities (as in tweets and WNUT17).
_WEB = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|[@#]\w+|&#?\w+;", re.IGNORECASE)
_HTML_ENTITY_END = re.compile(r"&#?\w+;$")
_LEADING = set("\"'([{<«“‘„¿¡")
_TRAILING = set("\"')]}>»”’.,;:!?…")
# English clitics split as in CoNLL/PTB: "don't" -> "do" "n't", "It's" -> "It" "'s".
_CLITIC = re.compile(r"^(?P<word>\w+?)(?P<clitic>n['’]t|['’](?:s|re|ve|ll|m|d))$", re.IGNORECASE)
_CLITIC_ALONE = re.compile(r"^['’](?:s|re|ve|ll|m|d|t|\d\d?s?)$", re.IGNORECASE)
# A final period belongs to abbreviations and initials ("U.S.", "J.", "Inc.").
_ABBREVIATION = re.compile(r"^(?:\w{1,3}\.)+\w{1,3}$")
_KNOWN_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof inc ltd co corp jr sr st vs v etc al no nos mt ft fr lt col capt gen gov sen rep dept "
    "est approx p pp fig vol ed eds "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_SENTENCE_END = re.compile(r"^(?:[.!?…]+|[.!?]+[\"'”’)\]]+)$")


@dataclass(frozen=True)
class Token:
    """A token as a half-open code-point range ``[start, end)`` into its document's text."""

    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Splits text into tokens with exact code-point offsets.

    Whitespace and zero-width separators are dropped; every other character lands in exactly one token.
    """
    tokens: list[Token] = []
    for chunk in _CHUNK.finditer(text):
        tokens.extend(_split_chunk(text, chunk.start(), chunk.end()))
    return tokens


def _split_chunk(text: str, start: int, end: int) -> list[Token]:
    chunk = text[start:end]
    if not any(ch.isalnum() for ch in chunk):
        # Punctuation runs (":)", "...", "--") stay whole; emoji still come out one per token.
        return _split_emoji(start, chunk)
    head: list[Token] = []
    tail: list[Token] = []
    lo, hi = start, end
    while lo < hi and text[lo] in _LEADING and not _CLITIC_ALONE.match(text[lo:hi]):
        head.append(Token(lo, lo + 1))
        lo += 1
    while hi > lo and text[hi - 1] in _TRAILING and not _keeps_final(text[lo:hi]):
        run_start = hi - 1
        while run_start - 1 > lo and text[run_start - 1] == text[hi - 1]:
            run_start -= 1  # "!!!" and "..." stay one token
        if text[run_start:hi] == ".." and _keeps_final(text[lo : run_start + 1]):
            run_start += 1  # "K.K.." ends a sentence with an abbreviation: "K.K." then "."
        tail.insert(0, Token(run_start, hi))
        hi = run_start
    core = text[lo:hi]
    if _WEB.fullmatch(core):
        middle = [Token(lo, hi)]
    elif clitic := _CLITIC.match(core):
        split = lo + clitic.end("word")
        middle = [Token(lo, split), Token(split, hi)]
    else:
        middle = _split_emoji(lo, core)
    return head + middle + tail


def _keeps_final(core: str) -> bool:
    """True when the final character of ``core`` belongs to the word rather than being punctuation."""
    if _CLITIC_ALONE.match(core) or _HTML_ENTITY_END.search(core):
        return True
    if not core.endswith("."):
        return False
    stem = core[:-1]
    is_initial = len(stem) == 1 and stem.isupper()
    is_dotted = "." in stem and bool(_ABBREVIATION.match(stem))
    return is_initial or is_dotted or stem.lower() in _KNOWN_ABBREVIATIONS


def _split_emoji(offset: int, chunk: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    for emoji in _EMOJI.finditer(chunk):
        if emoji.start() > pos:
            tokens.append(Token(offset + pos, offset + emoji.start()))
        tokens.append(Token(offset + emoji.start(), offset + emoji.end()))
        pos = emoji.end()
    if pos < len(chunk):
        tokens.append(Token(offset + pos, offset + len(chunk)))
    return tokens


def segment(
    text: str,
    tokens: Sequence[Token],
    *,
    max_tokens: int,
    split_lines_over: int,
    no_cut_before: frozenset[int] = frozenset(),
) -> list[range]:
    """Groups token indexes into sentences.

    Newlines always split; lines longer than ``split_lines_over`` tokens are also split after sentence
    punctuation; any piece still longer than ``max_tokens`` is chunked. No cut is ever made before a
    token index in ``no_cut_before`` (the inside of a label), so a label is never cut in two.
    """
    cuts = [0]
    for i in range(1, len(tokens)):
        if i not in no_cut_before and _NEWLINE.search(text, tokens[i - 1].end, tokens[i].start):
            cuts.append(i)
    cuts.append(len(tokens))
    pieces: list[range] = []
    for line in (range(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a):
        if len(line) > split_lines_over:
            for sentence in _split_sentences(text, tokens, line, no_cut_before):
                pieces.extend(_chunk(sentence, max_tokens, no_cut_before))
        else:
            pieces.extend(_chunk(line, max_tokens, no_cut_before))
    return pieces


def _split_sentences(text: str, tokens: Sequence[Token], line: range, no_cut: frozenset[int]) -> list[range]:
    starts = [line.start]
    for i in line[1:]:
        previous = text[tokens[i - 1].start : tokens[i - 1].end]
        first = text[tokens[i].start]
        if i not in no_cut and _SENTENCE_END.match(previous) and not first.islower():
            starts.append(i)
    ends = starts[1:] + [line.stop]
    return [range(a, b) for a, b in zip(starts, ends, strict=True)]


def _chunk(piece: range, max_tokens: int, no_cut: frozenset[int]) -> list[range]:
    chunks: list[range] = []
    start = piece.start
    while piece.stop - start > max_tokens:
        cut = start + max_tokens
        while cut > start + 1 and cut in no_cut:
            cut -= 1  # back off to the start of the label that the cut would split
        if cut in no_cut:
            cut = start + max_tokens
            while cut < piece.stop and cut in no_cut:
                cut += 1  # a label longer than max_tokens: keep it whole in one longer chunk
        chunks.append(range(start, cut))
        start = cut
    if start < piece.stop:
        chunks.append(range(start, piece.stop))
    return chunks


# Kept as themselves in a shape; other punctuation and symbols become "o".
_KEPT = set(".,-'&@#/:$%!?()\"")
_MAX_SHAPE = 6


def word_shape(text: str) -> str:
    """The token's shape: character classes with repeats collapsed, e.g. "McDonald's" -> "XxXx'x"."""
    if text.lower().startswith(("http://", "https://", "www.")):
        return "url"
    shape: list[str] = []
    for ch in text:
        if ch.isupper():
            kind = "X"
        elif ch.islower():
            kind = "x"
        elif ch.isdigit():
            kind = "d"
        elif ch.isalpha():
            kind = "a"  # letters without case (CJK, Arabic, ...)
        elif ch in _KEPT:
            kind = ch
        elif unicodedata.category(ch) == "So":
            kind = "e"  # emoji and other symbols
        else:
            kind = "o"
        if not shape or shape[-1] != kind:
            shape.append(kind)
    return "".join(shape[:_MAX_SHAPE])

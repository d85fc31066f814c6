"""Documents with character spans -> tokens, BIOES tags and flair sentences (no Django, flair imported lazily).

Like spaCy's ``offsets_to_biluo_tags``, nothing is dropped silently: a label that cuts through a token
splits that token at the label boundary and is reported as a warning; overlapping or empty labels are
refused with `SpanError`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from modeling.config import TrainingConfig
from studio.tokenization import SEPARATORS, Token, segment, tokenize

if TYPE_CHECKING:
    from flair.data import Sentence

__all__ = [
    "Alignment",
    "AlignmentWarning",
    "LabeledDocument",
    "SentencePiece",
    "SpanError",
    "Token",
    "align",
    "build_sentences",
    "prepare_document",
    "prepare_text",
    "spans_from_tags",
    "to_flair_sentence",
    "to_flair_sentences",
    "tokenize",
]

# The flair label type used for training and prediction.
LABEL_TYPE = "ner"

Span = tuple[int, int, str]


@dataclass(frozen=True)
class LabeledDocument:
    """A document and its labels as half-open code-point spans ``(start, end, category)``."""

    doc_id: str
    text: str
    spans: list[Span] = field(default_factory=list)


class SpanError(ValueError):
    """A label that cannot be trained on as given (overlapping, empty, outside the text)."""


@dataclass(frozen=True)
class AlignmentWarning:
    """Something about a label the user should know; the label itself was kept."""

    code: str
    message: str
    doc_id: str
    start: int
    end: int
    category: str

    def as_dict(self) -> dict[str, Any]:
        """Azure-style warning body, with the location for the studio to link to."""
        return {"code": self.code, "message": self.message, "target": f"{self.doc_id}:{self.start}-{self.end}"}


class Alignment(NamedTuple):
    """Tokens after splitting at label boundaries, one BIOES tag per token, and what was adjusted."""

    tokens: list[Token]
    tags: list[str]
    warnings: list[AlignmentWarning]


@dataclass(frozen=True)
class SentencePiece:
    """One model input: consecutive tokens of a document, with tags when labels are known."""

    tokens: list[Token]
    tags: list[str] | None = None


def align(doc: LabeledDocument, tokens: Sequence[Token]) -> Alignment:
    """Aligns a document's labels to tokens and returns BIOES tags.

    A label boundary inside a token splits the token there (one ``LabelSplitsToken`` warning per label);
    whitespace at a label's edges is left out of it (``LabelTrimmed``).

    Raises:
        SpanError: a label is outside the text, covers only whitespace, or overlaps another label.
    """
    text, warnings = doc.text, []
    spans: list[Span] = []
    for start, end, category in sorted(doc.spans):
        if not (0 <= start < end <= len(text)) or not category:
            raise SpanError(f"Document {doc.doc_id!r}: label {(start, end, category)} is not a valid span.")
        trimmed = _trim(text, start, end)
        if trimmed is None:
            raise SpanError(f"Document {doc.doc_id!r}: label {category!r} [{start}, {end}) covers only spaces.")
        if trimmed != (start, end):
            warnings.append(_warning("LabelTrimmed", doc, start, end, category, "spaces at its edges were left out"))
        if spans and trimmed[0] < spans[-1][1]:
            raise SpanError(
                f"Document {doc.doc_id!r}: labels {spans[-1]} and {(*trimmed, category)} overlap; "
                "overlapping entities cannot be trained."
            )
        spans.append((*trimmed, category))

    boundaries = sorted({b for start, end, _ in spans for b in (start, end)})
    split_tokens = _split_at(tokens, boundaries)
    starts = [t.start for t in tokens]
    for start, end, category in spans:
        if _inside_token(tokens, starts, start) or _inside_token(tokens, starts, end):
            warnings.append(
                _warning("LabelSplitsToken", doc, start, end, category, "it cuts through a token, which was split")
            )

    tags = ["O"] * len(split_tokens)
    index = 0
    for start, end, category in spans:
        while split_tokens[index].end <= start:
            index += 1
        first = index
        while index < len(split_tokens) and split_tokens[index].end <= end:
            index += 1
        _tag(tags, first, index, category)
    return Alignment(split_tokens, tags, warnings)


def _inside_token(tokens: Sequence[Token], starts: list[int], offset: int) -> bool:
    i = bisect.bisect_right(starts, offset) - 1
    return i >= 0 and tokens[i].start < offset < tokens[i].end


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and SEPARATORS.match(text, start):
        start += 1
    while end > start and SEPARATORS.match(text, end - 1):
        end -= 1
    return (start, end) if start < end else None


def _warning(code: str, doc: LabeledDocument, start: int, end: int, category: str, why: str) -> AlignmentWarning:
    message = f"Document {doc.doc_id!r}: label {category!r} [{start}, {end}) {doc.text[start:end]!r}: {why}."
    return AlignmentWarning(code, message, doc.doc_id, start, end, category)


def _split_at(tokens: Sequence[Token], boundaries: Sequence[int]) -> list[Token]:
    result: list[Token] = []
    for token in tokens:
        start = token.start
        for b in boundaries:
            if start < b < token.end:
                result.append(Token(start, b))
                start = b
        result.append(Token(start, token.end))
    return result


def _tag(tags: list[str], first: int, stop: int, category: str) -> None:
    if stop - first == 1:
        tags[first] = f"S-{category}"
        return
    tags[first] = f"B-{category}"
    for i in range(first + 1, stop - 1):
        tags[i] = f"I-{category}"
    tags[stop - 1] = f"E-{category}"


def spans_from_tags(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Decodes BIOES tags into token ranges ``(first, stop, category)`` (stop exclusive)."""
    spans: list[tuple[int, int, str]] = []
    begin: int | None = None
    for i, tag in enumerate(tags):
        prefix, _, category = tag.partition("-")
        if prefix == "S":
            spans.append((i, i + 1, category))
        elif prefix == "B":
            begin = i
        elif prefix == "E" and begin is not None:
            spans.append((begin, i + 1, category))
        if prefix in ("O", "S", "E"):
            begin = None
    return spans


def prepare_document(
    doc: LabeledDocument, config: TrainingConfig
) -> tuple[list[SentencePiece], list[AlignmentWarning]]:
    """Tokenizes, aligns and segments a labeled document (pure Python)."""
    tokens, tags, warnings = align(doc, tokenize(doc.text))
    # A cut before a token inside a label would cut the label in two.
    inside = frozenset(i for i, tag in enumerate(tags) if tag[0] in "IE")
    ranges = segment(
        doc.text,
        tokens,
        max_tokens=config.max_tokens_per_sentence,
        split_lines_over=config.split_lines_over_tokens,
        no_cut_before=inside,
    )
    return [SentencePiece([tokens[i] for i in r], [tags[i] for i in r]) for r in ranges], warnings


def prepare_text(text: str, config: TrainingConfig) -> list[SentencePiece]:
    """Tokenizes and segments unlabeled text for prediction, exactly as training does."""
    tokens = tokenize(text)
    ranges = segment(
        text, tokens, max_tokens=config.max_tokens_per_sentence, split_lines_over=config.split_lines_over_tokens
    )
    return [SentencePiece([tokens[i] for i in r]) for r in ranges]


def to_flair_sentence(text: str, piece: SentencePiece) -> Sentence:
    """A flair Sentence for one piece; labels become flair spans so the tagger encodes them as BIOES.

    Token positions are relative to the sentence and ``sentence.start_position`` is the piece's offset in
    the document, so ``start_position + token.start_position`` is the token's code-point offset.
    """
    from flair.data import Sentence
    from flair.data import Token as FlairToken

    base = piece.tokens[0].start
    flair_tokens = []
    for i, token in enumerate(piece.tokens):
        following = piece.tokens[i + 1].start if i + 1 < len(piece.tokens) else token.end
        flair_tokens.append(
            FlairToken(
                text[token.start : token.end], start_position=token.start - base, whitespace_after=following - token.end
            )
        )
    sentence = Sentence(flair_tokens, start_position=base)
    for first, stop, category in spans_from_tags(piece.tags or []):
        sentence[first:stop].add_label(LABEL_TYPE, category)
    return sentence


def to_flair_sentences(text: str, pieces: Sequence[SentencePiece]) -> list[Sentence]:
    """Flair sentences for one document, linked to each other and to nothing else.

    The links are the document context a transformer may read (``context_tokens``). Linking here also
    stops ``SequenceTagger.predict``, which links every sentence of its input list, from letting one
    document's sentences serve as context for another's.
    """
    from flair.data import Sentence

    sentences = [to_flair_sentence(text, piece) for piece in pieces]
    Sentence.set_context_for_sentences(sentences)
    return sentences


def build_sentences(doc: LabeledDocument, config: TrainingConfig) -> list[Sentence]:
    """Flair sentences for a labeled document (warnings are available from `prepare_document`)."""
    pieces, _ = prepare_document(doc, config)
    return to_flair_sentences(doc.text, pieces)

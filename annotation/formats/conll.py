"""CoNLL NER files: one token a line, the token first and the tag last, a blank line after each sentence.

A document's text is its tokens joined by one space and its sentences by a newline (how the shared datasets
were built), so labels become code-point offsets into that text. `-DOCSTART-` lines separate documents.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import NamedTuple

from annotation.formats import DocumentData, ProblemList
from annotation.formats.jsonl import name_stem, upload_text
from annotation.formats.validation import check_documents, check_entity_types
from annotation.spans import Span
from studio.tokenization import tokenize

SCHEMES = ("auto", "bio", "iob1", "io", "bioes")
_ALIASES = {"iob2": "bio", "bilou": "bioes", "iobes": "bioes"}
_ALLOWED = {"bio": "BIO", "iob1": "BIO", "io": "IO", "bioes": "BIOES", "lenient": "BIO"}
_TAG = re.compile(r"(?:O|([BIESLU])-(\S+))")
DOCSTART = "-DOCSTART-"


class _Token(NamedTuple):
    line: int
    text: str
    tag: str  # as written, for messages
    prefix: str  # "O", "B", "I", "E" or "S" (L and U are read as E and S)
    category: str


def read_conll(
    data: str | bytes, *, name: str = "upload.conll", scheme: str = "auto", per_sentence: bool = False
) -> list[DocumentData]:
    """Reads a CoNLL file; raises `FormatProblems` listing every problem.

    Args:
        scheme: "bio" (IOB2), "iob1", "io", "bioes" (BILOU letters too) or "auto": BIOES when E-/S-/L-/U-
            tags appear, else BIO where an I- that continues no same-type entity starts one (IOB1's meaning).
        per_sentence: make each sentence its own document (tweets in WNUT17 have no `-DOCSTART-`, and a whole
            file as one document would break the document size limit).
    """
    problems = ProblemList()
    requested, scheme = scheme, _ALIASES.get(scheme.lower(), scheme.lower())
    if scheme not in SCHEMES:
        problems.add(f"Unknown tagging scheme '{requested}'; use one of {', '.join(SCHEMES)}.")
        problems.raise_if_any("The CoNLL file")
    text = upload_text(data, name, problems)
    groups = _parse(text, problems, per_sentence) if text is not None else []
    if scheme == "auto":
        used = {token.prefix for sentences in groups for sentence in sentences for token in sentence}
        # Without E/S there is no telling IOB1 from BIO, and the lenient reading is right for both.
        scheme = "bioes" if used & {"E", "S"} else "lenient"
    stem = name_stem(name)
    documents = [
        _document(f"{stem}-{number:05d}.txt", sentences, scheme, problems)
        for number, sentences in enumerate(groups, start=1)
    ]
    problems.sort(key=_line_number)  # tags are checked before sequences; report in file order
    check_documents(documents, None, problems)
    check_entity_types(list(dict.fromkeys(s.category for d in documents for s in d.labels)), problems)
    problems.raise_if_any("The CoNLL file")
    return documents


def _line_number(problem: dict) -> int:
    target = problem.get("target") or ""
    return int(target.removeprefix("line ")) if target.startswith("line ") else 0


def _parse(text: str, problems: ProblemList, per_sentence: bool) -> list[list[list[_Token]]]:
    """Documents, each a list of sentences, each a list of tokens; empty documents are left out."""
    documents: list[list[list[_Token]]] = [[]]
    sentence: list[_Token] = []

    def end_sentence() -> None:
        nonlocal sentence
        if sentence:
            documents[-1].append(sentence)
            if per_sentence:
                documents.append([])
        sentence = []

    for number, line in enumerate(text.split("\n"), start=1):
        columns = line.split()
        if not columns:
            end_sentence()
        elif columns[0] == DOCSTART:
            end_sentence()
            documents.append([])
        elif len(columns) < 2:
            problems.add(f"Expected a token and a tag, got '{line.strip()}'.", f"line {number}")
        else:
            match = _TAG.fullmatch(columns[-1])
            if match is None:
                problems.add(f"Tag '{columns[-1]}' is not O or B-, I-, E-, S-, L-, U- and a type.", f"line {number}")
                continue
            prefix = {"L": "E", "U": "S"}.get(match[1], match[1] or "O")
            sentence.append(_Token(number, columns[0], columns[-1], prefix, match[2] or ""))
    end_sentence()
    return [sentences for sentences in documents if sentences]


def _document(location: str, sentences: list[list[_Token]], scheme: str, problems: ProblemList) -> DocumentData:
    lines: list[str] = []
    labels: list[Span] = []
    offset = 0
    for sentence in sentences:
        starts = []
        for token in sentence:
            starts.append(offset)
            offset += len(token.text) + 1  # the space, or the newline after the sentence's last token
        for first, last, category in _decode(sentence, scheme, problems):
            labels.append(Span(starts[first], starts[last] + len(sentence[last].text), category))
        lines.append(" ".join(token.text for token in sentence))
    return DocumentData(location=location, text="\n".join(lines), labels=labels)


def _decode(sentence: list[_Token], scheme: str, problems: ProblemList) -> list[tuple[int, int, str]]:
    """Entities of one sentence as (first token, last token, type); sequences the scheme forbids are problems.

    Every tag is still read its most likely way so that one pass reports all problems.
    """
    entities: list[tuple[int, int, str]] = []
    current: tuple[int, str] | None = None  # (first token, type) of the open entity
    excused = -1  # an entity opened by a tag already reported, so its missing E- is not reported again

    def close(last: int) -> None:
        nonlocal current
        if current is not None:
            entities.append((current[0], last, current[1]))
            current = None

    def unclosed(at: _Token | None) -> None:
        # In BIOES an entity ends with E- (or is one S- token); anything else leaves its end unknown.
        if scheme == "bioes" and current is not None and current[0] != excused:
            opener, where = sentence[current[0]].tag, f"before '{at.tag}'" if at else "at the sentence end"
            line = (at or sentence[-1]).line
            problems.add(f"Entity '{opener}' is not closed with E-{current[1]} {where}.", f"line {line}")

    for i, token in enumerate(sentence):
        prefix, category = token.prefix, token.category
        target = f"line {token.line}"
        continues = current is not None and current[1] == category
        if prefix not in _ALLOWED[scheme]:
            problems.add(f"Tag '{token.tag}' is not part of the {scheme.upper()} scheme.", target)
        if prefix in ("I", "E") and continues:
            if prefix == "E":
                close(i)
            continue
        if prefix in ("I", "E") and scheme in ("bio", "bioes"):
            problems.add(f"'{token.tag}' does not continue a {category} entity; start it with B-.", target)
            excused = i
        elif prefix == "B" and scheme == "iob1" and not continues:
            message = f"IOB1 uses '{token.tag}' only right after another {category} entity; use I-{category}."
            problems.add(message, target)
        else:
            unclosed(token)
        close(i - 1)
        if prefix == "S":
            entities.append((i, i, category))
        elif prefix == "E":  # an E- that continues nothing: read as a one-token entity
            entities.append((i, i, category))
        elif prefix != "O":  # B-, or an I- that continues nothing (IOB1's meaning)
            current = (i, category)
    unclosed(None)
    close(len(sentence) - 1)
    return entities


def write_conll(documents: Iterable[DocumentData]) -> tuple[str, list[dict]]:
    """BIO CoNLL: the studio's tokens, one sentence per line of text, `-DOCSTART-` before each document.

    Tokens are `studio.tokenization.tokenize`'s, the ones the model trains on and labeling snaps to, so
    punctuation is its own token ("Corporation ," not "Corporation,") and a label drawn in the studio fits.
    Returns the file and a report with one entry per label that does not fit the tokens (it starts or ends
    inside a token, crosses a line break, shares a token with another label or covers no token) and per
    document without tokens. Such labels are still tagged on the tokens they touch, where those are free.
    """
    out: list[str] = []
    report: list[dict] = []
    for doc in documents:
        out.append(f"{DOCSTART} -X- -X- O\n\n")
        newlines = [i for i, ch in enumerate(doc.text) if ch == "\n"]
        # (start, end, line number) in text order; a token never holds whitespace, so never a newline.
        tokens = [(t.start, t.end, bisect.bisect_left(newlines, t.start)) for t in tokenize(doc.text)]
        if not tokens:
            message = "The document has no tokens, so it is not in the CoNLL output."
            report.append(_entry(doc, Span(0, len(doc.text), ""), message))
        tags = ["O"] * len(tokens)
        ends = [end for _, end, _ in tokens]
        for span in sorted(doc.labels, key=lambda s: (s.start, s.end)):
            message = _tag_label(span, tokens, ends, tags)
            if message:
                report.append(_entry(doc, span, message))
        for i, (start, end, number) in enumerate(tokens):
            if i and number != tokens[i - 1][2]:
                out.append("\n")  # a new line of text is a new sentence
            out.append(f"{doc.text[start:end]} {tags[i]}\n")
        if tokens:
            out.append("\n")
    return "".join(out), report


def _tag_label(span: Span, tokens: list[tuple[int, int, int]], ends: list[int], tags: list[str]) -> str:
    """Tags the free tokens `span` touches; returns what did not fit (empty when the label fits exactly)."""
    first = bisect.bisect_right(ends, span.start)  # the first token ending after the label starts
    touched = range(first, first)
    for last in range(first, len(tokens)):
        if tokens[last][0] >= span.end:
            break
        touched = range(first, last + 1)
    if not touched:
        return "The label covers no token (only whitespace), so it is not in the CoNLL output."
    free = [i for i in touched if tags[i] == "O"]
    tagged = set(free)
    for i in free:
        # B- unless the previous token, in the same sentence, was tagged for this label.
        inside = i - 1 in tagged and tokens[i - 1][2] == tokens[i][2]
        tags[i] = ("I-" if inside else "B-") + span.category
    problems = []
    if tokens[touched[0]][0] != span.start or tokens[touched[-1]][1] != span.end:
        problems.append("does not start and end on token boundaries")
    if tokens[touched[0]][2] != tokens[touched[-1]][2]:
        problems.append("crosses a line break (CoNLL sentences are lines)")
    if len(free) < len(touched):
        problems.append("shares a token with another label")
    if not problems:
        return ""
    if not free:
        return f"The label {' and '.join(problems)}; with no token of its own, it is not in the CoNLL output."
    return f"The label {' and '.join(problems)}; the CoNLL output tags the whole tokens it touches."


def _entry(doc: DocumentData, span: Span, message: str) -> dict:
    return {
        "location": doc.location,
        "category": span.category,
        "start": span.start,
        "end": span.end,
        "text": doc.text[span.start : span.end],
        "message": message,
    }

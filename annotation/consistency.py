"""The consistency check, pure: strings labeled as a type somewhere but (a) left unlabeled elsewhere or (b) labeled
with another type elsewhere, and the plan for labeling every occurrence of one string with one type.

A string is compared token by token (`studio.tokenization`, the tokens labeling, training and the CoNLL export
use), so "Bank" matches the word "Bank" and never the inside of "Banking"; case counts unless
`case_sensitive=False` (then tokens are compared case-folded). A check makes two passes, each bounded: the
distinct labeled strings (with counts, grouped by the database) build an index of token keys; then every document
is tokenized once and its runs of tokens are looked up in that index. Only counts and a few examples per string
are kept, never the documents.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from annotation.spans import Span, check_no_overlap
from studio.exceptions import InvalidInput
from studio.tokenization import tokenize

Key = tuple[str, ...]

EXAMPLES = 3  # occurrences kept per string and kind (unlabeled, labeled with another type)
CONTEXT_CHARS = 40  # of text shown on each side of an occurrence


def surface_key(text: str, *, case_sensitive: bool = True) -> Key:
    """The tokens of `text`, case-folded unless `case_sensitive`: two strings match when their keys are equal."""
    words = tuple(text[t.start : t.end] for t in tokenize(text))
    return words if case_sensitive else tuple(w.casefold() for w in words)


def _searchable(key: Key) -> bool:
    return any(ch.isalnum() for word in key for ch in word)  # a label on "$" or "--" is no name to look for


@dataclass(frozen=True)
class LabeledSurface:
    """How often the labels of one type cover exactly `text` (one row of a grouped query)."""

    text: str
    category: str
    count: int = 1


@dataclass(frozen=True)
class ScanDocument:
    """A document as the scan reads it: its text and labels (non-overlapping, as the overlap rule keeps them)."""

    id: int
    location: str
    text: str
    labels: Sequence[Span]
    own: bool = False  # `labels` are the acting annotator's own (the document is labeled independently)
    locked: str = ""  # why no label may be added here (labeled independently by others), if so


class SurfaceIndex:
    """The labeled strings by token key: which types label them, how often, and how they are spelled."""

    def __init__(self, surfaces: Iterable[LabeledSurface], *, case_sensitive: bool = True) -> None:
        self.case_sensitive = case_sensitive
        self.types: dict[Key, Counter[str]] = {}
        self.spellings: dict[Key, Counter[str]] = {}
        self._lengths: dict[str, set[int]] = {}  # first token -> lengths of the keys starting with it
        for surface in surfaces:
            key = surface_key(surface.text, case_sensitive=case_sensitive)
            if not key or not _searchable(key):
                continue
            self.types.setdefault(key, Counter())[surface.category] += surface.count
            self.spellings.setdefault(key, Counter())[" ".join(surface.text.split())] += surface.count
            self._lengths.setdefault(key[0], set()).add(len(key))

    def __len__(self) -> int:
        return len(self.types)

    def surface(self, key: Key) -> str:
        """The key's most frequent labeled spelling."""
        return self.spellings[key].most_common(1)[0][0]

    def occurrences(self, text: str, *, only: Key | None = None) -> Iterator[tuple[Key, int, int]]:
        """(key, start, end) of every whole-token run of `text` that is a labeled string (only `only`, if given).
        Runs of one key never overlap each other (leftmost first); runs of different keys may."""
        tokens = tokenize(text)
        words = [text[t.start : t.end] for t in tokens]
        if not self.case_sensitive:
            words = [w.casefold() for w in words]
        reach: dict[Key, int] = {}  # per key, where its last run ended
        for i, word in enumerate(words):
            lengths = self._lengths.get(word)
            if not lengths:
                continue
            for n in sorted(lengths, reverse=True):
                if i + n > len(words):
                    continue
                key = tuple(words[i : i + n])
                if key not in self.types or (only is not None and key != only):
                    continue
                start, end = tokens[i].start, tokens[i + n - 1].end
                if start < reach.get(key, 0):
                    continue
                reach[key] = end
                yield key, start, end


class Status(StrEnum):
    LABELED = "labeled"  # a label covers exactly the occurrence
    UNLABELED = "unlabeled"  # no label touches it
    INSIDE = "inside"  # it lies within (or across) a label of another extent, such as "Ana" in "Ana López"


@dataclass(frozen=True)
class Occurrence:
    document_id: int
    location: str
    start: int
    end: int
    status: Status
    category: str = ""  # the type of the label covering it exactly (status LABELED)
    before: str = ""  # the text around it, for showing
    matched: str = ""
    after: str = ""
    own: bool = False  # in the acting annotator's own labels (`ScanDocument.own`)


class _Labels:
    """One document's labels, sorted, for finding the labels an occurrence touches (they never overlap, so their
    ends are sorted too)."""

    def __init__(self, labels: Sequence[Span]) -> None:
        self.spans = sorted(labels, key=lambda s: (s.start, s.end))
        self.ends = [s.end for s in self.spans]

    def touching(self, start: int, end: int) -> list[Span]:
        i = bisect_right(self.ends, start)
        found = []
        while i < len(self.spans) and self.spans[i].start < end:
            found.append(self.spans[i])
            i += 1
        return found


def _classify(labels: _Labels, start: int, end: int) -> tuple[Status, str]:
    touching = labels.touching(start, end)
    if not touching:
        return Status.UNLABELED, ""
    if len(touching) == 1 and (touching[0].start, touching[0].end) == (start, end):
        return Status.LABELED, touching[0].category
    return Status.INSIDE, ""


def _occurrence(document: ScanDocument, start: int, end: int, status: Status, category: str = "") -> Occurrence:
    text = document.text
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    if lo > 0:  # cut at a word boundary
        lo = next((i + 1 for i in range(lo, start) if text[i].isspace()), lo)
    if hi < len(text):
        hi = next((i for i in range(hi - 1, end, -1) if text[i].isspace()), hi)
    before, after = " ".join(text[lo:start].split()), " ".join(text[end:hi].split())
    if text[start - 1 : start].isspace() and before:
        before += " "
    if text[end : end + 1].isspace() and after:
        after = " " + after
    return Occurrence(
        document_id=document.id,
        location=document.location,
        start=start,
        end=end,
        status=status,
        category=category,
        before=("…" if lo > 0 else "") + before,
        matched=text[start:end],
        after=after + ("…" if hi < len(text) else ""),
    )


@dataclass(frozen=True)
class TypeCount:
    category: str
    count: int


@dataclass
class Finding:
    """One string that is labeled inconsistently."""

    surface: str  # as most of its labels spell it
    types: list[TypeCount]  # the types labeling it, most frequent first (types[0]: the one suggested)
    unlabeled: int = 0  # occurrences no label touches
    unlabeled_documents: int = 0
    inside: int = 0  # occurrences within or across a label of another extent (not counted as inconsistent)
    # A few unlabeled occurrences, then a few labeled with another type, then one labeled with `type` to compare.
    examples: list[Occurrence] = field(default_factory=list)

    @property
    def labeled(self) -> int:
        return sum(t.count for t in self.types)

    @property
    def type(self) -> str:
        return self.types[0].category

    @property
    def other_type(self) -> int:
        """Labels of this string with a type other than the most frequent one."""
        return self.labeled - self.types[0].count

    @property
    def weight(self) -> int:
        return self.unlabeled + self.other_type


@dataclass
class _Tally:
    unlabeled: int = 0
    unlabeled_documents: int = 0
    last_document: int | None = None
    inside: int = 0
    unlabeled_examples: list[Occurrence] = field(default_factory=list)
    other_examples: list[Occurrence] = field(default_factory=list)


def _ranked(types: Counter[str]) -> list[TypeCount]:
    return [TypeCount(c, n) for c, n in sorted(types.items(), key=lambda item: (-item[1], item[0]))]


def find_inconsistencies(index: SurfaceIndex, documents: Iterable[ScanDocument]) -> list[Finding]:
    """Every labeled string that is (a) unlabeled somewhere or (b) labeled with more than one type, the most
    inconsistent first. Each document is tokenized once; only counts and a few examples are kept."""
    tallies: dict[Key, _Tally] = {}
    majority = {key: _ranked(types)[0].category for key, types in index.types.items()}
    compare: dict[Key, Occurrence] = {}  # per key, its first occurrence labeled with its most frequent type
    for document in documents:
        labels = _Labels(document.labels)
        for key, start, end in index.occurrences(document.text):
            status, category = _classify(labels, start, end)
            if status is Status.LABELED and category == majority[key]:
                if key not in compare:
                    compare[key] = _occurrence(document, start, end, status, category)
                continue
            tally = tallies.setdefault(key, _Tally())
            if status is Status.INSIDE:
                tally.inside += 1
            elif status is Status.UNLABELED:
                tally.unlabeled += 1
                if tally.last_document != document.id:
                    tally.unlabeled_documents += 1
                    tally.last_document = document.id
                if len(tally.unlabeled_examples) < EXAMPLES:
                    tally.unlabeled_examples.append(_occurrence(document, start, end, status))
            elif len(tally.other_examples) < EXAMPLES:
                tally.other_examples.append(_occurrence(document, start, end, status, category))
    findings = []
    for key, types in index.types.items():
        tally = tallies.get(key, _Tally())
        if not tally.unlabeled and len(types) < 2:
            continue
        findings.append(
            Finding(
                surface=index.surface(key),
                types=_ranked(types),
                unlabeled=tally.unlabeled,
                unlabeled_documents=tally.unlabeled_documents,
                inside=tally.inside,
                examples=tally.unlabeled_examples + tally.other_examples + ([compare[key]] if key in compare else []),
            )
        )
    findings.sort(key=lambda f: (-f.weight, f.surface.casefold(), f.surface))
    return findings


@dataclass(frozen=True)
class Skipped:
    occurrence: Occurrence
    reason: str  # the overlap rule's own message


@dataclass(frozen=True)
class LabelAllPlan:
    """What labeling every occurrence of `surface` as `category` would do."""

    surface: str
    category: str
    case_sensitive: bool
    create: list[Occurrence]  # unlabeled occurrences, to be labeled
    already: int  # occurrences already labeled with `category`
    skipped: list[Skipped]  # occurrences a label overlaps (another type, a longer label), or in locked documents
    documents: int  # documents `create` touches

    @property
    def fingerprint(self) -> str:
        """Identifies `create`, so applying can check that it does what the preview showed."""
        digest = hashlib.sha256()
        for o in self.create:
            digest.update(f"{o.document_id}:{o.start}:{o.end}{':own' if o.own else ''};".encode())
        return digest.hexdigest()[:32]


def plan_label_all(
    surface: str, category: str, documents: Iterable[ScanDocument], *, case_sensitive: bool = True
) -> LabelAllPlan:
    """The labels that "label all occurrences of `surface` as `category`" would create, and the occurrences it
    would skip because an existing label overlaps them (the overlap rule of `annotation.spans` decides) or their
    document takes no label from this person (`ScanDocument.locked`)."""
    key = surface_key(surface, case_sensitive=case_sensitive)
    if not key or not _searchable(key):
        raise InvalidInput(f"'{surface}' has no word to look for.", target="surface")
    index = SurfaceIndex([LabeledSurface(surface, category)], case_sensitive=case_sensitive)
    create: list[Occurrence] = []
    skipped: list[Skipped] = []
    already = 0
    touched: set[int] = set()
    for document in documents:
        labels = _Labels(document.labels)
        for _key, start, end in index.occurrences(document.text, only=key):
            status, existing = _classify(labels, start, end)
            if status is Status.LABELED and existing == category:
                already += 1
                continue
            if document.locked:
                skipped.append(Skipped(_occurrence(document, start, end, status, existing), document.locked))
                continue
            try:
                check_no_overlap(Span(start, end, category), labels.touching(start, end), document.text)
            except InvalidInput as refusal:
                skipped.append(Skipped(_occurrence(document, start, end, status, existing), refusal.message))
                continue
            create.append(replace(_occurrence(document, start, end, status), own=document.own))
            touched.add(document.id)
    return LabelAllPlan(
        surface=" ".join(surface.split()),
        category=category,
        case_sensitive=case_sensitive,
        create=create,
        already=already,
        skipped=skipped,
        documents=len(touched),
    )

"""Agreement between annotators who labeled the same documents independently (pure: no Django).

Two measures, per entity type and overall:

- span-level F1 between two annotators: a span counts as agreed when both labeled exactly the same characters
  as the same type, so F1 = 2·agreed / (spans of one + spans of the other), symmetric; computed per pair of
  annotators over every document both labeled, then averaged over the pairs (pairs with no span of a type do
  not count for that type);
- Krippendorff's alpha (nominal) over token-level labels: each token of a document is a unit whose value, per
  annotator, is the type of the span covering it ("O" for none); an annotator who did not label a document is
  missing there. Per type the values are "this type" or not. Our own code (the coincidence-matrix form of
  Krippendorff 2011), tested against the reference values of the `krippendorff` package.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

OUTSIDE = "O"


@dataclass(frozen=True)
class AnnotatedSpan:
    start: int
    end: int
    category: str


@dataclass(frozen=True)
class TypeAgreement:
    category: str
    f1: float | None  # pairwise span F1, averaged over pairs of annotators; None when no pair labeled the type
    alpha: float | None  # token-level alpha for "this type or not"; None when undefined (one value everywhere)
    spans: int  # spans of this type, all annotators together


@dataclass(frozen=True)
class Agreement:
    f1: float | None  # pairwise span F1 over all types, averaged over pairs
    alpha: float | None  # token-level nominal alpha over all types
    types: list[TypeAgreement] = field(default_factory=list)
    pairs: int = 0  # pairs of annotators that labeled a document in common
    annotators: int = 0


# A document for agreement: its tokens (start, end), and per annotator the spans they labeled.
AgreementDocument = tuple[Sequence[tuple[int, int]], Mapping[str, Sequence[AnnotatedSpan]]]


def alpha_nominal(units: Iterable[Sequence[str]]) -> float | None:
    """Krippendorff's alpha for nominal values; each unit lists the values its coders gave (missing ones left
    out). Units with fewer than two values carry no information and are skipped. None when undefined (every
    value is the same: no disagreement is expected, so none can be measured)."""
    patterns = Counter(tuple(sorted(values)) for values in units if len(values) >= 2)
    observed: dict[tuple[str, str], float] = defaultdict(float)
    for values, repeats in patterns.items():
        counts = Counter(values)
        m = len(values)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nc - 1) if c == k else nc * nk
                if pairs:
                    observed[c, k] += repeats * pairs / (m - 1)
    totals: dict[str, float] = defaultdict(float)
    for (c, _), value in observed.items():
        totals[c] += value
    n = sum(totals.values())
    disagreement = sum(value for (c, k), value in observed.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n <= 1 or expected == 0:
        return None
    return 1 - (n - 1) * disagreement / expected


def _token_values(tokens: Sequence[tuple[int, int]], spans: Sequence[AnnotatedSpan]) -> list[str]:
    """Per token, the type of the span covering it (a token any span overlaps), else OUTSIDE."""
    values = [OUTSIDE] * len(tokens)
    ordered = sorted(spans, key=lambda s: s.start)
    i = 0
    for at, (start, end) in enumerate(tokens):
        while i < len(ordered) and ordered[i].end <= start:
            i += 1
        if i < len(ordered) and ordered[i].start < end:
            values[at] = ordered[i].category
    return values


def _f1(agreed: int, first: int, second: int) -> float | None:
    return 2 * agreed / (first + second) if first + second else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def agreement_of(documents: Sequence[AgreementDocument]) -> Agreement:
    """Span F1 (pairwise, averaged) and token alpha, per type and overall, over documents labeled by two or more
    annotators."""
    categories: set[str] = set()
    annotators: set[str] = set()
    span_counts: Counter[str] = Counter()
    # per pair of annotators: per category (None: all) [agreed, first's spans, second's spans]
    pair_counts: dict[tuple[str, str], dict[str | None, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0])
    )
    token_units: list[list[str]] = []
    for tokens, by_annotator in documents:
        names = sorted(by_annotator)
        if len(names) < 2:
            continue
        annotators.update(names)
        for name in names:
            for span in by_annotator[name]:
                categories.add(span.category)
                span_counts[span.category] += 1
        for first, second in combinations(names, 2):
            a = {(s.start, s.end, s.category) for s in by_annotator[first]}
            b = {(s.start, s.end, s.category) for s in by_annotator[second]}
            counts = pair_counts[first, second]
            for key, spans_a, spans_b in [(None, a, b)] + [
                (c, {s for s in a if s[2] == c}, {s for s in b if s[2] == c}) for c in {s[2] for s in a | b}
            ]:
                counts[key][0] += len(spans_a & spans_b)
                counts[key][1] += len(spans_a)
                counts[key][2] += len(spans_b)
        per_annotator = [_token_values(tokens, by_annotator[name]) for name in names]
        token_units.extend(list(values) for values in zip(*per_annotator, strict=True))

    def pairwise(category: str | None) -> float | None:
        scores = [_f1(*counts[category]) for counts in pair_counts.values() if category in counts]
        return _mean([score for score in scores if score is not None])

    types = [
        TypeAgreement(
            category=category,
            f1=pairwise(category),
            alpha=alpha_nominal([[v if v == category else OUTSIDE for v in unit] for unit in token_units]),
            spans=span_counts[category],
        )
        for category in sorted(categories)
    ]
    return Agreement(
        f1=pairwise(None) if pair_counts else None,
        alpha=alpha_nominal(token_units),
        types=types,
        pairs=len(pair_counts),
        annotators=len(annotators),
    )

"""The ``label-errors`` section of `loop_bench.py` (kept here so the sections' code stays apart).

wikigold (all 145 documents) with a seeded 10 % of its labels corrupted (dropped, retyped, or an edge moved by one
token), cross-validated (`modeling.ml.cross_validation`) and ranked (`modeling.ml.label_errors`). With N injected
errors: ``found_share_top2n`` is the share of them that an issue among the first 2N covers (same document,
overlapping place), ``injected_share_top2n`` the share of the first 2N issues that cover one. No Django.

    nice -n 10 .venv/bin/python bench/loop_bench.py label-errors --folds 5 --set max_epochs=8 --save-review r.json
    .venv/bin/python bench/loop_bench.py label-errors --load-review r.json   # ranks saved predictions, no training
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from _django import SHARED, scratch_dir

from modeling.config import TrainingConfig, resolve
from modeling.ml.corpus import LabeledDocument
from modeling.ml.label_errors import LabelIssue, ReviewedDocument, find_issues
from studio.tokenization import tokenize

DATASETS = SHARED / "datasets"
DROP, RETYPE, SHIFT = "dropped", "retyped", "boundary shifted"


@dataclass(frozen=True)
class InjectedError:
    doc_id: str
    how: str
    original: tuple[int, int, str]
    corrupted: tuple[int, int, str] | None  # None: dropped

    @property
    def start(self) -> int:
        return min(self.original[0], self.corrupted[0] if self.corrupted else self.original[0])

    @property
    def end(self) -> int:
        return max(self.original[1], self.corrupted[1] if self.corrupted else self.original[1])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    section = parser.add_argument_group("label-errors")
    section.add_argument("--share", type=float, default=0.10, help="share of the labels to corrupt")
    section.add_argument("--corrupt-seed", type=int, default=13, help="seeds the corruption and the folds")
    section.add_argument("--folds", type=int, default=5)
    section.add_argument("--set", action="append", default=[], metavar="FIELD=JSON", help="override a config field")
    section.add_argument("--min-score", type=float, default=0.0, help="leave out issues scored below this")
    section.add_argument("--save-review", default=None, help="write the out-of-fold predictions here (JSON)")
    section.add_argument("--load-review", default=None, help="rank saved predictions instead of training")


def load_documents(name: str) -> list[LabeledDocument]:
    """Every document of a shared dataset (Train and Test alike: cross-validation reviews them all)."""
    with open(DATASETS / name / "azure" / f"{name}.jsonl", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    return [LabeledDocument(r["id"], r["text"], sorted(tuple(s) for s in r["label"])) for r in rows]


def corrupt(
    documents: Sequence[LabeledDocument], share: float, seed: int
) -> tuple[list[LabeledDocument], list[InjectedError]]:
    """Corrupts `share` of all labels, each one way picked at random: dropped, given another type, or one edge
    moved by one token (out or in), never onto another label."""
    rng = random.Random(seed)
    categories = sorted({s[2] for d in documents for s in d.spans})
    everything = [(i, span) for i, d in enumerate(documents) for span in d.spans]
    chosen = rng.sample(everything, round(share * len(everything)))
    spans = [list(d.spans) for d in documents]
    injected: list[InjectedError] = []
    for index, original in sorted(chosen):
        doc = documents[index]
        how = rng.choice([DROP, RETYPE, SHIFT])
        new: tuple[int, int, str] | None = None
        if how == RETYPE:
            new = (original[0], original[1], rng.choice([c for c in categories if c != original[2]]))
        elif how == SHIFT:
            options = _shifts(doc.text, original, [s for s in spans[index] if s != original])
            if options:
                new = rng.choice(options)
            else:
                how = DROP
        spans[index].remove(original)
        if new is not None:
            spans[index].append(new)
        injected.append(InjectedError(doc.doc_id, how, original, new))
    corrupted = [LabeledDocument(d.doc_id, d.text, sorted(s)) for d, s in zip(documents, spans, strict=True)]
    return corrupted, injected


def _shifts(text: str, span: tuple[int, int, str], others: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    start, end, category = span
    tokens = tokenize(text)
    inside = [t for t in tokens if start <= t.start and t.end <= end]
    before = [t for t in tokens if t.end <= start and "\n" not in text[t.end : start]]
    after = [t for t in tokens if t.start >= end and "\n" not in text[end : t.start]]
    options = []
    if before:
        options.append((before[-1].start, end, category))
    if after:
        options.append((start, after[0].end, category))
    if len(inside) > 1:
        options += [(inside[1].start, end, category), (start, inside[-2].end, category)]
    return [o for o in options if not any(o[0] < s[1] and s[0] < o[1] for s in others)]


def covers(issue: LabelIssue, error: InjectedError) -> bool:
    return issue.doc_id == error.doc_id and issue.start < error.end and error.start < issue.end


def _overridden(config: TrainingConfig, settings: list[str]) -> TrainingConfig:
    values = config.as_dict()
    for setting in settings:
        key, _, raw = setting.partition("=")
        values[key] = json.loads(raw)
    return TrainingConfig.from_dict(values)


def _load_review(path: str) -> list[ReviewedDocument]:
    return [
        ReviewedDocument(
            **{**r, "labels": [tuple(s) for s in r["labels"]], "predicted": [tuple(p) for p in r["predicted"]]}
        )
        for r in json.loads(Path(path).read_text())
    ]


def label_errors(args: argparse.Namespace) -> dict:
    import flair  # noqa: F401 - flair sets its logger's level when imported: quieten it after that

    logging.getLogger("flair").setLevel(logging.WARNING)
    documents = load_documents("wikigold")
    corrupted, injected = corrupt(documents, args.share, args.corrupt_seed)
    config = _overridden(resolve(args.config), args.set)
    started = time.monotonic()
    if args.load_review:
        reviewed = _load_review(args.load_review)
    else:
        from modeling.ml.cross_validation import out_of_fold_review

        def progress(percent: float, message: str) -> None:
            print(f"[{time.monotonic() - started:7.0f} s] {percent:5.1f} % {message}", file=sys.stderr, flush=True)

        reviewed = out_of_fold_review(
            config, corrupted, scratch_dir("bench-label-errors-"), folds=args.folds, seed=args.corrupt_seed,
            on_progress=progress,
        )  # fmt: skip
        if args.save_review:
            Path(args.save_review).write_text(json.dumps([asdict(r) for r in reviewed]))
    review_seconds = time.monotonic() - started
    issues = find_issues(reviewed, min_score=args.min_score)
    n = len(injected)
    top = issues[: 2 * n]
    found = [e for e in injected if any(covers(i, e) for i in top)]
    hits = [i for i in top if any(covers(i, e) for e in injected)]
    restored = [
        e for e in injected
        if any(covers(i, e) and e.original in i.suggestion and e.corrupted in (*i.labels, None) for i in top)
    ]  # fmt: skip
    by_how = Counter(e.how for e in injected)
    found_by_how = Counter(e.how for e in found)
    return {
        "section": "label-errors",
        "dataset": "wikigold",
        "documents": len(documents),
        "labels": sum(len(d.spans) for d in documents),
        "config": config.version,
        "overrides": args.set,
        "folds": args.folds,
        "min_score": args.min_score,
        "injected": n,
        "injected_by_kind": dict(by_how),
        "issues": len(issues),
        "top2n": len(top),
        "issues_top2n_by_kind": dict(Counter(i.kind for i in top)),
        "found_by_kind": {how: round(found_by_how[how] / by_how[how], 3) for how in by_how},
        # Of the injected errors, how many an issue among the first 2N covers with the original label as its fix.
        "restored_share_top2n": round(len(restored) / n, 3),
        "review_seconds": None if args.load_review else round(review_seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "found_share_top2n": round(len(found) / n, 3),
        "injected_share_top2n": round(len(hits) / len(top), 3) if top else 0.0,
    }

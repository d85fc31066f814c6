"""Trains one config on a shared dataset straight through `modeling.ml` and prints one JSON line.

    .venv/bin/python bench/ml_core.py wnut17 --config 2026-11-01-accurate
    .venv/bin/python bench/ml_core.py wikigold --config 2026-11-01-fast --set max_epochs=5

wnut17 uses its official Train/Test documents; wikigold an automatic 80/20 split with seed 42. Output:
``{"dataset", "config", "micro_f1", "train_seconds", "peak_rss_mb", ...}``. No Django involved.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _django import SHARED, scratch_dir  # noqa: E402

from annotation.formats.marked import sample_documents  # noqa: E402
from annotation.splits import DEFAULT_SEED, SplitItem, split_documents  # noqa: E402
from modeling.config import TrainingConfig, resolve  # noqa: E402
from modeling.ml.corpus import LabeledDocument  # noqa: E402
from modeling.ml.evaluation import evaluate  # noqa: E402
from modeling.ml.inference import load_tagger, predict_spans  # noqa: E402
from modeling.ml.training import train  # noqa: E402
from modeling.services.data import to_labeled  # noqa: E402

DATASETS = SHARED / "datasets"


def load(name: str) -> tuple[list[LabeledDocument], list[LabeledDocument]]:
    """Train and test documents of a shared dataset, or of the studio's sample project (its manual split)."""
    if name == "sample":
        documents = sample_documents()  # a manual split: Train trains, Test tests, unassigned is left out
        as_labeled = [to_labeled(d) for d in documents]
        train = [doc for doc, d in zip(as_labeled, documents, strict=True) if d.dataset == "Train"]
        return train, [doc for doc, d in zip(as_labeled, documents, strict=True) if d.dataset == "Test"]
    train_docs: list[LabeledDocument] = []
    test_docs: list[LabeledDocument] = []
    with open(DATASETS / name / "azure" / f"{name}.jsonl", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            doc = LabeledDocument(row["id"], row["text"], [tuple(span) for span in row["label"]])
            (test_docs if row.get("dataset") == "Test" else train_docs).append(doc)
    if not test_docs:
        # The studio's own split (stratified, seeded), as a `percentage` 80/20 training job makes it.
        categories = sorted({span[2] for doc in train_docs for span in doc.spans})
        items = [
            SplitItem(i, frozenset(categories.index(span[2]) for span in doc.spans)) for i, doc in enumerate(train_docs)
        ]
        assignments = split_documents(items, test_percent=20, seed=DEFAULT_SEED)
        test_docs = [doc for i, doc in enumerate(train_docs) if assignments[i] == "Test"]
        train_docs = [doc for i, doc in enumerate(train_docs) if assignments[i] == "Train"]
    return train_docs, test_docs


def overridden(config: TrainingConfig, settings: list[str]) -> TrainingConfig:
    """Applies ``field=value`` overrides (values parsed as JSON, else taken as strings)."""
    values = config.as_dict()
    for setting in settings:
        key, _, raw = setting.partition("=")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        target = values
        *path, leaf = key.split(".")
        for part in path:
            target = target[part]
        target[leaf] = value
    return TrainingConfig.from_dict(values)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=["wikigold", "wnut17", "sample"])
    parser.add_argument("--config", default=None, help="trainingConfigVersion (default: the default config)")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="override a field")
    parser.add_argument("--train-docs", type=int, default=None, help="use only the first N training documents")
    parser.add_argument("--workdir", default=None, help="keep the model here (default: a temporary folder, removed)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (0: torch's default)")
    parser.add_argument("--quiet", action="store_true", help="hide flair's training log")
    args = parser.parse_args()
    if args.quiet:
        logging.getLogger("flair").setLevel(logging.WARNING)

    config = overridden(resolve(args.config), args.set)
    train_docs, test_docs = load(args.dataset)
    if args.train_docs:
        train_docs = train_docs[: args.train_docs]
    workdir = Path(args.workdir) if args.workdir else scratch_dir(f"bench-{args.dataset}-")

    cpu_started = _cpu_seconds()
    result = train(config, train_docs, None, workdir, threads=args.threads or None)
    train_cpu = _cpu_seconds() - cpu_started
    started = time.monotonic()
    tagger = load_tagger(result.model_path)
    predicted = predict_spans(tagger, [d.text for d in test_docs], config)
    predict_seconds = time.monotonic() - started
    scores = evaluate([d.spans for d in test_docs], predicted, result.categories)
    changed = {k: v for k, v in config.as_dict().items() if resolve(args.config).as_dict().get(k) != v}
    print(
        json.dumps(
            {
                "dataset": args.dataset,
                "config": config.version,
                "overrides": changed,
                "micro_f1": round(scores["microF1"], 4),
                "micro_precision": round(scores["microPrecision"], 4),
                "micro_recall": round(scores["microRecall"], 4),
                "macro_f1": round(scores["macroF1"], 4),
                "train_seconds": round(result.seconds, 1),
                # CPU seconds do not grow when other processes share the cores (wall seconds do).
                "train_cpu_seconds": round(train_cpu, 1),
                "epoch_seconds": result.epoch_seconds,
                "predict_seconds": round(predict_seconds, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "epochs": result.epochs_run,
                "epochs_planned": result.epochs_planned,
                "averaged_epochs": result.averaged_epochs,
                "stop_reason": result.stop_reason,
                "train_docs": len(train_docs),
                "test_docs": len(test_docs),
                "train_sentences": result.train_sentences,
                "warnings": len(result.warnings),
                "model_mb": round(result.model_path.stat().st_size / 2**20, 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()

"""Per-process cache of loaded taggers for the runtime.

A deployment is looked up in the database on every call (cheap), and its model is loaded once per process
and kept, keyed by model id: a redeploy or swap therefore takes effect on the next request, without a
restart, and requests already running finish on the model they started with. Callers say where the model's file
is (`modeling.services.models.model_file`), so this cache stands below the services.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modeling.config import TrainingConfig
from modeling.models import TrainedModel

MAX_MODELS = 4


@dataclass
class LoadedModel:
    model_id: str
    tagger: Any
    config: TrainingConfig
    # flair's predict is not documented as thread-safe: one prediction per model at a time; the torch ops
    # inside use all cores anyway.
    lock: threading.Lock


_cache: OrderedDict[str, LoadedModel] = OrderedDict()
_cache_lock = threading.Lock()
_loading: dict[str, threading.Lock] = {}


def loaded(model: TrainedModel, file: Path) -> LoadedModel:
    """The model's tagger, loaded on first use in this process (least recently used ones are dropped)."""
    with _cache_lock:
        entry = _cache.get(model.model_id)
        if entry is not None:
            _cache.move_to_end(model.model_id)
            return entry
        load_lock = _loading.setdefault(model.model_id, threading.Lock())
    with load_lock:  # one load per model, however many requests arrive at once
        with _cache_lock:
            entry = _cache.get(model.model_id)
        if entry is None:
            from modeling.ml.inference import load_tagger

            entry = LoadedModel(
                model_id=model.model_id,
                tagger=load_tagger(file),
                config=TrainingConfig.from_dict(model.config),
                lock=threading.Lock(),
            )
            with _cache_lock:
                _cache[model.model_id] = entry
                while len(_cache) > MAX_MODELS:
                    _cache.popitem(last=False)
    return entry


def predict(model: TrainedModel, texts: list[str], *, file: Path) -> list[list[tuple[int, int, str, float]]]:
    """Entities per text, code points, with confidences; `file` is the model's file, loaded on first use."""
    from modeling.ml.inference import predict_spans

    entry = loaded(model, file)
    with entry.lock:
        return predict_spans(entry.tagger, texts, entry.config)


def forget(model_id: str) -> None:
    with _cache_lock:
        _cache.pop(model_id, None)

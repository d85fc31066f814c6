"""Per-process cache of loaded taggers for the runtime, and the preloader that fills it before the first call.

A deployment is looked up in the database on every call (cheap), and its model is loaded once per process
and kept, keyed by model id: a redeploy or swap therefore takes effect on the next request, without a
restart, and requests already running finish on the model they started with. Callers say where the model's file
is (`modeling.services.models.model_file`), so this cache stands below the services.

Loading a model takes seconds (15 s for a MiniLM model on a busy machine), so it should not happen inside the
first call after a deploy. Two things load models ahead of time, each one at a time on a background thread:
- `load_in_background`: the process that handled a deploy or swap starts loading at once (after the commit);
- the preloader (`preloading_start`): web processes run on several gunicorn processes, maybe on several hosts,
  and none can load into another, so each one polls the database every `POLL_SECONDS` for the models that
  deployments serve and `preload`s them. The poll is one small query.

Memory stays bounded by `MAX_MODELS` per process (a MiniLM model takes about 100 MB): the preloader loads deployed
models only while there is room, most recently deployed first, and drops models that no deployment serves any more;
it never evicts a deployed model to make room for another, so it cannot thrash. Models past the bound load on
first use, as before, evicting the least recently used one.

`state(model_id)` says where a model stands in this process (`READY`, `LOADING`, `NOT_LOADED`, `FAILED`), for the
deployments page and its test panel.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modeling.config import TrainingConfig
from modeling.models import TrainedModel

logger = logging.getLogger(__name__)

MAX_MODELS = 4
# How often each web process compares what is deployed with what it has loaded.
POLL_SECONDS = 5.0
# A model whose background load failed (its file is not there yet, say) is tried again after this long.
RETRY_SECONDS = 60.0

READY = "ready"
LOADING = "loading"  # queued for, or in, a load
NOT_LOADED = "notLoaded"  # loads on first use, or when the preloader gets to it
FAILED = "failed"  # the last background load failed; the next call tries again and says why


@dataclass
class LoadedModel:
    model_id: str
    tagger: Any
    config: TrainingConfig
    # flair's predict is not documented as thread-safe: one prediction per model at a time; the torch ops
    # inside use all cores anyway.
    lock: threading.Lock
    loaded_at: float = field(default_factory=time.monotonic)


_cache: OrderedDict[str, LoadedModel] = OrderedDict()
_cache_lock = threading.Lock()
_loading: dict[str, threading.Lock] = {}
_in_progress: set[str] = set()  # being loaded now, by a request or in the background
_queued: set[str] = set()  # handed to the background loader and not finished yet
_failed: dict[str, float] = {}  # model id -> time.monotonic() of its last failed load
# Made on first use and per process: a thread pool or thread from before a fork does not run in the child.
_background: tuple[int, ThreadPoolExecutor] | None = None
_poller: tuple[int, threading.Thread, threading.Event] | None = None


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
                _in_progress.add(model.model_id)
        if entry is None:
            try:
                entry = _load(model, file)
            except Exception:
                with _cache_lock:
                    _failed[model.model_id] = time.monotonic()
                raise
            finally:
                with _cache_lock:
                    _in_progress.discard(model.model_id)
    return entry


def _load(model: TrainedModel, file: Path) -> LoadedModel:
    from modeling.ml.inference import load_tagger

    entry = LoadedModel(
        model_id=model.model_id,
        tagger=load_tagger(file),
        config=TrainingConfig.from_dict(model.config),
        lock=threading.Lock(),
    )
    with _cache_lock:
        _cache[model.model_id] = entry
        _failed.pop(model.model_id, None)
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


def state(model_id: str) -> str:
    """Where the model stands in this process: `READY`, `LOADING`, `NOT_LOADED` or `FAILED`."""
    with _cache_lock:
        if model_id in _cache:
            return READY
        if model_id in _in_progress or model_id in _queued:
            return LOADING
        return FAILED if model_id in _failed else NOT_LOADED


def load_in_background(model: TrainedModel, file: Path) -> None:
    """Queues the model for loading on this process's loader thread (one load at a time); returns at once."""
    global _background
    with _cache_lock:
        if model.model_id in _cache or model.model_id in _queued:
            return
        _queued.add(model.model_id)
        if _background is None or _background[0] != os.getpid():
            _background = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="model-loader"))
        executor = _background[1]
    executor.submit(_load_quietly, model, file)


def _load_quietly(model: TrainedModel, file: Path) -> None:
    try:
        loaded(model, file)
    except Exception:
        # Nobody waits on a background load: say why in the log; the next call loads again and reports the error.
        logger.exception("Could not load model %s from %s in the background.", model.model_id, file)
    finally:
        with _cache_lock:
            _queued.discard(model.model_id)


def preload(deployed: list[tuple[TrainedModel, Path]], *, read_at: float | None = None) -> list[str]:
    """Brings this process's cache in line with `deployed` (the models that deployments serve, most recently
    deployed first, each with its file, as read at `read_at`, a `time.monotonic()`): drops the loaded models that
    are not deployed any more (unless loaded after `read_at`: deployed since), and queues loads of deployed ones
    while there is room under `MAX_MODELS`. Returns the ids queued."""
    deployed_ids = {model.model_id for model, _ in deployed}
    now = time.monotonic()
    read_at = now if read_at is None else read_at
    todo = []
    with _cache_lock:
        for model_id in [m for m, entry in _cache.items() if m not in deployed_ids and entry.loaded_at < read_at]:
            del _cache[model_id]  # a request still running on it keeps its own reference
        room = MAX_MODELS - len(_cache) - len(_queued - set(_cache))
        for model, file in deployed:
            if room <= 0:
                break
            model_id = model.model_id
            if model_id in _cache or model_id in _queued or model_id in _in_progress:
                continue
            if now - _failed.get(model_id, -RETRY_SECONDS) < RETRY_SECONDS:
                continue
            todo.append((model, file))
            room -= 1
    for model, file in todo:
        load_in_background(model, file)
    return [model.model_id for model, _ in todo]


def preloading_start(deployed: Callable[[], list[tuple[TrainedModel, Path]]], *, interval: float = POLL_SECONDS):
    """Starts this process's preloader thread, once per process: every `interval` seconds it calls `deployed()`
    (a database read, on the thread's own connection) and `preload`s the result. Returns whether it started."""
    global _poller
    with _cache_lock:
        if _poller is not None and _poller[0] == os.getpid() and _poller[1].is_alive():
            return False
        stop = threading.Event()
        thread = threading.Thread(target=_poll, args=(deployed, interval, stop), name="model-preloader", daemon=True)
        _poller = (os.getpid(), thread, stop)
    thread.start()
    return True


def preloading_stop() -> None:
    """Stops this process's preloader thread (tests; the thread is a daemon, so a process exits without it)."""
    global _poller
    with _cache_lock:
        poller, _poller = _poller, None
    if poller is not None and poller[0] == os.getpid():
        poller[2].set()
        poller[1].join(timeout=30)


def _poll(deployed: Callable[[], list[tuple[TrainedModel, Path]]], interval: float, stop: threading.Event) -> None:
    from django.apps import apps
    from django.db import connections

    while not apps.ready and not stop.wait(0.1):  # started from AppConfig.ready(): query once set up
        pass
    while not stop.is_set():
        try:
            read_at = time.monotonic()
            preload(deployed(), read_at=read_at)
        except Exception:
            logger.exception("Could not check the deployed models; trying again in %s s.", interval)
        finally:
            connections.close_all()  # this thread's own connections: idle until the next poll
        stop.wait(interval)

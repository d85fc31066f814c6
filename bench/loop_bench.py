"""Model-in-the-loop measurements on wikigold, each section printing one JSON line.

    nice -n 10 .venv/bin/python bench/loop_bench.py uncertainty [--seed 7] [--initial 20] [--add 20]
    nice -n 10 .venv/bin/python bench/loop_bench.py suggestions [--repeats 20] [--model-file model.pt]
    nice -n 10 .venv/bin/python bench/loop_bench.py throughput [--documents 0] [--rounds 2] [--model-file model.pt]
    nice -n 10 .venv/bin/python bench/loop_bench.py speed [--model-file model.pt]   # suggestions, then throughput
    nice -n 10 .venv/bin/python bench/loop_bench.py all

- ``uncertainty``: active learning. Train the default config on `--initial` wikigold documents (drawn with
  `--seed` from the studio's 80/20 split's Train side), score the rest of that side with
  `modeling.ml.uncertainty` (lowest per-token margin, highest mean entropy), add the `--add` most uncertain by each
  measure, or as many drawn at random, retrain, and compare micro F1 on the Test side. Labeling costs by the token:
  a measure that picks longer documents gives the model more to learn from, so each measure also runs stopped at the
  random pick's tokens (``<measure>_same_tokens``), and the tokens and entities each strategy added are reported.
  ``{"section": "uncertainty", "seed", "initial_f1", "f1": {"margin", "entropy", "random"}, "added_tokens": {...},
  "added_entities": {...}, "train_seconds": [...], "score_seconds"}``
- ``suggestions``: the labeling view's suggestions for one 5,000-character document through the studio (the UI JSON
  API, the per-process model cache, storing the suggestions), once the model is loaded; trains a model on 20
  documents first unless ``uncertainty`` ran in the same call (it reuses that one) or ``--model-file`` names one
  (a ``model.pt`` trained with the same config on wikigold).
  ``{"section": "suggestions", "characters", "seconds_median", "seconds_p90", "seconds_max", "suggestions",
  "load_seconds"}``
- ``throughput``: pre-labeling and uncertainty scoring run as the worker runs them (`loop_job_start`, then
  `loop_job_run`: the real services, storing suggestions and scores) on the train side's wikigold documents
  (``--documents``, 0: all), next to the serving path on the same documents and model: the runtime's
  `deployment_predict` in batches of `limits.RUNTIME_DOCUMENTS_MAX` documents, what one analyze-text job runs.
  The model is loaded before any timing; each path runs ``--rounds`` times, interleaved, and the fastest counts.
  ``{"section": "throughput", "documents", "characters", "serving": {"seconds", "documents_per_second",
  "characters_per_second"}, "prelabel": {...}, "uncertainty": {...}, "suggestions": {...}}``: the last line of
  ``speed`` and ``all``, with the suggestions section's times when it ran in the same call.
- ``label-errors`` (`_label_errors.py`; not part of ``all``: it trains 5 folds): wikigold with a seeded 10 % of its
  labels corrupted, cross-validated, the likely errors ranked. ``{"section": "label-errors", ...,
  "found_share_top2n", "injected_share_top2n"}``: the share of the N injected errors found among the first 2N
  issues, and the share of those 2N that are injected errors.

Training length is the config's (epochs), never the clock; the figures are wall seconds on whatever machine runs it.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _label_errors  # noqa: E402
from _django import scratch_dir, setup  # noqa: E402
from ml_core import load  # noqa: E402

from modeling.config import resolve  # noqa: E402
from modeling.ml.corpus import LabeledDocument  # noqa: E402
from modeling.ml.evaluation import evaluate  # noqa: E402
from modeling.ml.inference import load_tagger, predict_spans  # noqa: E402
from modeling.ml.training import train  # noqa: E402
from modeling.ml.uncertainty import MEASURES, document_uncertainty  # noqa: E402
from studio.tokenization import tokenize  # noqa: E402


def _train_and_score(config, documents: list[LabeledDocument], test: list[LabeledDocument], name: str):
    workdir = scratch_dir(f"loop-bench-{name}-")
    started = time.monotonic()
    result = train(config, documents, None, workdir)
    seconds = time.monotonic() - started
    tagger = load_tagger(result.model_path)
    predicted = predict_spans(tagger, [d.text for d in test], config)
    scores = evaluate([d.spans for d in test], predicted, result.categories)
    return round(scores["microF1"], 4), round(seconds, 1), tagger, result.model_path


def uncertainty(args, config) -> dict:
    pool, test = load("wikigold")
    rng = random.Random(args.seed)
    order = list(range(len(pool)))
    rng.shuffle(order)
    initial = [pool[i] for i in order[: args.initial]]
    rest = [pool[i] for i in order[args.initial :]]
    initial_f1, seconds, tagger, model_path = _train_and_score(config, initial, test, "initial")
    train_seconds = [seconds]

    started = time.monotonic()
    scores = document_uncertainty(tagger, [d.text for d in rest], config)
    score_seconds = round(time.monotonic() - started, 1)
    picks = {
        measure: sorted(range(len(rest)), key=lambda i, m=measure: (-scores[i][m], rest[i].doc_id))[: args.add]
        for measure in MEASURES
    }
    picks["random"] = random.Random(args.seed + 1).sample(range(len(rest)), args.add)
    # Labeling costs by the token, not by the document: each measure again, stopped at the random pick's tokens.
    budget = sum(len(tokenize(rest[i].text)) for i in picks["random"])
    for measure in MEASURES:
        ranked = sorted(range(len(rest)), key=lambda i, m=measure: (-scores[i][m], rest[i].doc_id))
        chosen, tokens = [], 0
        for i in ranked:
            if tokens >= budget:
                break
            chosen.append(i)
            tokens += len(tokenize(rest[i].text))
        picks[f"{measure}_same_tokens"] = chosen
    f1, added_tokens, added_entities = {}, {}, {}
    for strategy, chosen in picks.items():
        added = [rest[i] for i in chosen]
        f1[strategy], seconds, _, _ = _train_and_score(config, initial + added, test, strategy)
        train_seconds.append(seconds)
        added_tokens[strategy] = sum(len(tokenize(d.text)) for d in added)
        added_entities[strategy] = sum(len(d.spans) for d in added)
        print(f"# {strategy}: F1 {f1[strategy]}", file=sys.stderr, flush=True)
    args.model = (model_path, initial)  # the suggestions section reuses this model
    return {
        "section": "uncertainty",
        "dataset": "wikigold",
        "config": config.version,
        "seed": args.seed,
        "initial_documents": len(initial),
        "added_documents": args.add,
        "pool_documents": len(rest),
        "test_documents": len(test),
        "initial_f1": initial_f1,
        "f1": f1,
        "added_document_counts": {strategy: len(chosen) for strategy, chosen in picks.items()},
        "added_tokens": added_tokens,
        "added_entities": added_entities,
        "train_seconds": train_seconds,
        "score_seconds": score_seconds,
    }


SENTENCE_SOURCE = "wikigold"


def _model_path(args, config, pool: list[LabeledDocument]) -> Path:
    """The model the speed sections time: ``--model-file``, the uncertainty section's, or one trained now on
    `--initial` documents."""
    model = getattr(args, "model", None)
    if model is None and args.model_file:
        model = (Path(args.model_file), [])
    if model is None:
        initial = random.Random(args.seed).sample(pool, args.initial)
        result = train(config, initial, None, scratch_dir("loop-bench-speed-"))
        model = (result.model_path, initial)
    args.model = model
    return Path(model[0])


_STUDIO: dict = {}


def _studio_project(name: str, pool: list[LabeledDocument], model_path: Path, config):
    """A project `name` with wikigold's entity types and the model as its trained model ``m1`` (Django is set up on
    the first call, on a scratch data folder); returns (user, project, trained model)."""
    if not _STUDIO:
        setup()
        from django.contrib.auth import get_user_model

        _STUDIO["user"] = get_user_model().objects.create_user("bench", password="bench-password", is_superuser=True)
    from django.conf import settings
    from django.utils import timezone

    from annotation.services.entity_types import entity_type_create
    from modeling.models import TrainedModel
    from projects.services.projects import project_create

    user = _STUDIO["user"]
    project = project_create(user=user, name=name)
    for category in sorted({s[2] for d in pool for s in d.spans}):
        entity_type_create(project=project, user=user, name=category)
    target = Path(settings.MODELS_DIR) / f"{project.pk}" / "m1"
    target.mkdir(parents=True)
    shutil.copy(model_path, target / "model.pt")
    trained = TrainedModel.objects.create(
        project=project, label="m1", model_id=f"m1-bench-{project.pk}", path=f"{project.pk}/m1",
        training_config_version=config.version, config=config.as_dict(), trained_at=timezone.now(),
    )  # fmt: skip
    return user, project, trained


def suggestions(args, config) -> dict:
    """Times the UI JSON API's POST …/suggestions on a 5,000-character document, the model already loaded."""
    pool, _ = load(SENTENCE_SOURCE)
    model_path = _model_path(args, config, pool)
    user, project, _ = _studio_project("wikigold", pool, model_path, config)
    from django.test import Client

    from annotation.models import Document

    text = ""
    for document in pool:  # whole wikigold articles until 5,000 characters
        text += document.text + "\n"
        if len(text) >= 5000:
            break
    text = text[:5000]
    document = Document.objects.create(project=project, location="five-thousand.txt", text=text)
    client = Client()
    client.force_login(user)
    url = f"/api/projects/wikigold/documents/{document.pk}/suggestions"
    started = time.monotonic()
    while client.post(url, {"modelLabel": "m1"}, content_type="application/json").status_code == 202:
        time.sleep(0.1)  # loading in the background, as the page waits for it
    load_seconds = round(time.monotonic() - started, 1)
    times, found = [], 0
    for _ in range(args.repeats):
        started = time.perf_counter()
        response = client.post(url, {"modelLabel": "m1"}, content_type="application/json")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
        found = len(response.json()["value"])
    args.suggestions_result = {
        "section": "suggestions",
        "config": config.version,
        "characters": len(text),
        "repeats": args.repeats,
        "seconds_median": round(statistics.median(times), 3),
        "seconds_p90": round(sorted(times)[int(0.9 * (len(times) - 1))], 3),
        "seconds_max": round(max(times), 3),
        "suggestions": found,
        "load_seconds": load_seconds,
    }
    return args.suggestions_result


def _rate(documents: int, characters: int, seconds: float) -> dict:
    return {
        "seconds": round(seconds, 2),
        "documents_per_second": round(documents / seconds, 2),
        "characters_per_second": round(characters / seconds),
    }


def throughput(args, config) -> dict:
    """Pre-labeling and uncertainty scoring through the loop-job services against the runtime's batched
    prediction, on the same documents and model (loaded before any timing)."""
    pool, _ = load(SENTENCE_SOURCE)
    model_path = _model_path(args, config, pool)
    user, project, trained = _studio_project("wikigold-throughput", pool, model_path, config)
    from django.utils import timezone

    from annotation.models import Document
    from modeling.models import Deployment, LoopJob, LoopKind
    from modeling.services.loop import jobs
    from modeling.services.loop.uncertainty import DEFAULT_MEASURE
    from modeling.services.runtime import deployment_predict
    from projects.models import JobStatus
    from studio import limits

    chosen = pool[: args.documents] if args.documents else pool
    documents = Document.objects.bulk_create(
        Document(project=project, location=f"{d.doc_id}.txt", text=d.text) for d in chosen
    )
    ids = [d.pk for d in documents]
    texts = [d.text for d in chosen]
    characters = sum(len(t) for t in texts)
    deployment = Deployment.objects.create(
        project=project, name="bench", trained_model=trained, deployed_at=timezone.now(), created_by=user
    )
    jobs._enqueue = lambda job: None  # the bench runs each job itself, as the worker would (`loop_job_run`)
    deployment_predict(deployment=deployment, texts=texts[:1])  # loads the model into this process's cache

    def serving() -> None:
        step = limits.RUNTIME_DOCUMENTS_MAX
        for at in range(0, len(texts), step):
            deployment_predict(deployment=deployment, texts=texts[at : at + step])

    def loop_job(kind: str, params: dict) -> None:
        job = jobs.loop_job_start(user=user, project=project, kind=kind, params=params, trained_model=trained)
        jobs.loop_job_run(job_pk=job.pk)
        job = LoopJob.objects.get(pk=job.pk)
        assert job.status == JobStatus.SUCCEEDED, (job.status, job.error)

    paths = {
        "serving": serving,
        "prelabel": lambda: loop_job(LoopKind.PRELABEL, {"documentIds": ids}),
        "uncertainty": lambda: loop_job(LoopKind.UNCERTAINTY, {"measure": DEFAULT_MEASURE}),
    }
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, run in paths.items():
            started = time.perf_counter()
            run()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - started)
            print(f"# {name}: {best[name]:.1f} s", file=sys.stderr, flush=True)
    result = {
        "section": "throughput",
        "config": config.version,
        "documents": len(texts),
        "characters": characters,
        "rounds": args.rounds,
        **{name: _rate(len(texts), characters, seconds) for name, seconds in best.items()},
    }
    if getattr(args, "suggestions_result", None):
        result["suggestions"] = {k: v for k, v in args.suggestions_result.items() if k != "section"}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("section", choices=["uncertainty", "suggestions", "throughput", "speed", "all", "label-errors"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--initial", type=int, default=20, help="documents the first model trains on")
    parser.add_argument("--add", type=int, default=20, help="documents each strategy adds")
    parser.add_argument("--repeats", type=int, default=5, help="timed suggestion requests")
    parser.add_argument("--documents", type=int, default=0, help="throughput: wikigold documents (0: all)")
    parser.add_argument("--rounds", type=int, default=2, help="throughput: runs of each path (the fastest counts)")
    parser.add_argument("--model-file", default=None, help="a model.pt trained with --config (skips training)")
    parser.add_argument("--config", default=None, help="trainingConfigVersion (default: the default config)")
    _label_errors.add_arguments(parser)
    args = parser.parse_args()
    logging.getLogger("flair").setLevel(logging.WARNING)
    config = resolve(args.config)
    if args.section in ("uncertainty", "all"):
        print(json.dumps(uncertainty(args, config)), flush=True)
    if args.section in ("suggestions", "speed", "all"):
        print(json.dumps(suggestions(args, config)), flush=True)
    if args.section in ("throughput", "speed", "all"):
        print(json.dumps(throughput(args, config)), flush=True)
    if args.section == "label-errors":
        print(json.dumps(_label_errors.label_errors(args)), flush=True)


if __name__ == "__main__":
    main()

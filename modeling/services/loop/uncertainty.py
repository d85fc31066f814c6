"""The `uncertainty` job: a model scores the project's unlabeled documents by how unsure it is about them
(`modeling.ml.uncertainty`); the documents list can then sort by it, most uncertain first, and the labeling view's
Next follows that order. Each job replaces the project's scores."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from annotation.models import Label
from modeling import serving
from modeling.models import LoopJob, TrainedModel, UncertaintyScore
from modeling.services.loop.jobs import LoopProgress
from modeling.services.models import model_file
from projects.models import Project
from studio import limits
from studio.exceptions import InvalidInput

# Which measure ranks documents when the user does not choose: measured on wikigold by bench/loop_bench.py
# ("uncertainty" section; the README has the figures).
DEFAULT_MEASURE = "margin"
MEASURES = ("margin", "entropy")
# What each measure ranks by, as the documents list's choice says it (`modeling.ml.uncertainty` defines them).
MEASURE_TITLES = {
    "margin": "Smallest margin between a token's two likeliest types",
    "entropy": "Mean entropy of the tokens' types",
}
# Documents per scoring call, the serving path's batch (one analyze-text request's documents): sentences of several
# documents share mini-batches, as in `serving.predict`. Progress and cancel are checked between calls.
BATCH_DOCUMENTS = limits.RUNTIME_DOCUMENTS_MAX


def _unlabeled(project: Project):
    return project.documents.exclude(Exists(Label.objects.filter(document=OuterRef("pk"))))


def check_params(*, project: Project, params: dict[str, Any], trained_model: TrainedModel | None) -> dict[str, Any]:
    if trained_model is None:
        raise InvalidInput("Choose the model (modelLabel) or deployment (deploymentName) that scores documents.")
    measure = params.get("measure") or DEFAULT_MEASURE
    if measure not in MEASURES:
        raise InvalidInput(
            f"Unknown uncertainty measure {measure!r}; choose {' or '.join(MEASURES)}.", target="params.measure"
        )
    if not _unlabeled(project).exists():
        raise InvalidInput("Every document already has labels: there is nothing left to rank by uncertainty.")
    result = {"measure": measure}
    if params.get("deployment"):
        result["deployment"] = params["deployment"]
    return result


def run(job: LoopJob, progress: LoopProgress) -> dict[str, Any]:
    from modeling.ml.uncertainty import document_uncertainty

    model = job.trained_model
    if model is None:
        raise InvalidInput("The model was deleted before the job ran; choose another one.")
    measure = job.params["measure"]
    documents = list(_unlabeled(job.project).order_by("location").values_list("pk", "location"))
    total = len(documents)
    progress.report(0, f"Loading model {model.label}…")
    entry = serving.loaded(model, model_file(model))
    scores: dict[int, float] = {}
    for at in range(0, total, BATCH_DOCUMENTS):
        progress.check_cancel()
        batch = [pk for pk, _ in documents[at : at + BATCH_DOCUMENTS]]
        texts = dict(job.project.documents.filter(pk__in=batch).values_list("pk", "text"))
        present = [pk for pk in batch if pk in texts]  # deleted meanwhile: skipped
        with entry.lock:
            results = document_uncertainty(entry.tagger, [texts[pk] for pk in present], entry.config)
        for pk, result in zip(present, results, strict=True):
            scores[pk] = result[measure]
        done = min(total, at + BATCH_DOCUMENTS)
        progress.report(100 * done / total, f"{done} of {total} unlabeled documents scored")
    progress.check_cancel()
    _scores_replace(job, measure, scores)
    locations = dict(documents)
    top = sorted(scores, key=lambda pk: (-scores[pk], locations[pk]))[:5]
    return {
        "documents": len(scores),
        "measure": measure,
        "mostUncertain": [{"location": locations[pk], "score": round(scores[pk], 4)} for pk in top],
        "summary": f"{len(scores)} unlabeled documents scored by {measure}",
    }


@transaction.atomic
def _scores_replace(job: LoopJob, measure: str, scores: dict[int, float]) -> None:
    """The project's uncertainty scores become this job's (documents deleted meanwhile are left out)."""
    UncertaintyScore.objects.filter(document__project=job.project).delete()
    existing = set(job.project.documents.filter(pk__in=scores).values_list("pk", flat=True))
    now = timezone.now()
    UncertaintyScore.objects.bulk_create(
        UncertaintyScore(document_id=pk, job=job, measure=measure, score=score, scored_at=now)
        for pk, score in scores.items()
        if pk in existing
    )

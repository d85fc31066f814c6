"""Suggestions: a model's predicted entities, offered in the labeling view until a person accepts or rejects them.

A suggestion is not a label: training, evaluation, the distribution and exports read labels only, so suggestions
count nowhere until accepted; accepting one creates an ordinary label through annotation's label service, whose
activity entry says which model it came from. Predicting for a document replaces its open suggestions; a span
over a label, in a category the schema lacks, or the same as one a person rejected before is not suggested (the
rejected one stays rejected). A label drawn later over an open suggestion hides it (`selectors.open_suggestions`):
a person's label always wins.

Predictions come from the process's model cache (`modeling.serving`), the one the runtime uses: a model is loaded
once per process and kept, so the labeling view's suggestions for a document take the prediction's time only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from annotation.models import Document, Label
from annotation.services.labels import label_create
from modeling import selectors, serving
from modeling.models import Deployment, Suggestion, SuggestionStatus, TrainedModel
from modeling.services.models import model_file
from projects.models import Project
from projects.permissions import Action, require
from studio import limits
from studio.exceptions import Conflict, InvalidInput

PredictedSpan = tuple[int, int, str, float]


@dataclass(frozen=True)
class SuggestionSource:
    """The model that suggests, as the user chose it: a trained model, or a deployment's current model."""

    trained_model: TrainedModel
    description: str  # "model m1" or "deployment prod (model m1)": what the activity log and the page say

    @classmethod
    def of_model(cls, model: TrainedModel) -> SuggestionSource:
        return cls(model, f"model {model.label}")

    @classmethod
    def of_deployment(cls, deployment: Deployment) -> SuggestionSource:
        return cls(deployment.trained_model, f"deployment {deployment.name} (model {deployment.trained_model.label})")


def source_get(*, project: Project, model_label: str | None = None, deployment_name: str | None = None):
    """The source a request names (exactly one of a model's label or a deployment's name)."""
    if bool(model_label) == bool(deployment_name):
        raise InvalidInput("Choose a model (modelLabel) or a deployment (deploymentName) to suggest labels.")
    if deployment_name:
        return SuggestionSource.of_deployment(selectors.deployment_get(project=project, name=deployment_name))
    return SuggestionSource.of_model(selectors.trained_model_get(project=project, label=model_label))


def source_ready(source: SuggestionSource) -> bool:
    """Whether this process has the model loaded (predicting then takes the prediction's time only)."""
    return serving.state(source.trained_model.model_id) == serving.READY


def source_load_start(source: SuggestionSource) -> None:
    """Starts loading the model on this process's loader thread; returns at once."""
    serving.load_in_background(source.trained_model, model_file(source.trained_model))


def predict(source: SuggestionSource, texts: Sequence[str]) -> list[list[PredictedSpan]]:
    """Entities per text, code points, with their confidence (loads the model on first use in this process)."""
    model = source.trained_model
    return serving.predict(model, list(texts), file=model_file(model))


@dataclass
class StoreOutcome:
    """What a prediction left in one document: the suggestions now open, and why the others were dropped."""

    suggestions: list[Suggestion]
    over_labels: int = 0
    unknown_categories: dict[str, int] = field(default_factory=dict)
    rejected_before: int = 0
    too_long: int = 0


def _suggestions_replace(
    *, documents: Sequence[Document], source: SuggestionSource, predictions: Sequence[list[PredictedSpan]]
) -> list[StoreOutcome]:
    """Each document's open suggestions become its predicted spans, less those over labels, in categories the
    schema lacks, or rejected before. Call inside a transaction that holds the documents' rows (of one project).
    A handful of queries for the whole batch, whatever its size: pre-labeling stores at the model's pace."""
    if not documents:
        return []
    project = documents[0].project
    types = {name.casefold(): name for name in project.entity_types.values_list("name", flat=True)}
    ids = [document.pk for document in documents]
    labels: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for document_id, start, end in Label.objects.filter(document_id__in=ids).values_list("document_id", "start", "end"):
        labels[document_id].append((start, end))
    rejected: dict[int, set[tuple[int, int, str]]] = defaultdict(set)
    for document_id, *span in Suggestion.objects.filter(
        document_id__in=ids, status=SuggestionStatus.REJECTED
    ).values_list("document_id", "start", "end", "category"):
        rejected[document_id].add(tuple(span))
    Suggestion.objects.filter(document_id__in=ids, status=SuggestionStatus.OPEN).delete()
    model = source.trained_model
    outcomes = []
    for document, spans in zip(documents, predictions, strict=True):
        outcome = StoreOutcome(suggestions=[])
        covered, refused = labels.get(document.pk, ()), rejected.get(document.pk, set())
        for start, end, category, confidence in spans:
            name = types.get(category.casefold())
            if name is None:
                outcome.unknown_categories[category] = outcome.unknown_categories.get(category, 0) + 1
            elif end - start > limits.LABEL_MAX_CHARS:
                outcome.too_long += 1
            elif any(s < end and start < e for s, e in covered):
                outcome.over_labels += 1
            elif (start, end, name) in refused:
                outcome.rejected_before += 1
            else:
                outcome.suggestions.append(
                    Suggestion(
                        document=document,
                        start=start,
                        end=end,
                        category=name,
                        confidence=round(min(1.0, max(0.0, float(confidence))), 4),
                        source=source.description,
                        model_id=model.model_id,
                        trained_model=model,
                    )
                )
        outcomes.append(outcome)
    # One insert for the batch; the instances get their ids (SQLite and PostgreSQL return them).
    Suggestion.objects.bulk_create([suggestion for outcome in outcomes for suggestion in outcome.suggestions])
    return outcomes


def document_suggest(*, user, document: Document, source: SuggestionSource) -> StoreOutcome:
    """Predicts the document with `source` and offers the result as its open suggestions."""
    require(user, document.project, Action.LABEL)
    spans = predict(source, [document.text])[0]  # outside the transaction: it takes the model's time
    with transaction.atomic():
        locked = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
        return _suggestions_replace(documents=[locked], source=source, predictions=[spans])[0]


def documents_suggest(*, documents: Sequence[Document], source: SuggestionSource) -> list[StoreOutcome]:
    """Pre-labels a batch of documents of one project (the `prelabel` job's step): one prediction call, one
    transaction; a document deleted meanwhile is left out."""
    predictions = dict(zip((d.pk for d in documents), predict(source, [d.text for d in documents]), strict=True))
    with transaction.atomic():
        locked = list(
            Document.objects.select_for_update().select_related("project").filter(pk__in=predictions).order_by("pk")
        )
        return _suggestions_replace(documents=locked, source=source, predictions=[predictions[d.pk] for d in locked])


def _open(suggestion: Suggestion) -> Suggestion:
    if suggestion.status != SuggestionStatus.OPEN:
        raise Conflict(f"This suggestion was already {suggestion.status}.", innererror_code="SuggestionDecided")
    return suggestion


def _accept(*, user, suggestion: Suggestion, now) -> Label:
    document = suggestion.document
    entity_type = document.project.entity_types.filter(name__iexact=suggestion.category).first()
    if entity_type is None:
        raise InvalidInput(
            f"The project has no entity type '{suggestion.category}' any more; the suggestion cannot become a label."
        )
    label = label_create(
        document=document,
        user=user,
        entity_type_id=entity_type.pk,
        start=suggestion.start,
        end=suggestion.end,
        source=suggestion.source,
    )
    suggestion.status, suggestion.decided_at, suggestion.decided_by = SuggestionStatus.ACCEPTED, now, user
    suggestion.save(update_fields=["status", "decided_at", "decided_by"])
    return label


@transaction.atomic
def suggestion_accept(*, user, suggestion: Suggestion) -> Label:
    """The suggestion becomes an ordinary label (its activity entry names the model); 409 if a label now overlaps
    it (the label wins) or it was decided meanwhile."""
    suggestion = Suggestion.objects.select_for_update().select_related("document__project").get(pk=suggestion.pk)
    require(user, suggestion.document.project, Action.LABEL)
    return _accept(user=user, suggestion=_open(suggestion), now=timezone.now())


@transaction.atomic
def suggestion_reject(*, user, suggestion: Suggestion) -> Suggestion:
    """Rejects the suggestion: it is no longer offered, nor suggested again by a later prediction."""
    suggestion = Suggestion.objects.select_for_update().select_related("document__project").get(pk=suggestion.pk)
    require(user, suggestion.document.project, Action.LABEL)
    _open(suggestion)
    suggestion.status, suggestion.decided_at, suggestion.decided_by = SuggestionStatus.REJECTED, timezone.now(), user
    suggestion.save(update_fields=["status", "decided_at", "decided_by"])
    return suggestion


def _threshold(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidInput(f"The threshold must be a confidence from 0 to 1, got {value!r}.", target="threshold")
    return float(value)


@transaction.atomic
def suggestions_accept_above(*, user, document: Document, threshold: float) -> list[Label]:
    """Accepts every suggestion on offer in the document whose confidence is at least `threshold`."""
    threshold = _threshold(threshold)
    document = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
    require(user, document.project, Action.LABEL)
    now = timezone.now()
    chosen = selectors.suggestion_list(document=document).filter(confidence__gte=threshold).select_related("document")
    labels = []
    for suggestion in chosen:
        suggestion.document = document
        labels.append(_accept(user=user, suggestion=suggestion, now=now))
    return labels


@transaction.atomic
def suggestions_reject_all(*, user, document: Document) -> int:
    """Rejects every suggestion on offer in the document."""
    document = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
    require(user, document.project, Action.LABEL)
    ids = list(selectors.suggestion_list(document=document).values_list("pk", flat=True))
    return Suggestion.objects.filter(pk__in=ids).update(
        status=SuggestionStatus.REJECTED, decided_at=timezone.now(), decided_by=user
    )

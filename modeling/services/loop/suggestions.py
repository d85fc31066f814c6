"""Suggestions: a model's predicted entities, offered in the labeling view until a person accepts or rejects them.

A suggestion is not a label: training, evaluation, the distribution and exports read labels only, so suggestions
count nowhere until accepted; accepting one creates an ordinary label through annotation's label service, whose
activity entry says which model it came from. Predicting for a document replaces its open suggestions; a span
over a label, in a category the schema lacks, or the same as one a person rejected before is not suggested (the
rejected one stays rejected). A label drawn later over an open suggestion hides it (`selectors.open_suggestions`):
a person's label always wins.

On a document labeled independently (`annotation.selectors_team.whose_labels`) its suggestions are shared by its
annotators, and each is offered them against their own labels (`selectors.suggestion_list`): accepting one writes
the annotator's own label and rejecting one rejects it for them alone (`SuggestionRejection`), so the others are
still offered it; anyone not assigned is refused, as for any label edit there.

Predictions come from the process's model cache (`modeling.serving`), the one the runtime uses: a model is loaded
once per process and kept, so the labeling view's suggestions for a document take the prediction's time only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from annotation import selectors_team
from annotation.models import Document, IndependentLabel, Label
from annotation.services.labels import label_create
from modeling import selectors, serving
from modeling.models import Deployment, Suggestion, SuggestionRejection, SuggestionStatus, TrainedModel
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
    """What a prediction left in one document: the suggestions now offered (to the person who asked), and why the
    others are not."""

    suggestions: list[Suggestion]
    over_labels: int = 0
    unknown_categories: dict[str, int] = field(default_factory=dict)
    rejected_before: int = 0
    too_long: int = 0


def _spans_by_document(rows) -> dict[int, list[tuple[int, int]]]:
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for document_id, start, end in rows:
        spans[document_id].append((start, end))
    return spans


def _keys_by_document(rows) -> dict[int, set[tuple[int, int, str]]]:
    keys: dict[int, set[tuple[int, int, str]]] = defaultdict(set)
    for document_id, *key in rows:
        keys[document_id].add(tuple(key))
    return keys


def _overlaps(spans, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _suggestions_replace(
    *,
    documents: Sequence[Document],
    source: SuggestionSource,
    predictions: Sequence[list[PredictedSpan]],
    user=None,
) -> list[StoreOutcome]:
    """Each document's open suggestions become its predicted spans, less those over labels, in categories the
    schema lacks, or rejected before. Call inside a transaction that holds the documents' rows (of one project).
    On a document labeled independently neither its labels nor what one annotator rejected drop a span (each
    annotator is offered the spans against their own, `selectors.suggestion_list`): its outcome says what `user`
    is offered there.
    A handful of queries for the whole batch, whatever its size: pre-labeling stores at the model's pace."""
    if not documents:
        return []
    project = documents[0].project
    types = {name.casefold(): name for name in project.entity_types.values_list("name", flat=True)}
    ids = [document.pk for document in documents]
    independent = selectors_team.label_sets(documents=Document.objects.filter(pk__in=ids), user=user)
    own = [pk for pk, whose in independent.items() if whose == selectors_team.OWN]
    labels = _spans_by_document(
        Label.objects.filter(document_id__in=ids)
        .exclude(document_id__in=list(independent))
        .values_list("document_id", "start", "end")
    )
    own_labels = _spans_by_document(
        IndependentLabel.objects.filter(document_id__in=own, annotator=user).values_list("document_id", "start", "end")
    )
    rejected = _keys_by_document(
        Suggestion.objects.filter(document_id__in=ids, status=SuggestionStatus.REJECTED).values_list(
            "document_id", "start", "end", "category"
        )
    )
    own_rejected = _keys_by_document(
        SuggestionRejection.objects.filter(document_id__in=own, annotator=user).values_list(
            "document_id", "start", "end", "category"
        )
    )
    Suggestion.objects.filter(document_id__in=ids, status=SuggestionStatus.OPEN).delete()
    model = source.trained_model
    outcomes, stored = [], []
    for document, spans in zip(documents, predictions, strict=True):
        outcome = StoreOutcome(suggestions=[])
        covered, refused = labels.get(document.pk, ()), rejected.get(document.pk, set())
        own_covered, own_refused = own_labels.get(document.pk, ()), own_rejected.get(document.pk, set())
        for start, end, category, confidence in spans:
            name = types.get(category.casefold())
            if name is None:
                outcome.unknown_categories[category] = outcome.unknown_categories.get(category, 0) + 1
            elif end - start > limits.LABEL_MAX_CHARS:
                outcome.too_long += 1
            elif _overlaps(covered, start, end):
                outcome.over_labels += 1
            elif (start, end, name) in refused:
                outcome.rejected_before += 1
            else:
                suggestion = Suggestion(
                    document=document,
                    start=start,
                    end=end,
                    category=name,
                    confidence=round(min(1.0, max(0.0, float(confidence))), 4),
                    source=source.description,
                    model_id=model.model_id,
                    trained_model=model,
                )
                stored.append(suggestion)
                # Stored for every annotator of a document labeled independently; offered to `user` or not.
                if _overlaps(own_covered, start, end):
                    outcome.over_labels += 1
                elif (start, end, name) in own_refused:
                    outcome.rejected_before += 1
                else:
                    outcome.suggestions.append(suggestion)
        outcomes.append(outcome)
    # One insert for the batch; the instances get their ids (SQLite and PostgreSQL return them).
    Suggestion.objects.bulk_create(stored)
    return outcomes


def document_suggest(*, user, document: Document, source: SuggestionSource) -> StoreOutcome:
    """Predicts the document with `source` and offers the result as its open suggestions."""
    require(user, document.project, Action.LABEL)
    spans = predict(source, [document.text])[0]  # outside the transaction: it takes the model's time
    with transaction.atomic():
        locked = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
        return _suggestions_replace(documents=[locked], source=source, predictions=[spans], user=user)[0]


def documents_suggest(*, documents: Sequence[Document], source: SuggestionSource) -> list[StoreOutcome]:
    """Pre-labels a batch of documents of one project (the `prelabel` job's step): one prediction call, one
    transaction; a document deleted meanwhile is left out."""
    predictions = dict(zip((d.pk for d in documents), predict(source, [d.text for d in documents]), strict=True))
    with transaction.atomic():
        locked = list(
            Document.objects.select_for_update().select_related("project").filter(pk__in=predictions).order_by("pk")
        )
        return _suggestions_replace(documents=locked, source=source, predictions=[predictions[d.pk] for d in locked])


def _label_set(document: Document, user) -> str:
    """Whose labels `user`'s decision on a suggestion of `document` is about (`selectors_team.label_set`): refused
    where they write none (others label the document independently)."""
    whose = selectors_team.label_set(document=document, user=user)
    if whose == selectors_team.LOCKED:
        raise selectors_team.labeling_refusal(document=document)
    return whose


def _rejected_by(suggestion: Suggestion, user) -> bool:
    return SuggestionRejection.objects.filter(
        document_id=suggestion.document_id,
        annotator=user,
        start=suggestion.start,
        end=suggestion.end,
        category=suggestion.category,
    ).exists()


def _open(suggestion: Suggestion, *, user, whose: str) -> Suggestion:
    if suggestion.status != SuggestionStatus.OPEN:
        raise Conflict(f"This suggestion was already {suggestion.status}.", innererror_code="SuggestionDecided")
    if whose == selectors_team.OWN and _rejected_by(suggestion, user):
        raise Conflict("You already rejected this suggestion.", innererror_code="SuggestionDecided")
    return suggestion


def _accept(*, user, suggestion: Suggestion, now, whose: str) -> Label | IndependentLabel:
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
    # An assignee's own label now covers it for them; the document's other annotators are still offered it.
    if whose != selectors_team.OWN:
        suggestion.status, suggestion.decided_at, suggestion.decided_by = SuggestionStatus.ACCEPTED, now, user
        suggestion.save(update_fields=["status", "decided_at", "decided_by"])
    return label


def _reject(*, user, suggestions: Sequence[Suggestion], now, whose: str) -> int:
    if whose == selectors_team.OWN:
        rejections = [
            SuggestionRejection(
                document_id=s.document_id,
                annotator=user,
                start=s.start,
                end=s.end,
                category=s.category,
                rejected_at=now,
            )
            for s in suggestions
        ]
        SuggestionRejection.objects.bulk_create(rejections, ignore_conflicts=True)
        return len(rejections)
    return Suggestion.objects.filter(pk__in=[s.pk for s in suggestions]).update(
        status=SuggestionStatus.REJECTED, decided_at=now, decided_by=user
    )


@transaction.atomic
def suggestion_accept(*, user, suggestion: Suggestion) -> Label | IndependentLabel:
    """The suggestion becomes a label of the set `user` writes (the document's, or an assignee's own; its activity
    entry names the model); 409 if a label now overlaps it (the label wins) or it was decided meanwhile."""
    suggestion = Suggestion.objects.select_for_update().select_related("document__project").get(pk=suggestion.pk)
    require(user, suggestion.document.project, Action.LABEL)
    whose = _label_set(suggestion.document, user)
    return _accept(user=user, suggestion=_open(suggestion, user=user, whose=whose), now=timezone.now(), whose=whose)


@transaction.atomic
def suggestion_reject(*, user, suggestion: Suggestion) -> Suggestion:
    """Rejects the suggestion: it is no longer offered, nor suggested again by a later prediction (to `user` alone
    on a document they label independently)."""
    suggestion = Suggestion.objects.select_for_update().select_related("document__project").get(pk=suggestion.pk)
    require(user, suggestion.document.project, Action.LABEL)
    whose = _label_set(suggestion.document, user)
    _reject(user=user, suggestions=[_open(suggestion, user=user, whose=whose)], now=timezone.now(), whose=whose)
    suggestion.refresh_from_db()
    return suggestion


def _threshold(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidInput(f"The threshold must be a confidence from 0 to 1, got {value!r}.", target="threshold")
    return float(value)


@transaction.atomic
def suggestions_accept_above(*, user, document: Document, threshold: float) -> list[Label | IndependentLabel]:
    """Accepts every suggestion on offer to `user` in the document whose confidence is at least `threshold`."""
    threshold = _threshold(threshold)
    document = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
    require(user, document.project, Action.LABEL)
    whose = _label_set(document, user)
    now = timezone.now()
    chosen = selectors.suggestion_list(document=document, user=user).filter(confidence__gte=threshold)
    labels = []
    for suggestion in chosen:
        suggestion.document = document
        labels.append(_accept(user=user, suggestion=suggestion, now=now, whose=whose))
    return labels


@transaction.atomic
def suggestions_reject_all(*, user, document: Document) -> int:
    """Rejects every suggestion on offer to `user` in the document."""
    document = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
    require(user, document.project, Action.LABEL)
    whose = _label_set(document, user)
    offered = list(selectors.suggestion_list(document=document, user=user))
    return _reject(user=user, suggestions=offered, now=timezone.now(), whose=whose)

"""Suggestions: what a prediction leaves in a document (never over a label, schema categories only, not what was
rejected), accepting (an ordinary label with an activity entry naming the model), rejecting, the bulk decisions,
permissions, and that suggestions count nowhere (training data, exports, distribution) until accepted. Predictions
are stand-ins here (`predict` is replaced); tests/modeling/loop/test_suggestions_api.py predicts with a real model."""

from __future__ import annotations

import pytest

from annotation import selectors as annotation_selectors
from annotation.formats.azure import write_project
from annotation.formats.conll import write_conll
from annotation.services.imports import project_data
from annotation.services.labels import label_create
from modeling import selectors
from modeling.models import Suggestion, SuggestionStatus
from modeling.services.loop import suggestions as services
from modeling.services.loop.suggestions import SuggestionSource
from projects.models import Activity
from studio.exceptions import Conflict, InvalidInput, PermissionDenied
from tests.modeling.factories import trained_model_files
from tests.modeling.test_pages import make_team


@pytest.fixture
def team(make_user):
    return make_team(make_user, documents=4, labeled=False)


@pytest.fixture
def source(team):
    return SuggestionSource.of_model(trained_model_files(team.project))


@pytest.fixture
def predictions(monkeypatch):
    """What the stand-in model predicts for every text: set `spans` (start, end, category, confidence)."""

    class Predictions:
        spans: list = []

    def predict(source, texts):
        return [[s for s in Predictions.spans if s[1] <= len(text)] for text in texts]

    monkeypatch.setattr(services, "predict", predict)
    return Predictions


def first_document(team):
    # "Ana Lopez borrowed $1,000 from Acme Bank."
    return team.project.documents.order_by("location").first()


def type_id(team, name):
    return team.project.entity_types.get(name=name).pk


def test_a_prediction_offers_schema_spans_that_no_label_covers(team, source, predictions):
    document = first_document(team)
    assert document.text == "Ana Lopez borrowed $1,000 from Acme Bank."
    label_create(document=document, user=team.owner, entity_type_id=type_id(team, "Borrower"), start=0, end=9)
    predictions.spans = [
        (0, 9, "Borrower", 0.97),  # over the person's label: the label wins
        (4, 18, "Lender", 0.5),  # overlaps it partly: dropped too
        (19, 25, "amount", 0.91),  # the schema's "Amount", whatever the case
        (31, 40, "Lender", 0.62),
        (26, 30, "Planet", 0.8),  # no such entity type
    ]
    outcome = services.document_suggest(user=team.annotator, document=document, source=source)
    assert [(s.start, s.end, s.category, s.confidence) for s in outcome.suggestions] == [
        (19, 25, "Amount", 0.91),
        (31, 40, "Lender", 0.62),
    ]
    assert (outcome.over_labels, outcome.unknown_categories) == (2, {"Planet": 1})
    assert outcome.suggestions[0].source == "model m1"

    # Predicting again replaces the open suggestions rather than adding to them.
    predictions.spans = [(31, 40, "Lender", 0.7)]
    services.document_suggest(user=team.annotator, document=document, source=source)
    assert [(s.start, s.confidence) for s in selectors.suggestion_list(document=document, user=team.annotator)] == [
        (31, 0.7)
    ]


def test_accepting_makes_an_ordinary_label_and_says_so_in_the_activity(team, source, predictions):
    document = first_document(team)
    predictions.spans = [(0, 9, "Borrower", 0.97), (31, 40, "Lender", 0.62)]
    first, second = services.document_suggest(user=team.owner, document=document, source=source).suggestions

    label = services.suggestion_accept(user=team.annotator, suggestion=first)
    assert (label.start, label.end, label.entity_type.name, label.created_by) == (0, 9, "Borrower", team.annotator)
    activity = Activity.objects.filter(project=team.project).first()
    assert activity.summary == ("labeled 'Ana Lopez' as Borrower (accepted from model m1) in loan-000.txt")
    assert activity.user == team.annotator
    first.refresh_from_db()
    assert (first.status, first.decided_by) == (SuggestionStatus.ACCEPTED, team.annotator)
    assert list(selectors.suggestion_list(document=document, user=team.annotator)) == [second]
    with pytest.raises(Conflict, match="This suggestion was already accepted"):
        services.suggestion_accept(user=team.annotator, suggestion=first)


def test_a_label_drawn_over_a_suggestion_wins(team, source, predictions):
    document = first_document(team)
    predictions.spans = [(0, 9, "Borrower", 0.97)]
    (suggestion,) = services.document_suggest(user=team.owner, document=document, source=source).suggestions
    label_create(document=document, user=team.owner, entity_type_id=type_id(team, "Lender"), start=4, end=9)
    assert list(selectors.suggestion_list(document=document, user=team.annotator)) == []  # no longer offered
    with pytest.raises(InvalidInput, match="overlaps the Lender label 'Lopez'") as error:
        services.suggestion_accept(user=team.owner, suggestion=suggestion)
    assert error.value.status == 409
    assert document.labels.count() == 1


def test_a_rejected_suggestion_is_not_offered_again(team, source, predictions):
    document = first_document(team)
    predictions.spans = [(0, 9, "Borrower", 0.97), (31, 40, "Lender", 0.62)]
    first, _ = services.document_suggest(user=team.owner, document=document, source=source).suggestions
    services.suggestion_reject(user=team.annotator, suggestion=first)
    assert [s.start for s in selectors.suggestion_list(document=document, user=team.annotator)] == [31]

    outcome = services.document_suggest(user=team.owner, document=document, source=source)
    assert [s.start for s in outcome.suggestions] == [31] and outcome.rejected_before == 1
    assert not document.labels.exists()


def test_accept_all_above_a_threshold_and_reject_all(team, source, predictions):
    document = first_document(team)
    predictions.spans = [(0, 9, "Borrower", 0.95), (19, 25, "Amount", 0.8), (31, 40, "Lender", 0.42)]
    services.document_suggest(user=team.owner, document=document, source=source)

    labels = services.suggestions_accept_above(user=team.annotator, document=document, threshold=0.8)
    assert [(label.start, label.entity_type.name) for label in labels] == [(0, "Borrower"), (19, "Amount")]
    assert [s.confidence for s in selectors.suggestion_list(document=document, user=team.annotator)] == [0.42]
    assert Activity.objects.filter(summary__contains="(accepted from model m1)").count() == 2

    for bad in (1.5, -0.1, "0.8", None, True):
        with pytest.raises(InvalidInput, match="The threshold must be a confidence from 0 to 1"):
            services.suggestions_accept_above(user=team.annotator, document=document, threshold=bad)

    assert services.suggestions_reject_all(user=team.annotator, document=document) == 1
    assert not selectors.suggestion_list(document=document, user=team.annotator).exists()
    assert document.labels.count() == 2


def test_only_labelers_decide(team, source, predictions):
    document = first_document(team)
    predictions.spans = [(0, 9, "Borrower", 0.95)]
    with pytest.raises(PermissionDenied):
        services.document_suggest(user=team.viewer, document=document, source=source)
    (suggestion,) = services.document_suggest(user=team.owner, document=document, source=source).suggestions
    for decide in (services.suggestion_accept, services.suggestion_reject):
        with pytest.raises(PermissionDenied, match=r"Your role \(viewer\) does not allow you to label documents"):
            decide(user=team.viewer, suggestion=suggestion)
    with pytest.raises(PermissionDenied):
        services.suggestions_accept_above(user=team.viewer, document=document, threshold=0)
    with pytest.raises(PermissionDenied):
        services.suggestions_reject_all(user=team.viewer, document=document)


def test_suggestions_count_nowhere_until_accepted(team, source, predictions):
    """Training and every export read `project_data`, the distribution page `dataset_distribution`: open and
    rejected suggestions change none of them; an accepted one counts as the label it became."""
    document = first_document(team)
    label_create(document=document, user=team.owner, entity_type_id=type_id(team, "Borrower"), start=0, end=9)
    data_before = project_data(project=team.project)
    distribution_before = annotation_selectors.dataset_distribution(project=team.project)
    predictions.spans = [(19, 25, "Amount", 0.9), (31, 40, "Lender", 0.6)]
    for each in team.project.documents.all():
        services.document_suggest(user=team.owner, document=each, source=source)
    amount, lender = selectors.suggestion_list(document=document, user=team.annotator)
    services.suggestion_reject(user=team.owner, suggestion=lender)
    assert Suggestion.objects.count() == 8

    assert project_data(project=team.project) == data_before
    assert write_project(project_data(project=team.project), include_text=True) == write_project(
        data_before, include_text=True
    )
    assert write_conll(project_data(project=team.project).documents) == write_conll(data_before.documents)
    assert annotation_selectors.dataset_distribution(project=team.project) == distribution_before
    assert annotation_selectors.document_list(project=team.project, labeled=True).count() == 1

    services.suggestion_accept(user=team.owner, suggestion=amount)
    (labeled,) = [d for d in project_data(project=team.project).documents if d.labels]
    assert [(s.start, s.category) for s in labeled.labels] == [(0, "Borrower"), (19, "Amount")]

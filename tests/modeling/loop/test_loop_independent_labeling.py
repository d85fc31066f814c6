"""The model in the loop on a document labeled independently (`annotation.selectors_team.whose_labels`): a label
issue (about the document's own labels) is applied by nobody until adjudication; suggestions are offered to each
assignee against their own labels, and their decisions are theirs alone; the suggestion bar is not shown to someone
for whom the document is read-only. Predictions are stand-ins (`predict` is replaced)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotation.models import IndependentLabel, Label
from annotation.services.adjudication import document_adjudicate
from annotation.services.assignments import documents_assign
from annotation.services.labels import label_create
from modeling import selectors
from modeling.models import LabelIssue, LabelIssueStatus, LoopJob, Suggestion, SuggestionStatus
from modeling.services.loop import suggestions as services
from modeling.services.loop.label_issues import label_issue_apply
from modeling.services.loop.suggestions import SuggestionSource
from projects.models import JobStatus, Role
from projects.services.projects import membership_set
from studio.exceptions import Conflict
from tests.modeling.factories import trained_model_files
from tests.modeling.test_pages import make_team

# "Ana Lopez borrowed $1,000 from Acme Bank.": Ana Lopez [0, 9), $1,000 [19, 25), Acme Bank [31, 40)
SPANS = [(0, 9, "Borrower", 0.95), (19, 25, "Amount", 0.9), (31, 40, "Lender", 0.6)]


@pytest.fixture
def team(make_user):
    """loan-000.txt is labeled independently by annie and bob (an annotator each); the others are nobody's."""
    team = make_team(make_user, documents=4, labeled=False)
    team.bob = make_user("bob")
    membership_set(project=team.project, user=team.owner, username="bob", role=Role.ANNOTATOR)
    documents_assign(
        project=team.project, user=team.owner, documents=team.project.documents.filter(location="loan-000.txt"),
        usernames=["annie", "bob"],
    )  # fmt: skip
    return team


@pytest.fixture
def source(team):
    return SuggestionSource.of_model(trained_model_files(team.project))


@pytest.fixture
def predicted(monkeypatch):
    monkeypatch.setattr(services, "predict", lambda source, texts: [list(SPANS) for _ in texts])


def shared(team):
    return team.project.documents.get(location="loan-000.txt")


def type_id(team, name: str) -> int:
    return team.project.entity_types.get(name=name).pk


def offered(document, user) -> list[int]:
    return [s.start for s in selectors.suggestion_list(document=document, user=user)]


# ------------------------------------------------------------------------------------------------ label issues


def lender_issue(team) -> tuple[LabelIssue, Label]:
    """The document's own Lender label on "Acme Bank" (there before it was assigned), and a check's issue saying it
    is a Borrower."""
    document = shared(team)
    lender = Label.objects.create(document=document, entity_type_id=type_id(team, "Lender"), start=31, end=40)
    job = LoopJob.objects.create(
        job_id="check-1",
        project=team.project,
        kind="label-errors",
        status=JobStatus.SUCCEEDED,
        expires_at=timezone.now(),
    )
    issue = LabelIssue.objects.create(
        job=job,
        document=document,
        rank=1,
        kind="wrong-type",
        score=0.9,
        labels=[[31, 40, "Lender"]],
        suggestion=[[31, 40, "Borrower"]],
    )
    return issue, lender


def test_a_label_issue_is_not_applied_to_a_document_labeled_independently(team):
    issue, lender = lender_issue(team)
    document = shared(team)
    # annie's own label that happens to have the id of the document's Lender label: applying must not touch it.
    anns = IndependentLabel.objects.create(
        pk=lender.pk, document=document, annotator=team.annotator, entity_type_id=type_id(team, "Amount"),
        start=19, end=25,
    )  # fmt: skip
    for who in (team.annotator, team.owner):  # an assignee (own copy), and someone not assigned (read-only)
        with pytest.raises(Conflict, match="labeled independently by annie, bob") as refused:
            label_issue_apply(user=who, issue=issue)
        assert refused.value.innererror_code == "IndependentLabeling"
    answer = team.client("annotator").post(f"/api/projects/loans/label-issues/{issue.pk}/apply")
    assert answer.status_code == 409, answer.content
    assert answer.json()["error"]["innererror"]["code"] == "IndependentLabeling"

    anns.refresh_from_db()
    assert (anns.start, anns.end, anns.entity_type.name, anns.version) == (19, 25, "Amount", 1)
    assert [(x.start, x.end, x.entity_type.name) for x in document.labels.all()] == [(31, 40, "Lender")]
    issue.refresh_from_db()
    assert issue.status == LabelIssueStatus.OPEN

    # Adjudicated (the labels kept), the document's labels are everyone's again, and the issue applies.
    document_adjudicate(document=document, user=team.owner, labels=[[31, 40, type_id(team, "Lender")]])
    assert label_issue_apply(user=team.annotator, issue=issue).status == LabelIssueStatus.APPLIED
    assert [(x.start, x.end, x.entity_type.name) for x in document.labels.all()] == [(31, 40, "Borrower")]
    assert IndependentLabel.objects.filter(pk=anns.pk, start=19, end=25).exists()


# ------------------------------------------------------------------------------------------------ suggestions


def test_an_assignee_is_offered_suggestions_against_their_own_labels(team, source, predicted):
    document = shared(team)
    # The document's own label (from before it was assigned) is nobody's copy: it hides nothing from the assignees.
    Label.objects.create(document=document, entity_type_id=type_id(team, "Lender"), start=31, end=40)
    label_create(document=document, user=team.annotator, entity_type_id=type_id(team, "Borrower"), start=0, end=4)

    outcome = services.document_suggest(user=team.annotator, document=document, source=source)
    assert [s.start for s in outcome.suggestions] == [19, 31] and outcome.over_labels == 1
    assert Suggestion.objects.filter(document=document).count() == 3  # stored for bob too
    assert offered(document, team.annotator) == [19, 31]
    assert offered(document, team.bob) == [0, 19, 31]
    listed = team.client("annotator").get(f"/api/projects/loans/documents/{document.pk}/suggestions").json()
    assert [s["start"] for s in listed["value"]] == [19, 31]

    # Accepting all above 0.5 takes only what annie is offered: nothing overlaps her own "Ana ".
    labels = services.suggestions_accept_above(user=team.annotator, document=document, threshold=0.5)
    assert [(x.start, x.annotator) for x in labels] == [(19, team.annotator), (31, team.annotator)]
    assert offered(document, team.annotator) == []
    assert offered(document, team.bob) == [0, 19, 31]  # annie's decisions are hers
    assert set(Suggestion.objects.values_list("status", flat=True)) == {SuggestionStatus.OPEN}
    assert [(x.start, x.end) for x in document.labels.all()] == [(31, 40)]  # the document's labels: untouched


def test_rejecting_on_a_document_labeled_independently_is_for_that_annotator_alone(team, source, predicted):
    document = shared(team)
    services.document_suggest(user=team.bob, document=document, source=source)
    borrower, amount, lender = selectors.suggestion_list(document=document, user=team.annotator)

    services.suggestion_reject(user=team.annotator, suggestion=borrower)
    with pytest.raises(Conflict, match="You already rejected this suggestion"):
        services.suggestion_reject(user=team.annotator, suggestion=borrower)
    services.suggestion_accept(user=team.bob, suggestion=amount)
    assert offered(document, team.annotator) == [19, 31]
    assert offered(document, team.bob) == [0, 31]

    # A later prediction does not offer annie what she rejected; bob still gets it.
    again = services.document_suggest(user=team.annotator, document=document, source=source)
    assert [s.start for s in again.suggestions] == [19, 31] and again.rejected_before == 1
    assert offered(document, team.bob) == [0, 31]

    assert services.suggestions_reject_all(user=team.bob, document=document) == 2
    assert offered(document, team.bob) == [] and offered(document, team.annotator) == [19, 31]
    url = f"/api/projects/loans/documents/{document.pk}/suggestions"
    (amount, lender) = selectors.suggestion_list(document=document, user=team.annotator)
    answer = team.client("annotator").post(f"{url}/{lender.pk}/reject")
    assert (answer.status_code, answer.json()["suggestion"]["status"]) == (200, "rejected")
    answer = team.client("annotator").post(f"{url}/{amount.pk}/accept")
    assert (answer.status_code, answer.json()["suggestion"]["status"]) == (201, "accepted")
    assert set(Suggestion.objects.filter(document=document).values_list("status", flat=True)) == {"open"}
    assert not document.labels.exists()


def test_someone_not_assigned_decides_no_suggestion_there(team, source, predicted):
    document = shared(team)
    services.document_suggest(user=team.owner, document=document, source=source)
    first = Suggestion.objects.filter(document=document).first()
    for decide in (
        lambda: services.suggestion_reject(user=team.owner, suggestion=first),
        lambda: services.suggestion_accept(user=team.owner, suggestion=first),
        lambda: services.suggestions_reject_all(user=team.owner, document=document),
        lambda: services.suggestions_accept_above(user=team.owner, document=document, threshold=0),
    ):
        with pytest.raises(Conflict, match="labeled independently by annie, bob"):
            decide()
    answer = team.client("owner").post(f"/api/projects/loans/documents/{document.pk}/suggestions/reject")
    assert answer.status_code == 409 and answer.json()["error"]["innererror"]["code"] == "IndependentLabeling"
    assert set(Suggestion.objects.values_list("status", flat=True)) == {SuggestionStatus.OPEN}
    assert offered(document, team.annotator) == [0, 19, 31] and offered(document, team.bob) == [0, 19, 31]


# ------------------------------------------------------------------------------------------------ the labeling view


def test_the_suggestion_bar_is_not_shown_where_the_document_is_read_only(team, source, predicted):
    document = shared(team)
    services.document_suggest(user=team.annotator, document=document, source=source)
    label_create(document=document, user=team.annotator, entity_type_id=type_id(team, "Borrower"), start=0, end=9)
    url = f"/projects/loans/documents/{document.pk}/label/"

    owners = team.client("owner").get(url).content.decode()
    assert 'id="read-only-note"' in owners
    assert 'id="suggestion-bar"' not in owners and "accept the suggestion" not in owners

    annies = team.client("annotator").get(url).content.decode()
    assert 'id="suggestion-bar"' in annies and 'data-count="2"' in annies  # against her own labels
    assert "accept the suggestion" in annies

    elsewhere = team.project.documents.get(location="loan-001.txt")
    page = team.client("owner").get(f"/projects/loans/documents/{elsewhere.pk}/label/").content.decode()
    assert 'id="suggestion-bar"' in page and 'id="read-only-note"' not in page


def test_the_bar_and_its_help_keys_decide_once_a_page(team, source, predicted, rf):
    """Both of the labeling view's slots ask whether the user can suggest here: the second asks no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modeling.page_extensions import suggestion_bar, suggestion_keys

    document = team.project.documents.get(location="loan-000.txt")
    request = rf.get("/")
    request.user = team.annotator
    assert suggestion_bar(request=request, project=team.project, page={"document": document}) is not None
    with CaptureQueriesContext(connection) as queries:
        assert suggestion_keys(request=request, project=team.project, page={"document": document}) == {}
    assert len(queries) == 0

    request = rf.get("/")
    request.user = team.owner  # read-only for the owner: neither slot shows
    assert suggestion_bar(request=request, project=team.project, page={"document": document}) is None
    assert suggestion_keys(request=request, project=team.project, page={"document": document}) is None

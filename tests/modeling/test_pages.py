"""Training and model pages: permissions on every page and POST, the train form and its errors, job progress,
and dashboards rendering real evaluations (computed by the metric code on hand-made spans; nothing trains)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from annotation.formats import DocumentData
from annotation.formats.azure import write_project
from annotation.models import Document
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import, project_data
from annotation.spans import Span
from modeling import config as configs
from modeling.ml.evaluation import evaluate
from modeling.models import TrainedModel, TrainingJob
from projects.models import JobStatus, Project, Role
from projects.services.projects import membership_set, project_create

CATEGORIES = ["Borrower", "Amount", "Lender"]
BORROWERS = ["Ana Lopez", "Wei Zhang", "John Smith", "Fatima Okafor", "Lars Eriksson", "Priya Natarajan"]


# ------------------------------------------------------------------------------------------------ helpers


def loan_text(i: int) -> tuple[str, list[Span]]:
    """'Ana Lopez borrowed $1,000 from Acme Bank.' with its three labels."""
    borrower, amount, lender = BORROWERS[i % len(BORROWERS)], f"${(i + 1) * 1000:,}", "Acme Bank"
    text = f"{borrower} borrowed {amount} from {lender}."
    spans = []
    for value, category in ((borrower, "Borrower"), (amount, "Amount"), (lender, "Lender")):
        start = text.index(value)
        spans.append(Span(start, start + len(value), category))
    return text, spans


@dataclass
class Team:
    """A project with one user per role and a user outside it."""

    project: Project
    owner: object
    annotator: object
    viewer: object
    outsider: object

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(getattr(self, who))
        return client


def make_team(make_user, *, documents: int = 12, test_every: int = 4, labeled: bool = True) -> Team:
    """`documents` loan documents; every `test_every`-th is in Test (0: none), the rest in Train."""
    owner = make_user("owner")
    project = project_create(user=owner, name="loans")
    team = Team(project, owner, make_user("annie"), make_user("vic"), make_user("stranger"))
    membership_set(project=project, user=owner, username="annie", role=Role.ANNOTATOR)
    membership_set(project=project, user=owner, username="vic", role=Role.VIEWER)
    docs = []
    for i in range(documents):
        text, spans = loan_text(i)
        dataset = "Test" if test_every and i % test_every == 0 else "Train"
        docs.append(DocumentData(f"loan-{i:03d}.txt", text, dataset=dataset, labels=spans if labeled else []))
    for category in CATEGORIES:
        entity_type_create(project=project, user=owner, name=category)
    documents_import(user=owner, project=project, documents=docs)
    return team


def evaluation_documents(project: Project) -> list[dict]:
    """The project's Test documents as a model would have predicted them: the first right, the second with a
    wrong type and a miss, the third with a spurious span, the rest right."""
    result = []
    for n, doc in enumerate(project.documents.filter(dataset="Test").order_by("location")):
        expected = [[label.start, label.end, label.entity_type.name] for label in doc.labels.order_by("start")]
        predicted = [[s, e, c, 0.9] for s, e, c in expected]
        if n == 1:
            predicted = [[expected[0][0], expected[0][1], "Lender", 0.6], predicted[2]]  # wrong type; Amount missed
        elif n == 2:
            predicted.append([len(doc.text) - 1, len(doc.text), "Amount", 0.3])  # spurious "."
        result.append({"location": doc.location, "language": "en-us", "expected": expected, "predicted": predicted})
    return result


def make_model(
    project: Project,
    label: str = "m1",
    documents: list[dict] | None = None,
    *,
    label_counts: dict | None = None,
    trained_at=None,
) -> TrainedModel:
    """A model record as a finished job leaves it: a real snapshot of the project and a real evaluation."""
    documents = evaluation_documents(project) if documents is None else documents
    folder = Path(settings.MODELS_DIR) / str(project.pk) / label
    folder.mkdir(parents=True, exist_ok=True)
    data = project_data(project=project)
    (folder / "snapshot.json").write_text(json.dumps(write_project(data, include_text=True)))
    if label_counts is None:
        label_counts = {"train": {}, "test": {}}
        for doc in data.documents:
            side = label_counts["test" if doc.dataset == "Test" else "train"]
            for span in doc.labels:
                side[span.category] = side.get(span.category, 0) + 1
    return TrainedModel.objects.create(
        project=project,
        label=label,
        model_id=f"{label}-20260101T000000-abcdef12",
        path=f"{project.pk}/{label}",
        training_config_version=configs.DEFAULT_VERSION,
        config=configs.CONFIGS[configs.DEFAULT_VERSION].for_tokens(1_000).as_dict(),  # a small project's head
        trained_at=trained_at or timezone.now(),
        training_seconds=185.2,
        train_documents=9,
        test_documents=len(documents),
        evaluation=evaluate([d["expected"] for d in documents], [d["predicted"] for d in documents], CATEGORIES),
        evaluation_documents=documents,
        evaluation_options={"kind": "percentage", "trainingSplitPercentage": 80, "testingSplitPercentage": 20},
        label_counts=label_counts,
        created_by=project.memberships.get(role=Role.OWNER).user,
    )


def make_job(project: Project, status: str = JobStatus.NOT_STARTED, label: str = "m1", **fields) -> TrainingJob:
    now = timezone.now()
    return TrainingJob.objects.create(
        job_id=f"job-{label}-{status}",
        project=project,
        model_label=label,
        training_config_version=configs.DEFAULT_VERSION,
        evaluation_options={"kind": "percentage", "trainingSplitPercentage": 80, "testingSplitPercentage": 20},
        status=status,
        expires_at=now + timedelta(days=7),
        heartbeat_at=now,
        **fields,
    )


@pytest.fixture
def team(make_user) -> Team:
    return make_team(make_user)


def url(team: Team, path: str) -> str:
    return f"/projects/{team.project.name}/{path}"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ------------------------------------------------------------------------------------------------ permissions

GET_PAGES = [
    "train/",
    "train/jobs/",
    "train/jobs/job-m1-running/",
    "train/jobs/job-m1-running/progress.json",
    "models/",
    "models/m1/",
    "models/m1/entities/",
    "models/m1/confusion-matrix/",
    "models/m1/test-set/",
]
OWNER_ONLY_PAGES = ["models/m1/delete/", "models/m1/load-snapshot/", "train/jobs/job-m1-running/cancel/"]


@pytest.mark.parametrize("path", GET_PAGES + OWNER_ONLY_PAGES)
def test_non_members_get_404_everywhere(team, path):
    make_model(team.project)
    make_job(team.project, JobStatus.RUNNING)
    response = team.client("outsider").get(url(team, path))
    assert response.status_code == 404
    assert "could not be found" in response.content.decode()


@pytest.mark.parametrize("path", GET_PAGES)
@pytest.mark.parametrize("who", ["viewer", "annotator", "owner"])
def test_every_member_sees_the_pages(team, who, path):
    make_model(team.project)
    make_job(team.project, JobStatus.RUNNING)
    assert team.client(who).get(url(team, path)).status_code == 200


@pytest.mark.parametrize("path", OWNER_ONLY_PAGES)
def test_confirmation_pages_are_owner_only(team, path):
    make_model(team.project)
    make_job(team.project, JobStatus.RUNNING)
    assert team.client("viewer").get(url(team, path)).status_code == 403
    assert team.client("owner").get(url(team, path)).status_code == 200


def test_anonymous_users_are_sent_to_sign_in(team):
    response = Client().get(url(team, "models/"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["viewer", "annotator"])
def test_non_owners_see_why_they_cannot_train_and_cannot_post(team, who):
    client = team.client(who)
    page = client.get(url(team, "train/")).content.decode()
    assert "Only project owners can train models" in page
    assert 'name="model_label"' not in page
    response = client.post(url(team, "train/"), {"target": "new", "model_label": "m9", "split": "percentage"})
    assert response.status_code == 403
    assert "does not allow you to change this project" in response.content.decode()
    assert not TrainingJob.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "annotator"])
def test_non_owners_cannot_cancel_delete_or_load(team, who):
    make_model(team.project)
    job = make_job(team.project, JobStatus.RUNNING)
    client = team.client(who)
    for path in ("train/jobs/job-m1-running/cancel/", "models/m1/delete/", "models/m1/load-snapshot/"):
        assert client.post(url(team, path)).status_code == 403, path
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and not job.cancel_requested
    assert TrainedModel.objects.filter(label="m1").exists()


# ------------------------------------------------------------------------------------------------ train page


def train(team: Team, client: Client | None = None, **data):
    body = {"target": "new", "model_label": "m1", "config_version": configs.DEFAULT_VERSION, "split": "percentage"}
    body.update({"train_percent": "80", "test_percent": "20"}, **data)
    return (client or team.client("owner")).post(url(team, "train/"), body)


def test_train_page_lists_configs_with_the_default_marked(team):
    page = team.client("owner").get(url(team, "train/")).content.decode()
    for version in configs.OFFERED:
        assert f'value="{version}"' in page
        assert configs.CONFIGS[version].description in page
    assert 'value="2026-11-01-fast"' not in page  # measured useless on small projects: not offered
    assert page.count(">Default</span>") == 1
    assert f'value="{configs.DEFAULT_VERSION}" checked' in page
    assert 'name="train_percent" id="id_train_percent" min="1" max="99" step="1" value="80"' in page
    assert "3 Test</span> documents" in page  # manual split counts


def test_manual_split_is_disabled_without_test_documents(make_user):
    team = make_team(make_user, test_every=0)
    page = team.client("owner").get(url(team, "train/")).content.decode()
    assert 'value="manual" disabled' in page
    assert "No documents are assigned to Test" in page
    response = train(team, split="manual")
    assert response.status_code == 400
    assert "a manual split has nothing to test on" in response.content.decode()


def test_starting_training_records_the_job_and_opens_its_progress(team, django_capture_on_commit_callbacks):
    client = team.client("owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = train(team, client, model_label="loans-v1", train_percent="70", test_percent="30")
    job = TrainingJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/loans/train/jobs/{job.job_id}/"
    assert job.model_label == "loans-v1" and job.created_by == team.owner
    assert job.evaluation_options == {"kind": "percentage", "trainingSplitPercentage": 70, "testingSplitPercentage": 30}
    page = client.get(response["Location"])
    assert "Training of model &#x27;loans-v1&#x27; has started." in page.content.decode()


def test_manual_split_and_another_config(team):
    train(team, split="manual", config_version="2026-11-29-accurate")
    job = TrainingJob.objects.get()
    assert job.evaluation_options == {"kind": "manual"} and job.training_config_version == "2026-11-29-accurate"


@pytest.mark.parametrize(
    "data,message",
    [
        ({"model_label": ""}, "Name the new model."),
        ({"model_label": "bad label"}, "Model name &#x27;bad label&#x27; is invalid"),
        ({"config_version": "1999-01-01"}, "Select a valid choice."),
        ({"train_percent": "0"}, "greater than or equal to 1"),
    ],
)
def test_form_errors_are_shown_on_their_field(team, data, message):
    response = train(team, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TrainingJob.objects.exists()


def test_percentages_that_do_not_add_up_are_a_form_error(team):
    response = train(team, train_percent="70", test_percent="20")
    assert response.status_code == 400
    assert "Training and testing must add up to 100%; they add up to 90%." in response.content.decode()
    assert not TrainingJob.objects.exists()


def test_fewer_than_ten_labeled_documents(make_user):
    team = make_team(make_user, documents=9)
    response = train(team)
    assert response.status_code == 400
    assert messages_of(response) == ["Training needs at least 10 labeled documents; the project has 9."]


def test_no_labels(make_user):
    team = make_team(make_user, labeled=False)
    response = train(team)
    assert response.status_code == 400
    assert messages_of(response) == ["The project has no labels; label some entities before training."]


def test_a_job_already_running_is_409(team):
    make_job(team.project, JobStatus.RUNNING, label="other")
    response = train(team)
    assert response.status_code == 409
    assert "A training job is already running in project 'loans' (model 'other'" in messages_of(response)[0]
    assert "Wait for the running job, or cancel it." in response.content.decode()
    assert TrainingJob.objects.count() == 1


def test_more_than_ten_models_says_to_overwrite_and_overwriting_works(team):
    for i in range(10):
        make_model(team.project, f"model{i}", [])
    response = train(team, model_label="model10")
    assert response.status_code == 400
    assert "already has 10 models" in messages_of(response)[0]
    response = train(team, target="overwrite", overwrite_label="model3", model_label="")
    assert response.status_code == 302
    assert TrainingJob.objects.get().model_label == "model3"


def test_a_new_model_cannot_silently_take_an_existing_name(team):
    make_model(team.project, "m1", [])
    response = train(team, model_label="m1")
    assert response.status_code == 400
    assert "A model named &#x27;m1&#x27; already exists" in response.content.decode()
    assert train(team, target="overwrite", overwrite_label="").status_code == 400


def test_retrain_link_preselects_overwriting(team):
    make_model(team.project, "m1", [])
    page = team.client("owner").get(url(team, "train/?retrain=m1")).content.decode()
    assert 'value="overwrite" checked' in page
    assert '<option value="m1" selected>m1</option>' in page
    assert "Overwriting is irreversible." in page


# ------------------------------------------------------------------------------------------------ jobs


def test_progress_json_is_the_azure_job_state_plus_the_curve(team):
    curve = [{"epoch": 1, "loss": 2.5, "dev_score": None}, {"epoch": 2, "loss": 1.2, "dev_score": None}]
    make_job(
        team.project,
        JobStatus.RUNNING,
        training_status=JobStatus.RUNNING,
        training_percent=37,
        training_started_at=timezone.now(),
        progress={"epoch": 2, "total_epochs": 50, "curve": curve},
        warnings=[{"code": "LabelSplitsToken", "message": "split a token", "target": "loan-001.txt:0-3"}],
    )
    state = team.client("viewer").get(url(team, "train/jobs/job-m1-running/progress.json")).json()
    assert state["status"] == "running"
    assert state["result"]["trainingStatus"]["percentComplete"] == 37
    assert state["progress"]["curve"] == curve
    assert state["warnings"][0]["target"] == "loan-001.txt:0-3"
    assert state["modelUrl"] is None and state["canCancel"] is False


def test_a_succeeded_job_links_to_its_model(team):
    make_model(team.project)
    make_job(team.project, JobStatus.SUCCEEDED)
    state = team.client("owner").get(url(team, "train/jobs/job-m1-succeeded/progress.json")).json()
    assert state["modelUrl"] == "/projects/loans/models/m1/"
    page = team.client("owner").get(url(team, "train/jobs/job-m1-succeeded/")).content.decode()
    assert 'href="/projects/loans/models/m1/"' in page
    assert 'id="job-state"' in page


def test_job_page_shows_state_and_the_cancel_button_only_to_owners(team):
    make_job(team.project, JobStatus.RUNNING, training_percent=42)
    owner_page = team.client("owner").get(url(team, "train/jobs/job-m1-running/")).content.decode()
    viewer_page = team.client("viewer").get(url(team, "train/jobs/job-m1-running/")).content.decode()
    assert 'aria-valuenow="42"' in owner_page
    assert "data-cancel-dialog" in owner_page and "data-cancel-button" in owner_page
    assert "data-cancel-dialog" not in viewer_page and "data-cancel-button" not in viewer_page


def test_unknown_job_is_404(team):
    assert team.client("owner").get(url(team, "train/jobs/nope/")).status_code == 404


def test_owner_cancels_a_queued_job_at_once_and_a_running_one_asks_it_to_stop(team):
    job = make_job(team.project)
    response = team.client("owner").post(url(team, f"train/jobs/{job.job_id}/cancel/"))
    assert response.status_code == 302 and response["Location"] == f"/projects/loans/train/jobs/{job.job_id}/"
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    running = make_job(team.project, JobStatus.RUNNING, label="m2")
    team.client("owner").post(url(team, f"train/jobs/{running.job_id}/cancel/"))
    running.refresh_from_db()
    assert running.status == JobStatus.CANCELLING and running.cancel_requested


def test_cancelling_a_job_that_has_ended_says_so_and_changes_nothing(team):
    job = make_job(team.project, JobStatus.SUCCEEDED)
    response = team.client("owner").post(url(team, f"train/jobs/{job.job_id}/cancel/"), follow=True)
    assert response.status_code == 200
    assert "it has already ended (succeeded)" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.cancel_requested) == (JobStatus.SUCCEEDED, False)


def test_jobs_list_shows_status_and_duration(team):
    start = timezone.now() - timedelta(minutes=10)
    make_job(
        team.project,
        JobStatus.SUCCEEDED,
        training_started_at=start,
        training_ended_at=start + timedelta(seconds=100),
        evaluation_ended_at=start + timedelta(seconds=125),
    )
    make_job(team.project, JobStatus.FAILED, label="m2", errors=[{"code": "X", "message": "Out of memory"}])
    page = team.client("viewer").get(url(team, "train/jobs/")).content.decode()
    assert "Succeeded" in page and "2 min 5 s" in page
    assert "Failed" in page and "Out of memory" in page


def test_jobs_list_empty_state(team):
    assert "No training jobs yet" in team.client("owner").get(url(team, "train/jobs/")).content.decode()


# ------------------------------------------------------------------------------------------------ models


def test_models_list_empty_state(team):
    page = team.client("owner").get(url(team, "models/")).content.decode()
    assert "No models yet — train one" in page
    assert 'href="/projects/loans/train/"' in page
    assert "Project owners start training" in team.client("viewer").get(url(team, "models/")).content.decode()


def test_models_list_shows_scores_and_facts(team):
    model = make_model(team.project)
    micro = model.evaluation
    page = team.client("viewer").get(url(team, "models/")).content.decode()
    assert f"{100 * micro['microF1']:.1f}%" in page
    assert f"{100 * micro['microPrecision']:.1f}%" in page
    assert f"{100 * micro['microRecall']:.1f}%" in page
    assert configs.DEFAULT_VERSION in page and "3 min 5 s" in page
    assert "Delete…" not in page  # viewers get no owner actions
    owner_page = team.client("owner").get(url(team, "models/")).content.decode()
    assert 'href="/projects/loans/models/m1/delete/"' in owner_page
    assert 'href="/projects/loans/models/m1/load-snapshot/"' in owner_page


def test_delete_asks_then_deletes_the_model_and_its_files(team, django_capture_on_commit_callbacks):
    model = make_model(team.project)
    folder = Path(settings.MODELS_DIR) / model.path
    client = team.client("owner")
    assert "This cannot be undone." in client.get(url(team, "models/m1/delete/")).content.decode()
    assert TrainedModel.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(team, "models/m1/delete/"))
    assert response.status_code == 302 and response["Location"] == "/projects/loans/models/"
    assert not TrainedModel.objects.exists() and not folder.exists()
    assert client.get(url(team, "models/m1/")).status_code == 404


def test_load_snapshot_asks_then_restores_the_labels_the_model_was_trained_on(team):
    make_model(team.project)
    Document.objects.filter(location="loan-005.txt").delete()
    team.project.documents.get(location="loan-006.txt").labels.all().delete()
    client = team.client("owner")
    confirm = client.get(url(team, "models/m1/load-snapshot/")).content.decode()
    assert "12 documents in place of the current 11" in confirm
    assert "replaced" in confirm
    response = client.post(url(team, "models/m1/load-snapshot/"))
    assert response.status_code == 302 and response["Location"] == "/projects/loans/"
    assert team.project.documents.count() == 12
    assert team.project.documents.get(location="loan-006.txt").labels.count() == 3


def test_load_snapshot_without_a_snapshot_says_so(team):
    model = make_model(team.project)
    (Path(settings.MODELS_DIR) / model.path / "snapshot.json").unlink()
    response = team.client("owner").post(url(team, "models/m1/load-snapshot/"), follow=True)
    assert "has no snapshot on disk" in response.content.decode()
    assert team.project.documents.count() == 12


# ------------------------------------------------------------------------------------------------ dashboard


def test_overview_shows_big_numbers_facts_and_guidance(team):
    counts = {"train": {"Borrower": 9, "Amount": 9, "Lender": 9}, "test": {"Borrower": 3, "Amount": 3}}
    model = make_model(team.project, label_counts=counts)
    page = team.client("viewer").get(url(team, "models/m1/")).content.decode()
    assert f'data-metric="f1">{100 * model.evaluation["microF1"]:.1f}%' in page
    assert "3 min 5 s" in page
    assert "<strong>9</strong> train" in page and "<strong>3</strong> test" in page
    assert "Automatic: 80% train / 20% test" in page
    assert configs.CONFIGS[configs.DEFAULT_VERSION].description in page
    assert "its Train documents hold fewer than 10,000 tokens" in page  # the head chosen for the project
    # Guidance from the label counts: every type under 15 training labels, Lender missing from test.
    assert "3 entity types have too few training labels" in page
    assert "Lender has training labels but no test labels" in page


def test_overview_of_a_healthy_model_says_all_is_well(team):
    counts = {"train": {c: 30 for c in CATEGORIES}, "test": {c: 8 for c in CATEGORIES}}
    docs = [{"location": "x.txt", "expected": [[0, 3, "Borrower"]], "predicted": [[0, 3, "Borrower", 1.0]]}]
    make_model(team.project, documents=docs, label_counts=counts)
    assert "No issues found" in team.client("owner").get(url(team, "models/m1/")).content.decode()


def test_entity_types_tab_has_counts_per_type(team):
    model = make_model(team.project)
    page = team.client("viewer").get(url(team, "models/m1/entities/")).content.decode()
    entities = model.evaluation["entities"]
    # Borrower: 3 test labels, one predicted as Lender -> TP 2, FN 1; Lender: a wrong-type FP.
    assert entities["Borrower"]["truePositiveCount"] == 2 and entities["Borrower"]["falseNegativeCount"] == 1
    assert entities["Lender"]["falsePositiveCount"] == 1
    assert entities["Amount"]["falsePositiveCount"] == 1 and entities["Amount"]["falseNegativeCount"] == 1
    row = page[page.index(">Borrower</span>") :]
    row = row[: row.index("</tr>")]
    assert 'data-sort="2">2</td>' in row and 'data-sort="1">1</td>' in row
    assert '<span class="ds-train">9</span>' in row and '<span class="ds-test">3</span>' in row
    assert "<caption" in page and 'scope="col"' in page


def test_confusion_matrix_carries_raw_and_normalized_values(team):
    make_model(team.project)
    page = team.client("viewer").get(url(team, "models/m1/confusion-matrix/")).content.decode()
    # Borrower row: 2 right, 1 predicted as Lender -> 66.7 % / 33.3 % of the row.
    assert 'data-raw="2" data-normalized="66.7%"' in page
    assert 'data-raw="1" data-normalized="33.3%"' in page
    assert 'name="matrix-mode"' in page and "Raw counts" in page
    assert page.count('class="m-cell m-cell-empty"') == 1  # the ($none, $none) corner


def test_test_set_marks_tp_fn_fp_and_wrong_types(team):
    make_model(team.project)
    page = team.client("viewer").get(url(team, "models/m1/test-set/")).content.decode()
    assert "<strong>3</strong> test documents" in page and "<strong>2</strong> with mistakes" in page
    wrong = page[page.index('data-location="loan-004.txt"') :]
    wrong = wrong[: wrong.index("</li>")]
    assert "wrong type" in wrong and "missed" in wrong
    assert '<mark class="m-mark m-mark-type">Lars Eriksson</mark>' in wrong
    assert "TP 1" in wrong and "FP 1" in wrong and "FN 2" in wrong
    spurious = page[page.index('data-location="loan-008.txt"') :]
    assert '<mark class="m-mark m-mark-fp">.</mark>' in spurious[: spurious.index("</li>")]
    document = team.project.documents.get(location="loan-000.txt")
    assert f'href="/projects/loans/documents/{document.pk}/label/"' in page


def test_mismatches_only_hides_matching_documents(team):
    make_model(team.project)
    page = team.client("viewer").get(url(team, "models/m1/test-set/?mismatches=1")).content.decode()
    assert 'data-location="loan-000.txt"' not in page
    assert 'data-location="loan-004.txt"' in page and 'data-location="loan-008.txt"' in page
    assert 'name="mismatches" value="1" checked' in page


def test_a_document_deleted_since_training_says_so(team):
    make_model(team.project)
    Document.objects.filter(location="loan-004.txt").delete()
    page = team.client("viewer").get(url(team, "models/m1/test-set/")).content.decode()
    entry = page[page.index('data-location="loan-004.txt"') :]
    assert "No longer in the project" in entry[: entry.index("</li>")]


def test_test_set_is_paginated(make_user):
    team = make_team(make_user, documents=50, test_every=2)
    make_model(team.project)
    first = team.client("viewer").get(url(team, "models/m1/test-set/")).content.decode()
    assert first.count('class="card m-doc') == 20 and "Page 1 of 2" in first
    second = team.client("viewer").get(url(team, "models/m1/test-set/?page=2")).content.decode()
    assert second.count('class="card m-doc') == 5


def test_a_model_without_evaluation_says_so(team):
    make_model(team.project)
    TrainedModel.objects.update(evaluation={}, evaluation_documents=[])
    for path in ("models/m1/", "models/m1/entities/", "models/m1/confusion-matrix/", "models/m1/test-set/"):
        page = team.client("owner").get(url(team, path))
        assert page.status_code == 200 and "This model has no evaluation" in page.content.decode()
    assert "No evaluation" in team.client("owner").get(url(team, "models/")).content.decode()


def test_unknown_model_is_404(team):
    response = team.client("owner").get(url(team, "models/nope/"))
    assert response.status_code == 404
    assert "The model &#x27;nope&#x27; could not be found" in response.content.decode()


# ------------------------------------------------------------------------------------------------ estimate, epochs


def test_train_page_estimates_how_long_training_takes_for_every_config_and_split(team):
    from modeling.services.training.estimate import document_counts, estimate_for
    from modeling.services.training.options import EvaluationOptions

    response = team.client("owner").get(url(team, "train/"))
    page = response.content.decode()
    script = page.split('<script id="train-estimates" type="application/json">', 1)[1].split("</script>", 1)[0]
    estimates = json.loads(script)
    assert set(estimates) == set(configs.OFFERED)
    for version in configs.OFFERED:
        config = configs.CONFIGS[version]
        assert set(estimates[version]["percentage"]) == {str(p) for p in range(1, 100)}
        assert f"{config.for_tokens(73).epochs_for(9)} epochs)." in estimates[version]["manual"]  # 73 tokens
    # 12 documents (3 Test): the 80/20 default splits the 9 others 7/2.
    expected = estimate_for(
        counts=document_counts(project=team.project),
        config=configs.CONFIGS[configs.DEFAULT_VERSION],
        evaluation=EvaluationOptions(),
    )
    chosen = estimates[configs.DEFAULT_VERSION]["percentage"]["80"]
    assert chosen.startswith(f"Training will take up to about {math.ceil(expected.total_seconds / 60)} minute")
    assert f"({expected.train_tokens:,} tokens in 7 documents, {expected.epochs} epochs)." in chosen
    assert f'aria-live="polite" aria-atomic="true">{chosen}</p>' in page
    manual = estimates["2026-11-29-accurate"]["manual"]
    assert "in 9 documents, 25 epochs)." in manual
    # The page shows what the form has chosen, after a failed POST too.
    response = train(team, model_label="", config_version="2026-11-29-accurate", split="manual")
    assert f'aria-atomic="true">{manual}</p>' in response.content.decode()


def test_progress_payload_has_epochs_done_and_planned(team):
    job = make_job(
        team.project,
        JobStatus.RUNNING,
        training_status=JobStatus.RUNNING,
        progress={"epoch": 3, "total_epochs": 25, "curve": []},
    )
    state = team.client("viewer").get(url(team, f"train/jobs/{job.job_id}/progress.json")).json()
    assert state["epochs"] == {
        "current": 3, "done": None, "planned": 25, "stopReason": None, "text": "Epoch 3 of 25", "note": "",
    }  # fmt: skip
    page = team.client("viewer").get(url(team, f"train/jobs/{job.job_id}/")).content.decode()
    assert '<span data-field="epoch">Epoch 3 of 25</span>' in page

    progress = {"epoch": 18, "total_epochs": 25, "curve": [], "epochs_run": 18, "stop_reason": "learning_rate"}
    TrainingJob.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, training_status=JobStatus.SUCCEEDED, progress=progress
    )
    state = team.client("viewer").get(url(team, f"train/jobs/{job.job_id}/progress.json")).json()
    assert state["epochs"]["done"] == 18 and state["epochs"]["planned"] == 25
    assert state["epochs"]["text"] == "18 of 25 epochs"
    assert state["epochs"]["note"] == "(the learning rate annealed to its minimum)"
    page = team.client("viewer").get(url(team, f"train/jobs/{job.job_id}/")).content.decode()
    assert "18 of 25 epochs</span>" in page and "(the learning rate annealed to its minimum)</span>" in page

    TrainingJob.objects.filter(pk=job.pk).update(progress={**progress, "epochs_run": 25, "stop_reason": "max_epochs"})
    epochs = team.client("viewer").get(url(team, f"train/jobs/{job.job_id}/progress.json")).json()["epochs"]
    assert (epochs["text"], epochs["note"]) == ("25 of 25 epochs", "")


@pytest.mark.parametrize(
    "status,progress,text",
    [
        (JobStatus.NOT_STARTED, {}, f"{configs.CONFIGS[configs.DEFAULT_VERSION].max_epochs} epochs planned"),
        (JobStatus.FAILED, {"epoch": 4, "total_epochs": 25}, "Stopped in epoch 4 of 25"),
        (JobStatus.CANCELLED, {"epoch": 2, "total_epochs": 25}, "Stopped in epoch 2 of 25"),
    ],
)
def test_epochs_before_a_job_starts_and_after_it_fails(team, status, progress, text):
    job = make_job(team.project, status, progress=progress)
    state = team.client("owner").get(url(team, f"train/jobs/{job.job_id}/progress.json")).json()
    assert state["epochs"]["text"] == text


def test_the_estimate_warns_when_training_may_pass_the_time_limit(team, settings):
    settings.STUDIO_TRAINING_TIME_LIMIT = 1
    estimates = team.client("owner").get(url(team, "train/")).context["estimates"]
    assert estimates["2026-11-29-accurate"]["manual"].endswith(
        "That may pass the 1 minute limit on training, which would stop the job."
    )

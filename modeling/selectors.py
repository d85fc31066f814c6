"""Reads of training jobs, trained models, deployments and runtime jobs; none of them writes."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from annotation import selectors_team
from annotation.models import Document, IndependentLabel, Label
from modeling.models import (
    AnalyzeJob,
    Deployment,
    LabelIssue,
    LoopJob,
    Suggestion,
    SuggestionRejection,
    SuggestionStatus,
    TrainedModel,
    TrainingJob,
)
from projects.models import JobStatus, Project
from projects.selectors import job_visible
from studio.exceptions import NotFound


def training_job_list(*, project: Project) -> QuerySet[TrainingJob]:
    # Pure: a job whose worker died is failed by `training_jobs_fail_stale` on its schedule, never by a read.
    return project.training_jobs.all()


def training_job_get(*, project: Project, job_id: str) -> TrainingJob:
    """A job of `project`; callers have `project_get` the project first, which is `job_visible`'s rule."""
    job = training_job_list(project=project).filter(job_id=job_id).first()
    if job is None:
        raise NotFound(f"The training job '{job_id}' could not be found.", innererror_code="OperationNotFound")
    return job


def trained_model_list(*, project: Project) -> QuerySet[TrainedModel]:
    """The model of each label; a replaced model a deployment still serves is reached through that deployment."""
    return _current_models(project).defer("evaluation_documents")


def trained_model_get(*, project: Project, label: str, with_documents: bool = False) -> TrainedModel:
    qs = _current_models(project) if with_documents else trained_model_list(project=project)
    model = qs.filter(label=label).first()
    if model is None:
        raise NotFound(
            f"The model '{label}' could not be found in project '{project.name}'.", innererror_code="ModelNotFound"
        )
    return model


def _current_models(project: Project) -> QuerySet[TrainedModel]:
    return project.trained_models.filter(replaced_at__isnull=True)


def deployment_list(*, project: Project) -> QuerySet[Deployment]:
    # The per-document evaluation can be megabytes; no deployment view needs it.
    return (
        project.deployments.select_related("trained_model")
        .defer("trained_model__evaluation_documents")
        .order_by("name")
    )


def deployment_get(*, project: Project, name: str) -> Deployment:
    deployment = deployment_list(project=project).filter(name=name).first()
    if deployment is None:
        raise NotFound(
            f"The deployment '{name}' could not be found in project '{project.name}'.",
            innererror_code="DeploymentNotFound",
        )
    return deployment


def analyze_job_get(*, user, job_id: str) -> AnalyzeJob:
    """An unexpired runtime job, if `job_visible` (runtime jobs belong to no project: their submitter's)."""
    job = AnalyzeJob.objects.filter(job_id=job_id, expires_at__gt=timezone.now()).first()
    if job is None or not job_visible(user=user, created_by_id=job.user_id, project=None):
        raise NotFound(f"The job '{job_id}' could not be found or has expired.", innererror_code="OperationNotFound")
    return job


def loop_job_list(*, project: Project, kind: str | None = None) -> QuerySet[LoopJob]:
    """The project's model-in-the-loop jobs, newest first (a dead worker's job is failed by the sweep, not here)."""
    qs = project.loop_jobs.select_related("trained_model", "created_by").defer("trained_model__evaluation_documents")
    return qs.filter(kind=kind) if kind else qs


def loop_job_get(*, project: Project, job_id: str) -> LoopJob:
    """A job of `project`; callers have `project_get` the project first, which is `job_visible`'s rule."""
    job = loop_job_list(project=project).filter(job_id=job_id).first()
    if job is None:
        raise NotFound(f"The job '{job_id}' could not be found.", innererror_code="OperationNotFound")
    return job


def loop_job_latest(*, project: Project, kind: str) -> LoopJob | None:
    """The project's newest job of `kind`, running or ended, or None."""
    return loop_job_list(project=project, kind=kind).first()


def open_suggestions() -> QuerySet[Suggestion]:
    """Suggestions still on offer: open, and not overlapping a label (a person's label always wins, whenever it
    was drawn). The one definition the labeling view, the documents list and bulk accepting use."""
    over_a_label = Label.objects.filter(
        document=OuterRef("document"), start__lt=OuterRef("end"), end__gt=OuterRef("start")
    )
    return Suggestion.objects.filter(status=SuggestionStatus.OPEN).exclude(Exists(over_a_label))


def suggestion_list(*, document: Document, user) -> QuerySet[Suggestion]:
    """The suggestions `document` offers `user`, against the labels they write (`selectors_team.label_set`): to an
    assignee of a document labeled independently, the open ones that none of their own labels overlaps and that
    they did not reject (`SuggestionRejection`); to everyone else, the document's `open_suggestions`."""
    if selectors_team.label_set(document=document, user=user) != selectors_team.OWN:
        return open_suggestions().filter(document=document).order_by("start", "id")
    over_own = IndependentLabel.objects.filter(
        document=OuterRef("document"), annotator=user, start__lt=OuterRef("end"), end__gt=OuterRef("start")
    )
    rejected = SuggestionRejection.objects.filter(
        document=OuterRef("document"),
        annotator=user,
        start=OuterRef("start"),
        end=OuterRef("end"),
        category=OuterRef("category"),
    )
    return (
        Suggestion.objects.filter(document=document, status=SuggestionStatus.OPEN)
        .exclude(Exists(over_own))
        .exclude(Exists(rejected))
        .order_by("start", "id")
    )


def suggestion_get(*, document: Document, suggestion_id: int) -> Suggestion:
    suggestion = Suggestion.objects.filter(document=document, pk=suggestion_id).first()
    if suggestion is None:
        raise NotFound(
            f"Suggestion {suggestion_id} is not in document '{document.location}'; a newer prediction may have "
            "replaced it.",
            innererror_code="SuggestionNotFound",
        )
    return suggestion


def with_open_suggestion_count(documents: QuerySet[Document]) -> QuerySet[Document]:
    """`documents` with `open_suggestions`: how many suggestions each still offers (one query for a page)."""
    counted = (
        open_suggestions()
        .filter(document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(n=Count("id"))
        .values("n")
    )
    return documents.annotate(open_suggestions=Coalesce(Subquery(counted, output_field=IntegerField()), 0))


def has_open_suggestions() -> Exists:
    """A condition on documents: they offer at least one suggestion."""
    return Exists(open_suggestions().filter(document=OuterRef("pk")))


def label_issue_list(*, job: LoopJob, status: str | None = None) -> QuerySet[LabelIssue]:
    """A label-errors job's issues, most likely first, with their documents (the page shows text around each)."""
    issues = job.label_issues.select_related("document")
    return issues.filter(status=status) if status else issues


def label_issue_get(*, project: Project, issue_id: int) -> LabelIssue:
    issue = LabelIssue.objects.select_related("document__project").filter(pk=issue_id, job__project=project).first()
    if issue is None:
        raise NotFound(f"Issue {issue_id} could not be found in project '{project.name}'.", innererror_code="NotFound")
    return issue


def loop_job_latest_succeeded(*, project: Project, kind: str) -> LoopJob | None:
    """The project's newest succeeded job of `kind`: the one whose results the pages show."""
    return loop_job_list(project=project, kind=kind).filter(status=JobStatus.SUCCEEDED).first()


def model_loop_jobs(*, model: TrainedModel, kind: str) -> QuerySet[LoopJob]:
    """The jobs of `kind` that ran on `model`, newest first."""
    return loop_job_list(project=model.project, kind=kind).filter(trained_model=model)

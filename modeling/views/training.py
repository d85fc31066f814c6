"""Train page, training jobs list, a job's live progress (page + JSON it polls) and cancel."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from annotation import selectors as annotation_selectors
from annotation.splits import DEFAULT_SEED
from modeling import config as configs
from modeling import selectors
from modeling.apis.serializers import training_job_state
from modeling.forms import OVERWRITE, TrainForm
from modeling.models import TrainingJob
from modeling.services.training import estimate as estimates
from modeling.services.training import start as training_services
from modeling.services.training.options import MANUAL, PERCENTAGE, EvaluationOptions
from modeling.views import presenters
from projects import selectors as project_selectors
from projects.models import ACTIVE_STATUSES, JobStatus
from projects.permissions import Action, can
from projects.views import form_data, render_project
from studio import limits
from studio.exceptions import ApplicationError

POLL_MILLISECONDS = 1500
RECENT_JOBS = 50
# A message true only while the job runs ("has started", "cancelling"): base.html marks it and the job's page
# (static/modeling/progress.js) removes it once the job has ended.
WHILE_JOB_ACTIVE = "while-job-active"


@login_required
@require_http_methods(["GET", "POST"])
def training_start(request, project_name: str):
    action = Action.MANAGE if request.method == "POST" else Action.VIEW
    project = project_selectors.project_get(user=request.user, name=project_name, action=action)
    if not can(request.user, project, Action.MANAGE):
        return render_project(request, "modeling/train.html", project, active="train", allowed=False)
    existing = list(selectors.trained_model_list(project=project).values_list("label", flat=True))
    distribution = annotation_selectors.dataset_distribution(project=project)
    retrain = request.GET.get("retrain")
    initial = {"target": OVERWRITE, "overwrite_label": retrain} if retrain in existing else {}
    form = TrainForm(*form_data(request), initial=initial, existing_labels=existing, test_documents=distribution.test)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = training_services.training_job_start(
                    user=request.user,
                    project=project,
                    model_label=form.chosen_label,
                    config_version=form.cleaned_data["config_version"],
                    evaluation=form.evaluation,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
                status = error.status
            else:
                messages.success(
                    request, f"Training of model '{job.model_label}' has started.", extra_tags=WHILE_JOB_ACTIVE
                )
                return redirect("training-job-detail", project_name=project.name, job_id=job.job_id)
        else:
            status = 400
    active_job = selectors.training_job_list(project=project).filter(status__in=ACTIVE_STATUSES).first()
    texts = _estimate_texts(project)
    return render_project(
        request,
        "modeling/train.html",
        project,
        active="train",
        status=status,
        allowed=True,
        form=form,
        configs=[
            {"version": v, "description": configs.CONFIGS[v].description, "default": v == configs.DEFAULT_VERSION}
            for v in configs.OFFERED
        ],
        distribution=distribution,
        existing=existing,
        active_job=active_job,
        limits={"models": limits.MODELS_MAX, "documents": limits.TRAINING_DOCUMENTS_MIN},
        split_seed=DEFAULT_SEED,
        estimates=texts,
        estimate=_chosen_estimate(form, texts),
    )


@login_required
@require_GET
def training_job_list(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    jobs = list(selectors.training_job_list(project=project).select_related("created_by")[:RECENT_JOBS])
    return render_project(
        request,
        "modeling/job_list.html",
        project,
        active="train",
        rows=presenters.job_rows(jobs, timezone.now()),
    )


@login_required
@require_GET
def training_job_detail(request, project_name: str, job_id: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    job = selectors.training_job_get(project=project, job_id=job_id)
    return render_project(
        request,
        "modeling/job_detail.html",
        project,
        active="train",
        job=job,
        status_label=presenters.STATUS_LABELS.get(job.status, job.status),
        state=_job_payload(request, project, job),
        poll_ms=POLL_MILLISECONDS,
    )


@login_required
@require_GET
def training_job_progress(request, project_name: str, job_id: str):
    """The job in Azure's shape plus the loss curve and the model's page once it exists: what the page polls."""
    project = project_selectors.project_get(user=request.user, name=project_name)
    job = selectors.training_job_get(project=project, job_id=job_id)
    return JsonResponse(_job_payload(request, project, job), headers={"Cache-Control": "no-store"})


@login_required
@require_http_methods(["GET", "POST"])
def training_job_cancel(request, project_name: str, job_id: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    job = selectors.training_job_get(project=project, job_id=job_id)
    if request.method == "GET":
        return render_project(request, "modeling/job_cancel.html", project, active="train", job=job)
    try:
        job = training_services.training_job_cancel(job=job)
    except ApplicationError as error:  # it has ended: nothing to cancel
        messages.warning(request, error.message)
        return redirect("training-job-detail", project_name=project.name, job_id=job.job_id)
    if job.status == JobStatus.CANCELLED:
        messages.success(request, f"Training of model '{job.model_label}' was cancelled.")
    else:
        messages.info(
            request,
            f"Cancelling the training of model '{job.model_label}': it stops within moments.",
            extra_tags=WHILE_JOB_ACTIVE,
        )
    return redirect("training-job-detail", project_name=project.name, job_id=job.job_id)


def _job_payload(request, project, job: TrainingJob) -> dict:
    model_url = None
    if job.status == JobStatus.SUCCEEDED and project.trained_models.filter(label=job.model_label).exists():
        model_url = reverse("model-overview", args=[project.name, job.model_label])
    return {
        **training_job_state(job),
        "progress": job.progress or {},
        "epochs": presenters.job_epochs(job),
        "modelUrl": model_url,
        "canCancel": can(request.user, project, Action.MANAGE),
    }


# ------------------------------------------------------------------------------------------------ estimate

PERCENTAGES = range(1, 100)


def _estimate_texts(project) -> dict[str, dict]:
    """The estimate for every config and split the train form offers: {version: {"manual": text,
    "percentage": {"80": text, ...}}}; the page's script shows the one chosen. One count of the documents."""
    counts = estimates.document_counts(project=project)
    texts = {}
    for version in configs.OFFERED:
        config = configs.CONFIGS[version]

        def text(evaluation: EvaluationOptions, config=config) -> str:
            estimate = estimates.estimate_for(counts=counts, config=config, evaluation=evaluation)
            return presenters.estimate_text(estimate, limit_seconds=settings.STUDIO_TRAINING_TIME_LIMIT)

        texts[version] = {
            MANUAL: text(EvaluationOptions(kind=MANUAL)),
            PERCENTAGE: {str(p): text(EvaluationOptions(kind=PERCENTAGE, training_percent=p)) for p in PERCENTAGES},
        }
    return texts


def _chosen_estimate(form: TrainForm, texts: dict[str, dict]) -> str:
    """The text for what the form shows chosen (what the script would pick)."""
    version = form["config_version"].value()
    by_split = texts.get(version) or texts[configs.DEFAULT_VERSION]
    if form["split"].value() == MANUAL:
        return by_split[MANUAL]
    try:
        percent = min(99, max(1, int(form["train_percent"].value())))
    except (TypeError, ValueError):
        percent = EvaluationOptions().training_percent
    return by_split[PERCENTAGE][str(percent)]

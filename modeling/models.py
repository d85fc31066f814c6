"""Training jobs, trained models (with their evaluation), deployments and runtime jobs. Fields and constraints only."""

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q

from projects.models import ACTIVE_STATUSES, JobStatus, Project


class TrainingJob(models.Model):
    """One `:train` request, through its Azure job states."""

    job_id = models.CharField(max_length=80, unique=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="training_jobs")
    model_label = models.CharField(max_length=50)
    training_config_version = models.CharField(max_length=50)
    evaluation_options = models.JSONField(default=dict)
    split_seed = models.IntegerField(default=0)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.NOT_STARTED)
    training_status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.NOT_STARTED)
    training_percent = models.PositiveSmallIntegerField(default=0)
    training_started_at = models.DateTimeField(null=True, blank=True)
    training_ended_at = models.DateTimeField(null=True, blank=True)
    evaluation_status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.NOT_STARTED)
    evaluation_percent = models.PositiveSmallIntegerField(default=0)
    evaluation_started_at = models.DateTimeField(null=True, blank=True)
    evaluation_ended_at = models.DateTimeField(null=True, blank=True)
    estimated_end_at = models.DateTimeField(null=True, blank=True)
    # Live progress: {"epoch", "total_epochs", "losses": [...], "dev_scores": [...]}
    progress = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    cancel_requested = models.BooleanField(default=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The database itself refuses a second active job in a project.
            models.UniqueConstraint(
                fields=["project"], condition=Q(status__in=ACTIVE_STATUSES), name="trainingjob_one_active_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.model_label} ({self.status})"


class TrainedModel(models.Model):
    """A model a succeeded job produced, the files it reloads from, and its evaluation on the test set."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="trained_models")
    label = models.CharField(max_length=50)
    model_id = models.CharField(max_length=120, unique=True)
    path = models.CharField(max_length=500)  # folder under MODELS_DIR holding model.pt and snapshot.json
    training_config_version = models.CharField(max_length=50)
    config = models.JSONField(default=dict)
    evaluation_options = models.JSONField(default=dict)
    split_seed = models.IntegerField(default=0)
    trained_at = models.DateTimeField()
    training_seconds = models.FloatField(default=0)
    train_documents = models.PositiveIntegerField(default=0)
    test_documents = models.PositiveIntegerField(default=0)
    # Azure's customEntityRecognitionEvaluation (entities, micro/macro, confusionMatrix) on the test set.
    evaluation = models.JSONField(default=dict)
    # Per test document: {"location", "language", "text"?, "expected": [[s, e, c]], "predicted": [[s, e, c, p]]}
    evaluation_documents = models.JSONField(default=list)
    # Label counts per category in train and test, for the guidance checks.
    label_counts = models.JSONField(default=dict)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    # Set when a newer training of the same label replaced this model while a deployment served it: the label
    # names the newer model, and this one (files included) stays only until no deployment serves it.
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-trained_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "label"], condition=Q(replaced_at__isnull=True), name="trainedmodel_unique_label"
            )
        ]

    def __str__(self) -> str:
        return self.model_id


class Deployment(models.Model):
    """A name under which a trained model answers runtime calls; redeploy or swap changes the model."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deployments")
    name = models.CharField(max_length=50)
    # RESTRICT: a model that serves a deployment cannot disappear under it, unless the deployment goes in the
    # same deletion (deleting a project deletes its deployments and models together).
    trained_model = models.ForeignKey(TrainedModel, on_delete=models.RESTRICT, related_name="deployments")
    deployed_at = models.DateTimeField()
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="deployment_unique_name")]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.name}"


class AnalyzeJob(models.Model):
    """A runtime `analyze-text/jobs` request: its input, its tasks' results, kept until it expires (a day)."""

    job_id = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    display_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.NOT_STARTED)
    # [{"id", "text", "language"}]
    documents = models.JSONField(default=list)
    # Domain results, code points (`modeling.services.runtime.jobs` reads and writes them): [{"name",
    # "projectName", "deploymentName", "stringIndexType", "status", "updatedAt", "results"?: {"documents":
    # [{"id", "entities": [[start, end, category, confidence]]}], "errors": [{"id", "message"}]}}]
    tasks = models.JSONField(default=list)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.job_id

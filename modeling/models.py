"""Training jobs, trained models (with their evaluation), deployments and runtime jobs. Fields and constraints only."""

from django.conf import settings as django_settings
from django.db import models
from django.db.models import F, Q

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
    # Running: the worker's last sign of life. Waiting (notStarted): when the job was last handed to the queue.
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
    # Written every few seconds by the process holding a job that has not ended (queued on its thread or running);
    # a job whose process died goes silent (`modeling.services.runtime.jobs.analyze_jobs_recover`).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # How many times a process claimed it: a job whose process died while running it is run again once, not forever.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="analyzejob_status_heartbeat")]

    def __str__(self) -> str:
        return self.job_id


class LoopKind(models.TextChoices):
    """The model-in-the-loop jobs (`modeling.services.loop`): each kind has one runner."""

    PRELABEL = "prelabel"
    UNCERTAINTY = "uncertainty"
    LABEL_ERRORS = "label-errors"
    LEARNING_CURVE = "learning-curve"


class LoopJob(models.Model):
    """A model-in-the-loop job in the worker (pre-labeling, uncertainty, label errors, learning curve): one state
    machine and progress record for all kinds; `result` is the runner's summary."""

    job_id = models.CharField(max_length=80, unique=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="loop_jobs")
    kind = models.CharField(max_length=20, choices=LoopKind.choices)
    trained_model = models.ForeignKey(
        TrainedModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="loop_jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LoopKind.values), name="loopjob_kind_valid"),
            # The database itself refuses a second active job of a kind in a project.
            models.UniqueConstraint(
                fields=["project", "kind"], condition=Q(status__in=ACTIVE_STATUSES), name="loopjob_one_active_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.kind} ({self.status})"


class SuggestionStatus(models.TextChoices):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Suggestion(models.Model):
    """A model's predicted entity in a document, offered to the labeler: not a label, and counted nowhere
    (training, evaluation, distribution, exports) until accepted, when it becomes an ordinary `Label`.
    Code points, half-open `[start, end)`; `category` is the model's name for the entity type."""

    document = models.ForeignKey("annotation.Document", on_delete=models.CASCADE, related_name="suggestions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    category = models.CharField(max_length=50)
    confidence = models.FloatField()
    # Which model made it: the label and id stay when the model goes (`trained_model` then becomes null).
    source = models.CharField(max_length=120)  # "model m1" or "deployment prod (model m1)", for people
    model_id = models.CharField(max_length=120)
    trained_model = models.ForeignKey(
        TrainedModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="suggestion_start_before_end"),
            models.CheckConstraint(condition=Q(confidence__gte=0, confidence__lte=1), name="suggestion_confidence"),
            models.CheckConstraint(condition=Q(status__in=SuggestionStatus.values), name="suggestion_status_valid"),
        ]
        indexes = [models.Index(fields=["document", "status"])]

    def __str__(self) -> str:
        return f"{self.category}[{self.start}:{self.end}] {self.confidence:.2f} ({self.status})"


class SuggestionRejection(models.Model):
    """A suggestion one annotator rejected on a document labeled independently: rejected for them alone (the
    suggestion stays open for the document's other annotators). Kept by span and category rather than by
    suggestion, so a later prediction of the same entity is not offered to them again either."""

    document = models.ForeignKey("annotation.Document", on_delete=models.CASCADE, related_name="+")
    annotator = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    category = models.CharField(max_length=50)
    rejected_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "annotator", "start", "end", "category"], name="suggestionrejection_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.annotator_id}: {self.category}[{self.start}:{self.end}]"


class UncertaintyScore(models.Model):
    """How unsure a model is about an unlabeled document, from the project's latest uncertainty job: the
    documents list sorts by it (most uncertain first) and the labeling view's Next can follow that order."""

    document = models.OneToOneField("annotation.Document", on_delete=models.CASCADE, related_name="uncertainty")
    job = models.ForeignKey(LoopJob, on_delete=models.CASCADE, related_name="uncertainty_scores")
    measure = models.CharField(max_length=20)  # "margin" or "entropy"
    score = models.FloatField()  # higher is more uncertain, whatever the measure
    scored_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["job", "score"])]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.score:.3f} ({self.measure})"


class LabelIssueKind(models.TextChoices):
    MISSING = "missing"
    SPURIOUS = "spurious"
    WRONG_TYPE = "wrong-type"
    BOUNDARY = "boundary"


class LabelIssueStatus(models.TextChoices):
    OPEN = "open"
    APPLIED = "applied"  # the model's version replaced the labels
    DISMISSED = "dismissed"  # the labels stay; a later check that finds the same issue keeps it dismissed


class LabelIssue(models.Model):
    """A likely labeling mistake that a label-errors job found (`modeling.ml.label_errors`): the labels at one place
    of a document, the model's version of it, and what a person decided. Code points, half-open."""

    job = models.ForeignKey(LoopJob, on_delete=models.CASCADE, related_name="label_issues")
    document = models.ForeignKey("annotation.Document", on_delete=models.CASCADE, related_name="label_issues")
    rank = models.PositiveIntegerField()  # 1: the most likely error of the job
    kind = models.CharField(max_length=20, choices=LabelIssueKind.choices)
    score = models.FloatField()  # how likely the labels here are wrong, by the model
    labels = models.JSONField(default=list)  # [[start, end, category]]: what applying removes
    suggestion = models.JSONField(default=list)  # [[start, end, category]]: what applying creates
    label_probability = models.FloatField(null=True, blank=True)
    suggestion_probability = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=LabelIssueStatus.choices, default=LabelIssueStatus.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["job", "rank"], name="labelissue_unique_rank"),
            models.CheckConstraint(condition=Q(kind__in=LabelIssueKind.values), name="labelissue_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=LabelIssueStatus.values), name="labelissue_status_valid"),
        ]
        indexes = [models.Index(fields=["job", "status", "rank"])]

    def __str__(self) -> str:
        return f"#{self.rank} {self.kind} in {self.document_id} ({self.status})"

"""What every app stands on: projects, members and their roles, API keys, activity, and the record of an
Azure long-running operation with the one `JobStatus` every job uses. Fields and constraints only.

These models were born in the `annotation` app; `Meta.db_table` keeps their tables where existing data
directories have them (see `migrations/0001_initial.py`).
"""

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q

# Imports write a project's documents under a hidden staging project first (`annotation.services.staging`); its name
# starts with this, which no project's name can (`studio.limits.check_name`), and no selector returns it.
STAGING_NAME_PREFIX = "~"


class Project(models.Model):
    name = models.CharField(max_length=50, unique=True)
    language = models.CharField(max_length=20, default="en-us")
    multilingual = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    storage_input_container_name = models.CharField(max_length=100, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    last_trained_at = models.DateTimeField(null=True, blank=True)
    last_deployed_at = models.DateTimeField(null=True, blank=True)
    # Review (issue 16): when set, only documents a reviewer has marked reviewed are used for training.
    require_review = models.BooleanField(default=False)
    members = models.ManyToManyField(django_settings.AUTH_USER_MODEL, through="Membership", related_name="projects")

    class Meta:
        db_table = "annotation_project"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ANNOTATOR = "annotator", "Annotator"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "annotation_membership"
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.project}"


class ApiKey(models.Model):
    """An API key acting as its user; only the SHA-256 of the key is kept.

    A scoped key (`role` set) reaches only its `projects`, and in each does what both its role and its user's role
    there allow (`projects.permissions`); it creates no projects and administers nothing. A key without a role
    (`createapikey` without `--project`) acts as its user everywhere. A revoked key is kept (its name and last use
    stay listed) but authenticates no more.
    """

    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)  # blank: not scoped
    projects = models.ManyToManyField(Project, blank=True, related_name="api_keys")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "annotation_apikey"
        constraints = [
            models.CheckConstraint(condition=Q(role="") | Q(role__in=Role.values), name="apikey_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scoped(self) -> bool:
        return bool(self.role)


class Activity(models.Model):
    """What happened in a project, for the overview's recent-activity list."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    verb = models.CharField(max_length=50)
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "annotation_activity"
        ordering = ["-created_at", "-id"]


class JobStatus(models.TextChoices):
    """Azure's job states, for every job the studio records (operations, training, runtime)."""

    NOT_STARTED = "notStarted"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (JobStatus.NOT_STARTED, JobStatus.RUNNING, JobStatus.CANCELLING)


class OperationKind(models.TextChoices):
    IMPORT = "import"
    EXPORT = "export"
    DELETION = "deletion"
    LOAD_SNAPSHOT = "load-snapshot"
    DEPLOYMENT = "deployment"
    SWAP = "swap"


class Operation(models.Model):
    """An Azure long-running operation on a project (import, export, deletion, deployment, swap, snapshot
    load): done inside the request that starts it, recorded so its job URL answers as Azure's does."""

    job_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=OperationKind.choices)
    project_name = models.CharField(max_length=50)
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.NOT_STARTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    result_file = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "annotation_authoringjob"
        indexes = [models.Index(fields=["project_name", "kind"], name="annotation__project_a3a759_idx")]


class Installation(models.Model):
    """What the studio's hosts share besides the database, so that each can tell it is set up as the others are
    (`projects.services.hosts`): a digest of the secret key, and the token in the data directory. One row."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    secret_key_digest = models.CharField(max_length=128)
    data_dir_token = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="installation_one_row")]

    def __str__(self) -> str:
        return f"installation recorded {self.recorded_at:%Y-%m-%d %H:%M}"

"""Projects, their schema, documents and labels. Fields and constraints only; rules live in services."""

from django.conf import settings as django_settings
from django.db import models
from django.db.models import F, Q


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
    members = models.ManyToManyField(django_settings.AUTH_USER_MODEL, through="Membership", related_name="projects")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ANNOTATOR = "annotator", "Annotator"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.project}"


class EntityType(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entity_types")
    name = models.CharField(max_length=50)
    color = models.CharField(max_length=7, default="#4c78a8")
    shortcut = models.CharField(max_length=1, blank=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="entitytype_unique_name"),
            models.UniqueConstraint(
                fields=["project", "shortcut"], condition=~Q(shortcut=""), name="entitytype_unique_shortcut"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Dataset(models.TextChoices):
    TRAIN = "Train", "Train"
    TEST = "Test", "Test"
    UNASSIGNED = "", "Unassigned"


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    location = models.CharField(max_length=255)
    text = models.TextField()
    language = models.CharField(max_length=20, blank=True)
    dataset = models.CharField(max_length=5, choices=Dataset.choices, blank=True, default=Dataset.UNASSIGNED)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["location"]
        constraints = [
            models.UniqueConstraint(fields=["project", "location"], name="document_unique_location"),
            models.CheckConstraint(condition=Q(dataset__in=Dataset.values), name="document_dataset_valid"),
        ]
        indexes = [models.Index(fields=["project", "dataset"])]

    def __str__(self) -> str:
        return self.location


class Label(models.Model):
    """An entity span: code points, half-open [start, end)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="labels")
    entity_type = models.ForeignKey(EntityType, on_delete=models.CASCADE, related_name="labels")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="label_start_nonnegative"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="label_start_before_end"),
            models.UniqueConstraint(fields=["document", "start"], name="label_unique_start"),
        ]
        indexes = [models.Index(fields=["document", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.entity_type_id}[{self.start}:{self.end}]"


class ApiKey(models.Model):
    """An API key acting as its user; only the SHA-256 of the key is kept."""

    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Activity(models.Model):
    """What happened in a project, for the overview's recent-activity list."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    verb = models.CharField(max_length=50)
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class JobKind(models.TextChoices):
    IMPORT = "import"
    EXPORT = "export"
    DELETION = "deletion"
    LOAD_SNAPSHOT = "load-snapshot"
    DEPLOYMENT = "deployment"
    SWAP = "swap"


class JobStatus(models.TextChoices):
    NOT_STARTED = "notStarted"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    CANCELLING = "cancelling"


class AuthoringJob(models.Model):
    """An Azure long-running operation on a project: import, export or deletion."""

    job_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=JobKind.choices)
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
        indexes = [models.Index(fields=["project_name", "kind"])]

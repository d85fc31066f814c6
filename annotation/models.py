"""A project's schema, documents and labels. Fields and constraints only; rules live in services."""

from django.conf import settings as django_settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from projects.models import Project


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
            # Names are unique regardless of case (annotation/entity_names.py); on SQLite, Lower folds ASCII only.
            models.UniqueConstraint(
                "project",
                Lower("name"),
                name="entitytype_unique_name_ci",
                violation_error_message="The project already has an entity type with this name, in some case.",
            ),
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


class LabelBatch(models.Model):
    """Labels one action created together ("label all occurrences of a string as a type"), so that they can be
    undone as one step. `labels` records each as created: [label id, document id, start, end, entity type id]."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="label_batches")
    entity_type = models.ForeignKey(EntityType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    type_name = models.CharField(max_length=50)  # kept for showing after the type is gone
    surface = models.TextField()
    case_sensitive = models.BooleanField(default=True)
    labels = models.JSONField(default=list)
    documents = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list)  # [[document id, location, start, end, reason]], the first few
    skipped_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.surface} as {self.type_name} ({len(self.labels)})"

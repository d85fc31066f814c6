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

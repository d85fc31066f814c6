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


class ReviewStatus(models.TextChoices):
    """A reviewer's verdict on a document's labels (`annotation.services.reviews`); "" until one is given. The
    status a page shows adds "unlabeled"/"labeled" from the labels (`annotation.selectors_team.document_status`)."""

    NONE = "", "Not reviewed"
    REVIEWED = "reviewed", "Reviewed"
    NEEDS_CHANGES = "needs_changes", "Needs changes"


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    location = models.CharField(max_length=255)
    text = models.TextField()
    language = models.CharField(max_length=20, blank=True)
    dataset = models.CharField(max_length=5, choices=Dataset.choices, blank=True, default=Dataset.UNASSIGNED)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    review_status = models.CharField(max_length=20, choices=ReviewStatus.choices, blank=True, default="")
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # When a reviewer chose the final labels of a document labeled independently (`services.adjudication`).
    adjudicated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["location"]
        constraints = [
            models.UniqueConstraint(fields=["project", "location"], name="document_unique_location"),
            models.CheckConstraint(condition=Q(dataset__in=Dataset.values), name="document_dataset_valid"),
            models.CheckConstraint(condition=Q(review_status__in=ReviewStatus.values), name="document_review_valid"),
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
    # Moves with every change; an edit naming an older version is refused (409), not applied over the newer one.
    version = models.PositiveIntegerField(default=1)

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
    undone as one step. `labels` records each as created: [label id, document id, start, end, entity type id],
    followed by `OWN` for one created in its author's own labels (an `IndependentLabel`, independent labeling)."""

    OWN = "own"

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


class Assignment(models.Model):
    """A document given to a member to label. A document assigned to two or more members is labeled
    independently: each edits `IndependentLabel`s of their own until a reviewer adjudicates them."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "user"], name="assignment_unique_user")]
        indexes = [models.Index(fields=["user", "document"])]

    def __str__(self) -> str:
        return f"{self.document_id} to {self.user_id}"


class IndependentLabel(models.Model):
    """One annotator's own label on a document labeled independently. Nothing that trains, evaluates or exports
    reads this table: only adjudication turns these into the document's `Label`s."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="independent_labels")
    annotator = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entity_type = models.ForeignKey(EntityType, on_delete=models.CASCADE, related_name="independent_labels")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="independentlabel_start_before_end"),
            models.UniqueConstraint(fields=["document", "annotator", "start"], name="independentlabel_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.annotator_id}:{self.entity_type_id}[{self.start}:{self.end}]"


class LabelChangeAction(models.TextChoices):
    CREATE = "create", "created"
    UPDATE = "update", "changed"
    DELETE = "delete", "removed"
    ACCEPT = "accept", "accepted a suggestion"
    BULK_CREATE = "bulk_create", "added in bulk"
    BULK_DELETE = "bulk_delete", "removed in bulk"
    ADJUDICATE = "adjudicate", "adjudicated"


class LabelChange(models.Model):
    """The audit trail: one change to labels, with who, when, and the label before and after (each
    `{"type", "start", "end", "text"}`, None for none). Bulk writes record one row per label where that is cheap
    (label all, its undo, adjudication) and one row with `count` otherwise (imports, deleted documents or
    types); `document` is then None, or the document when one was concerned. Recorded by the services that write
    (`annotation.services.audit`), not by model signals, which `bulk_create`, `update()` and queryset deletes skip."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="label_changes")
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="label_changes"
    )
    location = models.CharField(max_length=255, blank=True)  # kept when the document goes
    user = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=LabelChangeAction.choices)
    label_id = models.PositiveBigIntegerField(null=True, blank=True)
    independent = models.BooleanField(default=False)  # an annotator's own label (`IndependentLabel`)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1)  # labels this row stands for
    summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["document", "created_at"]),
            models.Index(fields=["project", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.label_id} in {self.location}"

"""Page forms: they parse and type what a person typed. Domain rules (name limits, shortcut clashes, roles)
live in the services, whose errors views attach to the field they name (`attach_error`)."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from annotation import extensions
from annotation.models import Dataset
from annotation.services.splits import SplitScope
from annotation.services.uploads import FORMAT_NAMES, UploadFormat
from annotation.splits import DEFAULT_SEED
from projects.languages import LANGUAGES, language_choices
from projects.models import Project, Role
from studio import limits
from studio.exceptions import ApplicationError


def attach_error(form: forms.Form, error: ApplicationError) -> None:
    """Shows a service's error on the field it is about, else above the form; lists details too."""
    field = error.target if error.target in form.fields else None
    form.add_error(field, error.message)


class ProjectCreateForm(forms.Form):
    name = forms.CharField(
        max_length=50,
        help_text="Letters, digits, '_', '.' and '-'; up to 50 characters. It cannot be changed later.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "pattern": limits.NAME_INPUT_PATTERN}
        ),
    )
    language = forms.ChoiceField(choices=LANGUAGES, initial="en-us", help_text="The language of most documents.")
    multilingual = forms.BooleanField(
        required=False, help_text="Documents in several languages (each document can name its own)."
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ProjectSettingsForm(forms.Form):
    language = forms.ChoiceField(choices=LANGUAGES)
    multilingual = forms.BooleanField(required=False, help_text="Documents in several languages.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = (self.initial or {}).get("language")
        if current and current not in dict(LANGUAGES):  # an imported project may use any BCP-47 code
            self.fields["language"].choices = [(current, current), *LANGUAGES]


class ProjectDeleteForm(forms.Form):
    """Deleting a project asks for its name, typed exactly."""

    confirm_name = forms.CharField(
        strip=False,
        label="Type the project name to confirm",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, project_name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.project_name = project_name

    def clean_confirm_name(self) -> str:
        value = self.cleaned_data["confirm_name"]
        if value != self.project_name:
            raise forms.ValidationError(f"Type '{self.project_name}' exactly to delete the project.")
        return value


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ANNOTATOR)


class EntityTypeForm(forms.Form):
    name = forms.CharField(max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    color = forms.CharField(required=False, max_length=7, widget=forms.TextInput(attrs={"type": "color"}))
    shortcut = forms.CharField(
        required=False,
        max_length=1,
        strip=False,
        help_text="One key that picks this type in the labeling view (optional).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 2, "class": "key-input"}),
    )


class EntityTypeDeleteForm(forms.Form):
    confirm = forms.BooleanField(label="Yes, delete this entity type and its labels")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; empty ones pass here so the upload's reader can say which file is empty."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UploadForm(forms.Form):
    files = MultipleFileField(
        help_text=".txt files, a .zip, an Azure project file (.json), JSONL or CoNLL. Several files at once are fine."
    )
    format = forms.ChoiceField(choices=list(FORMAT_NAMES.items()), initial=UploadFormat.AUTO)
    per_sentence = forms.BooleanField(
        required=False,
        label="One document per sentence",
        help_text="For CoNLL files without -DOCSTART- lines (such as WNUT17): each sentence becomes a document.",
    )
    # Where the documents land. "keep": what an Azure project or labels.json says per document, else unassigned.
    dataset = forms.ChoiceField(
        required=False,
        label="Add to dataset",
        choices=[
            ("keep", "As the file says (unassigned if it says nothing)"),
            ("Train", "Train"),
            ("Test", "Test"),
            ("none", "Unassigned"),
        ],
        initial="keep",
        help_text="A manual split trains on Train and tests on Test; unassigned documents are left out of it "
        "(an automatic split divides them).",
    )

    # Only a multilingual project's documents have languages of their own; others are in the project's.
    language = forms.ChoiceField(
        required=False,
        label="Language",
        initial="keep",
        help_text="The language of every document uploaded, or what each document says in the file.",
    )

    def __init__(self, *args, project: Project | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if project is None or not project.multilingual:
            del self.fields["language"]
        else:
            keep = ("keep", f"As the file says (the project's language, {project.language}, if it says nothing)")
            self.fields["language"].choices = [keep, *language_choices(project.language)]

    def dataset_value(self) -> str | None:
        """The dataset every document goes to, or None to keep what the files say."""
        value = self.cleaned_data.get("dataset") or "keep"
        return {"keep": None, "none": Dataset.UNASSIGNED}.get(value, value)

    def language_value(self) -> str | None:
        """The language every document gets, or None to keep what the files say."""
        value = self.cleaned_data.get("language") or "keep"
        return None if value == "keep" else value


STATUS_CHOICES = [("", "All documents"), ("labeled", "Labeled"), ("unlabeled", "Unlabeled")]
REVIEW_CHOICES = [
    ("", "Any review status"),
    ("to_review", "Labeled, not reviewed"),
    ("reviewed", "Reviewed"),
    ("needs_changes", "Needs changes"),
]
DATASET_FILTER_CHOICES = [("", "Any dataset"), ("Train", "Train"), ("Test", "Test"), ("none", "Unassigned")]


class DocumentFilterForm(forms.Form):
    """The documents list's filters and order (GET), with those other apps registered (`annotation.extensions`);
    invalid values are ignored rather than refused."""

    q = forms.CharField(required=False, label="Search", widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES, label="Status")
    dataset = forms.ChoiceField(required=False, choices=DATASET_FILTER_CHOICES, label="Dataset")
    type = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Has entity type")
    review = forms.ChoiceField(required=False, choices=REVIEW_CHOICES, label="Review")
    # "me", "anyone", "nobody" or a member's username (the choices are the project's members who label).
    assigned = forms.ChoiceField(required=False, label="Assigned to")

    def __init__(self, *args, entity_types=(), user=None, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["type"].choices = [("", "Any entity type")] + [(str(t.pk), t.name) for t in entity_types]
        self.member_ids = {m.username: m.pk for m in members}
        self.fields["assigned"].choices = [
            ("", "Anyone or no one"),
            ("me", "Me"),
            ("anyone", "Someone"),
            ("nobody", "No one"),
            *((m.username, m.username) for m in members),
        ]
        for extension in extensions.document_filters():
            self.fields[extension.key] = forms.ChoiceField(
                required=False, choices=extension.choices, label=extension.label
            )
        orders = extensions.document_orders()
        if orders:
            self.fields["sort"] = forms.ChoiceField(
                required=False, choices=[("", "Location"), *((o.value, o.label) for o in orders)], label="Order"
            )

    @staticmethod
    def keys() -> list[str]:
        """Every query parameter of the list's filters and order, registered ones included."""
        registered = [extension.key for extension in extensions.document_filters()]
        return [*DocumentFilterForm.base_fields, *registered, *(["sort"] if extensions.document_orders() else [])]

    def extension_fields(self) -> list[forms.BoundField]:
        """The registered filters' fields, for the page."""
        return [self[extension.key] for extension in extensions.document_filters()]

    def selector_filters(self) -> dict:
        """Keyword arguments for `selectors.document_list`."""
        self.is_valid()  # fills cleaned_data with the fields that are valid; the others are left out
        data = getattr(self, "cleaned_data", {})
        return {
            "search": (data.get("q") or "").strip(),
            "labeled": {"labeled": True, "unlabeled": False}.get(data.get("status") or ""),
            "dataset": {"Train": Dataset.TRAIN, "Test": Dataset.TEST, "none": Dataset.UNASSIGNED}.get(
                data.get("dataset") or ""
            ),
            "entity_type_id": data.get("type"),
            "extra": {e.key: data[e.key] for e in extensions.document_filters() if data.get(e.key)},
            "sort": data.get("sort") or "",
            "review": data.get("review") or "",
            "assigned_to": self._assigned_to(data.get("assigned") or ""),
        }

    def _assigned_to(self, value: str) -> int | str | None:
        """`selectors.document_list`'s `assigned_to`: a user id, "anyone" or "nobody" (None: no filter)."""
        if value == "me":
            return self.user.pk if self.user is not None and self.user.is_authenticated else None
        if value in ("anyone", "nobody"):
            return value
        return self.member_ids.get(value)

    def active(self) -> bool:
        """Whether a filter narrows the list (an order alone does not)."""
        filters = self.selector_filters()
        filters.pop("sort")
        return bool(filters.pop("extra")) or any(value not in (None, "") for value in filters.values())

    def query_string(self) -> str:
        """The valid filters and order, re-encoded as a query string ("" for none): links to the labeling view
        carry it, so its Prev/Next walk the list as filtered and ordered and its way back returns to that list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        query = QueryDict(mutable=True)
        for key in self.fields:
            if data.get(key) not in (None, ""):
                query[key] = str(data[key])
        return query.urlencode()


class IdListField(forms.Field):
    """Document ids from repeated `ids` inputs; the services only ever touch the project's own documents."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            return sorted({int(item) for item in value or []})
        except (TypeError, ValueError):
            raise forms.ValidationError("Document ids must be numbers.") from None


BULK_DATASETS = [("Train", "Train"), ("Test", "Test"), ("none", "Unassigned")]


class BulkForm(forms.Form):
    """A bulk action on the selected documents, or on every document matching the filter."""

    action = forms.ChoiceField(
        choices=[
            ("assign", "Assign to dataset"),
            ("assign_members", "Assign to members"),
            ("unassign", "Remove assignments"),
            ("delete", "Delete"),
        ]
    )
    to_dataset = forms.ChoiceField(required=False, choices=BULK_DATASETS, label="Dataset")
    # Two or more members: each labels the documents independently, and a reviewer adjudicates.
    assignees = forms.MultipleChoiceField(required=False, label="Members")
    ids = IdListField(required=False)
    scope = forms.ChoiceField(required=False, choices=[("selected", "selected"), ("filter", "filter")])
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignees"].choices = [(m.username, m.username) for m in members]

    def dataset_value(self) -> str:
        value = self.cleaned_data["to_dataset"]
        return Dataset.UNASSIGNED if value == "none" else value

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("to_dataset"):
            raise forms.ValidationError("Choose the dataset to assign.")
        if data.get("action") == "assign_members" and not data.get("assignees"):
            raise forms.ValidationError("Choose the members to assign the documents to.")
        if data.get("scope", "selected") != "filter" and not data.get("ids"):
            raise forms.ValidationError("Select at least one document.")
        return data


class SplitForm(forms.Form):
    test_percent = forms.IntegerField(
        min_value=1, max_value=99, initial=20, label="Test share (%)", help_text="Azure suggests 20%."
    )
    seed = forms.IntegerField(
        min_value=0, max_value=2**31 - 1, initial=DEFAULT_SEED, help_text="The same seed always gives the same split."
    )
    scope = forms.ChoiceField(
        choices=[
            (SplitScope.UNASSIGNED, "Only unassigned documents"),
            (SplitScope.ALL, "All documents (reassigns Train and Test)"),
        ],
        initial=SplitScope.UNASSIGNED,
        widget=forms.RadioSelect,
        label="Documents to split",
    )
    stratify = forms.BooleanField(
        required=False,
        initial=True,
        label="Balance entity types",
        help_text="Keeps rare entity types in both Train and Test where possible.",
    )
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)


class ConsistencyForm(forms.Form):
    """The consistency check's option (GET)."""

    ignore_case = forms.BooleanField(
        required=False, label="Ignore case", help_text="Count 'ACME BANK' and 'Acme Bank' as the same string."
    )


class LabelAllForm(forms.Form):
    """Label every occurrence of a string as one type: the preview (GET) and its apply (POST, with `fingerprint`)."""

    surface = forms.CharField(max_length=limits.LABEL_MAX_CHARS, strip=False)
    type = forms.TypedChoiceField(coerce=int, label="Entity type")
    ignore_case = forms.BooleanField(required=False)
    fingerprint = forms.CharField(required=False, max_length=64)

    def __init__(self, *args, entity_types=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(str(t.pk), t.name) for t in entity_types]

    def clean_surface(self) -> str:
        surface = self.cleaned_data["surface"]
        if not surface.strip():
            raise forms.ValidationError("Name the string to label.")
        return surface

"""The train form and the deployment test panel's form.

The train form parses what the owner chose into `training_job_start`'s arguments. Whether the project can
be trained (labels, a running job, the model limit, documents on both sides of the split) is the service's to
decide; its errors reach the page."""

from __future__ import annotations

from typing import Any

from django import forms

from modeling import config as configs
from modeling.services.training.options import MANUAL, PERCENTAGE, EvaluationOptions
from studio import limits
from studio.exceptions import ApplicationError

NEW, OVERWRITE = "new", "overwrite"
# The test panel counts characters like the runtime (code points) and never reads more of a file than could fit.
MAX_UPLOAD_BYTES = 4 * limits.RUNTIME_CHARACTERS_MAX + 3
DEFAULT_TRAIN_PERCENT = EvaluationOptions().training_percent


class TrainForm(forms.Form):
    target = forms.ChoiceField(
        choices=[(NEW, "Train a new model"), (OVERWRITE, "Overwrite an existing model")],
        initial=NEW,
        widget=forms.RadioSelect,
        label="Model",
    )
    model_label = forms.CharField(
        max_length=limits.NAME_MAX,
        required=False,
        label="Model name",
        help_text="Letters, digits, '_', '.' and '-'; up to 50 characters.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "pattern": limits.NAME_INPUT_PATTERN}
        ),
    )
    overwrite_label = forms.ChoiceField(required=False, label="Model to overwrite")
    config_version = forms.ChoiceField(
        initial=configs.DEFAULT_VERSION, widget=forms.RadioSelect, label="Training configuration"
    )
    split = forms.ChoiceField(
        choices=[(PERCENTAGE, "Automatically split the training documents"), (MANUAL, "Use a manual split")],
        initial=PERCENTAGE,
        widget=forms.RadioSelect,
        label="Evaluation",
    )
    train_percent = forms.IntegerField(
        min_value=1, max_value=99, initial=DEFAULT_TRAIN_PERCENT, required=False, label="Training"
    )
    test_percent = forms.IntegerField(
        min_value=1, max_value=99, initial=100 - DEFAULT_TRAIN_PERCENT, required=False, label="Testing"
    )

    def __init__(self, *args, existing_labels: list[str], test_documents: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.existing_labels = existing_labels
        self.test_documents = test_documents
        self.fields["overwrite_label"].choices = [("", "Choose a model…"), *((x, x) for x in existing_labels)]
        self.fields["config_version"].choices = [
            (version, f"{version} (default)" if version == configs.DEFAULT_VERSION else version)
            for version in configs.OFFERED
        ]
        if not existing_labels:
            self.fields["target"].disabled = True
            self.fields["target"].widget.attrs["data-no-models"] = "true"

    def clean_model_label(self) -> str:
        label = self.cleaned_data["model_label"].strip()
        if label:
            try:
                limits.check_name(label, what="Model")
            except ApplicationError as error:
                raise forms.ValidationError(error.message) from None
        return label

    def clean(self) -> dict:
        data = super().clean()
        if data.get("target", NEW) == NEW:
            label = data.get("model_label")
            if not label and "model_label" not in self.errors:
                self.add_error("model_label", "Name the new model.")
            elif label in self.existing_labels:
                self.add_error(
                    "model_label",
                    f"A model named '{label}' already exists. Choose “Overwrite an existing model” to replace it, "
                    "or pick another name.",
                )
        elif not data.get("overwrite_label"):
            self.add_error("overwrite_label", "Choose the model to overwrite.")
        if data.get("split") == MANUAL and not self.test_documents:
            self.add_error("split", "No documents are assigned to Test, so a manual split has nothing to test on.")
        if data.get("split") == PERCENTAGE and not {"train_percent", "test_percent"} & set(self.errors):
            train, test = self._percentages()
            if train + test != 100:
                message = f"Training and testing must add up to 100%; they add up to {train + test}%."
                self.add_error("test_percent", message)
        return data

    def _percentages(self) -> tuple[int, int]:
        data = self.cleaned_data
        train, test = data.get("train_percent"), data.get("test_percent")
        return (
            DEFAULT_TRAIN_PERCENT if train is None else train,
            100 - DEFAULT_TRAIN_PERCENT if test is None else test,
        )

    @property
    def chosen_label(self) -> str:
        data = self.cleaned_data
        return data["overwrite_label"] if data.get("target") == OVERWRITE else data["model_label"]

    @property
    def evaluation(self) -> EvaluationOptions:
        if self.cleaned_data["split"] == MANUAL:
            return EvaluationOptions(kind=MANUAL)
        return EvaluationOptions(kind=PERCENTAGE, training_percent=self._percentages()[0])


class DeploymentTestForm(forms.Form):
    """What the test panel sends: a deployment, a language and one text, pasted or from a UTF-8 `.txt` file."""

    deployment = forms.ChoiceField(label="Deployment")
    language = forms.CharField(max_length=20, required=False, label="Language")
    text = forms.CharField(required=False, strip=False, label="Text", widget=forms.Textarea)
    file = forms.FileField(required=False, label="Or upload a .txt file")

    def __init__(self, *args, deployments: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deployment"].choices = [(name, name) for name in deployments]

    def clean_file(self) -> str | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if not upload.name.lower().endswith(".txt"):
            raise forms.ValidationError(f"'{upload.name}' is not a .txt file; upload plain text saved as UTF-8.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"'{upload.name}' is too large; the limit is {limits.RUNTIME_CHARACTERS_MAX:,} characters."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                f"'{upload.name}' is not UTF-8 text; save it with UTF-8 encoding and upload it again."
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        uploaded = data.get("file")
        # Browsers send a textarea's line breaks as CRLF; the person typed (and counts) one character each.
        text = uploaded if uploaded is not None else (data.get("text") or "").replace("\r\n", "\n")
        field = "text" if uploaded is None else "file"
        if not text.strip():
            empty = "Paste some text or upload a .txt file to test." if uploaded is None else "The file holds no text."
            if "file" not in self.errors:
                self.add_error(field, empty)
        elif len(text) > limits.RUNTIME_CHARACTERS_MAX:
            self.add_error(
                field, f"The text has {len(text):,} characters; the limit is {limits.RUNTIME_CHARACTERS_MAX:,}."
            )
        data["document"] = text
        return data

"""Forms of the users, account and API key pages. Rules live in the services; these only parse."""

from __future__ import annotations

from django import forms

from projects.models import Role
from studio.exceptions import ApplicationError


def attach_error(form: forms.Form, error: ApplicationError) -> None:
    """Shows a service's error on the field it is about, else above the form."""
    form.add_error(error.target if error.target in form.fields else None, error.message)


class UserCreateForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @ . + - _; no spaces.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    may_create_projects = forms.BooleanField(required=False, label="May create projects")
    is_admin = forms.BooleanField(
        required=False, label="Administrator", help_text="Manages users and acts as owner of every project."
    )


class UserAccessForm(forms.Form):
    is_admin = forms.BooleanField(required=False, label="Administrator")
    may_create_projects = forms.BooleanField(required=False, label="May create projects")
    is_active = forms.BooleanField(required=False, label="Active")


KEY_ROLE_HELP = "What the key may do: an owner key manages the project, a viewer key only reads it."


class ApiKeyForm(forms.Form):
    """A key for one project (the project's page) or, with `projects`, for some of the user's projects."""

    name = forms.CharField(
        max_length=100,
        help_text="What will use it, e.g. 'billing-service'.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER, help_text=KEY_ROLE_HELP)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if projects is not None:
            self.fields["projects"] = forms.ModelMultipleChoiceField(
                queryset=projects,
                to_field_name="name",
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Choose at least one project."},
            )

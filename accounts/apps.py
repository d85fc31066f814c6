from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, passwords and API keys in the studio (issue 16): pages only; the models are Django's and `projects`'."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

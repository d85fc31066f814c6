import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Makes sure an admin account exists (password from STUDIO_ADMIN_PASSWORD, else generated and printed once)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("STUDIO_ADMIN_USER", "admin"))

    def handle(self, *args, username: str, **options):
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            return
        password = os.environ.get("STUDIO_ADMIN_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        else:
            try:
                validate_password(password, users(username=username))  # AUTH_PASSWORD_VALIDATORS, as every form
            except ValidationError as weak:
                raise CommandError(f"STUDIO_ADMIN_PASSWORD is too weak: {' '.join(weak.messages)}") from weak
        users.objects.create_superuser(username=username, email="", password=password)
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Created admin account '{username}' with password: {password}\n"
                    "It is shown only this once; change it after signing in."
                )
            )
        else:
            self.stdout.write(f"Created admin account '{username}' with the password from STUDIO_ADMIN_PASSWORD.")

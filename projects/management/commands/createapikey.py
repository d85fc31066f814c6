from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from projects.services.api_keys import api_key_create


class Command(BaseCommand):
    help = "Creates an API key acting as USER; prints the key once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("name", help="what the key is for, e.g. 'billing-service'")
        parser.add_argument("--user", required=True, help="the username the key acts as")

    def handle(self, *args, name: str, user: str, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"There is no user named '{user}'.")
        raw = api_key_create(user=account, name=name)
        self.stdout.write(f"API key '{name}' for {user} (shown once; only its hash is stored):")
        self.stdout.write(raw)

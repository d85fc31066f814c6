from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from projects.models import Project, Role
from projects.services.api_keys import api_key_create
from studio.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Creates an API key acting as USER; prints the key once, alone on the last line. With --project (repeatable) "
        "and --role the key reaches only those projects, in that role."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="what the key is for, e.g. 'billing-service'")
        parser.add_argument("--user", required=True, help="the username the key acts as")
        parser.add_argument("--project", action="append", default=[], help="a project the key is scoped to")
        parser.add_argument("--role", choices=Role.values, default="", help="the role the key acts in (with --project)")

    def handle(self, *args, name: str, user: str, project: list[str], role: str, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"There is no user named '{user}'.")
        projects = []
        for project_name in project:
            found = Project.objects.filter(name=project_name).first()
            if found is None:
                raise CommandError(f"There is no project named '{project_name}'.")
            projects.append(found)
        try:
            raw = api_key_create(user=account, name=name, projects=projects, role=role)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"API key '{name}' for {user} (shown once; only its hash is stored):")
        self.stdout.write(raw)

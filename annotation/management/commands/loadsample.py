from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotation.services.sample import sample_project_create
from studio.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Creates the sample project (labeled loan agreements, split into Train and Test); the user owns it."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="owner of the project (default: the first superuser)")
        parser.add_argument("--name", help="project name (default: loan-agreements, or the next free variant)")

    def handle(self, *args, user: str | None = None, name: str | None = None, **options):
        users = get_user_model()
        if user:
            owner = users.objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"There is no user named '{user}'.")
        else:
            owner = users.objects.filter(is_superuser=True).order_by("pk").first()
            if owner is None:
                raise CommandError("No superuser exists; pass --user USERNAME (or run `manage.py ensureadmin`).")
        try:
            project = sample_project_create(user=owner, name=name)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        count = project.documents.count()
        self.stdout.write(
            self.style.SUCCESS(f"Created sample project '{project.name}' ({count} documents), owned by {owner}.")
        )

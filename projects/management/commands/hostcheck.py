"""`manage.py hostcheck`: whether this host shares the studio's secret key and data directory (README, "Scaling
out"); `--record` makes this host's the studio's, after the key changed on purpose on every host."""

from django.core.management.base import BaseCommand, CommandError

from projects.services.hosts import host_problems, installation_record


class Command(BaseCommand):
    help = (
        "Checks that this host shares the studio's secret key and data directory; --record makes its own the studio's."
    )
    requires_system_checks = []  # the check is what this command reports (or, with --record, replaces)

    def add_arguments(self, parser):
        parser.add_argument("--record", action="store_true", help="Record this host's key and data directory.")

    def handle(self, *args, record: bool, **options):
        if record:
            installation_record()
            self.stdout.write("Recorded this host's secret key and data directory as the studio's.")
            return
        problems = host_problems()
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("This host shares the studio's secret key and data directory.")

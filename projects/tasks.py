"""django-q2 entry points of the projects app: thin, they call one service."""

from projects.services.operations import operations_expire


def sweep() -> None:
    """Scheduled every few minutes (migration `0002_sweep_schedule`): expired operation records and results go."""
    operations_expire()

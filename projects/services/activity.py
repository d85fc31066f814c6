from projects.models import Activity, Project


def activity_record(*, project: Project, user, verb: str, summary: str) -> None:
    Activity.objects.create(
        project=project,
        user=user if user is not None and user.is_authenticated else None,
        verb=verb,
        summary=summary[:300],
    )

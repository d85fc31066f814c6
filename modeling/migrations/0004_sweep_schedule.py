"""The django-q2 schedule that fails jobs whose process died and sweeps expired runtime jobs (reads never do it)."""

from django.db import migrations

NAME = "modeling: fail stale jobs, expire runtime jobs"


def create(apps, schema_editor):
    schedule = apps.get_model("django_q", "Schedule")
    schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": "modeling.tasks.sweep", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("modeling", "0003_project_moves_to_projects_app"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]

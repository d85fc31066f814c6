"""Runtime jobs now store domain results (code-point entities, error messages) instead of Azure's JSON; jobs
kept in the old shape (a day's worth at most) are removed rather than answered wrongly."""

from django.db import migrations


def clear(apps, schema_editor):
    jobs = apps.get_model("modeling", "AnalyzeJob")
    old = [pk for pk, tasks in jobs.objects.values_list("pk", "tasks") if any("taskName" in t for t in tasks)]
    jobs.objects.filter(pk__in=old).delete()


class Migration(migrations.Migration):
    dependencies = [("modeling", "0004_sweep_schedule")]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]

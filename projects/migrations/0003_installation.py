"""What the studio's hosts share besides the database (`projects.services.hosts`), recorded from the host that
migrates: its secret key's digest and its data directory's token."""

from django.db import migrations, models


def record(apps, schema_editor):
    from projects.services.hosts import this_host

    apps.get_model("projects", "Installation").objects.update_or_create(pk=1, defaults=this_host())


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_sweep_schedule")]

    operations = [
        migrations.CreateModel(
            name="Installation",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("secret_key_digest", models.CharField(max_length=128)),
                ("data_dir_token", models.CharField(max_length=64)),
                ("recorded_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="installation_one_row")]
            },
        ),
        migrations.RunPython(record, migrations.RunPython.noop),
    ]

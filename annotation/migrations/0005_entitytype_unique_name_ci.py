"""Entity type names become unique per project regardless of case ("Party" and "party" are one name).

The index cannot be built while a project holds two such names, and which one a person meant is theirs to
say (merging would relabel their data), so the migration stops first and names every pair to rename.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_names_differing_only_in_case(apps, schema_editor):
    entity_type = apps.get_model("annotation", "EntityType")
    # The database's own Lower(), so exactly the rows the new unique index would refuse.
    clashing = (
        entity_type.objects.annotate(key=Lower("name"))
        .values("project_id", "key")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
    )
    problems = []
    for group in clashing:
        rows = entity_type.objects.annotate(key=Lower("name")).filter(project_id=group["project_id"], key=group["key"])
        names = sorted(rows.values_list("name", flat=True))
        project = rows.values_list("project__name", flat=True).first()
        problems.append(f"project '{project}': " + ", ".join(f"'{name}'" for name in names))
    if problems:
        raise RuntimeError(
            "Entity type names are now unique regardless of case, but these projects have names that differ "
            "only in case: " + "; ".join(problems) + ". Rename or delete one of each (the project's Schema page, "
            "or the admin), then run `python manage.py migrate` again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("annotation", "0004_project_moves_to_projects_app"),
        ("projects", "0002_sweep_schedule"),
    ]

    operations = [
        migrations.RunPython(refuse_names_differing_only_in_case, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="entitytype",
            constraint=models.UniqueConstraint(
                models.F("project"),
                django.db.models.functions.text.Lower("name"),
                name="entitytype_unique_name_ci",
                violation_error_message="The project already has an entity type with this name, in some case.",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="entitytype",
            name="entitytype_unique_name",
        ),
    ]
